// Due-time arithmetic: send time parsing, ISO weeks, latest due instant per zone, named periods, and a crossing of
// the end of daylight-saving time in Europe/Berlin and America/New_York (07:00 local on both sides).
import { describe, expect, it } from 'vitest';
import {
  dueForPeriod,
  isoWeekLabel,
  latestDue,
  parseSendTime,
  wakeSchedule,
} from '../../src/digest/schedule.ts';

const monday7 = parseSendTime('0 7 * * 1');
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe('parseSendTime', () => {
  it.each([
    ['Monday 07:00', '0 7 * * 1', { hour: 7, minute: 0, weekday: 1 }],
    ['Sunday as 0', '30 6 * * 0', { hour: 6, minute: 30, weekday: 7 }],
    ['named day', '15 8 * * fri', { hour: 8, minute: 15, weekday: 5 }],
    ['any day means Monday for weekly', '0 9 * * *', { hour: 9, minute: 0, weekday: 1 }],
    ['six fields (seconds)', '0 0 7 * * 1', { hour: 7, minute: 0, weekday: 1 }],
  ])('%s', (_name, cron, expected) => expect(parseSendTime(cron)).toEqual(expected));

  it.each([
    ['a step', '*/15 * * * *'],
    ['a day-of-month range', '0 7 1-5 * 1'],
    ['an hour past 23', '0 24 * * 1'],
  ])('refuses %s', (_name, cron) => expect(() => parseSendTime(cron)).toThrow(/digest.schedule/));
});

describe('isoWeekLabel', () => {
  it.each([
    ['mid-year', '2026-11-25', '2026-W48'],
    ['Sunday ends the week', '2026-11-29', '2026-W48'],
    ['Jan 1 in the previous year', '2027-01-01', '2026-W53'],
    ['Dec 31 in week 1', '2024-12-31', '2025-W01'],
  ])('%s', (_name, date, label) => expect(isoWeekLabel(day(date))).toBe(label));
});

describe('latestDue', () => {
  it.each([
    [
      'just before Monday 07:00 UTC → last week',
      '2026-11-30T06:59:00Z',
      'UTC',
      '2026-W47',
      '2026-11-23T07:00:00.000Z',
    ],
    ['at Monday 07:00 UTC', '2026-11-30T07:00:00Z', 'UTC', '2026-W48', '2026-11-30T07:00:00.000Z'],
    ['Thursday', '2026-12-03T12:00:00Z', 'UTC', '2026-W48', '2026-11-30T07:00:00.000Z'],
    [
      'Bishkek (+06) Monday 07:00 is 01:00 UTC',
      '2026-11-30T01:00:00Z',
      'Asia/Bishkek',
      '2026-W48',
      '2026-11-30T01:00:00.000Z',
    ],
    ['Kathmandu (+05:45)', '2026-11-30T01:15:00Z', 'Asia/Kathmandu', '2026-W48', '2026-11-30T01:15:00.000Z'],
    [
      'New York: 03:00Z on Monday is still Sunday evening there',
      '2026-11-30T03:00:00Z',
      'America/New_York',
      '2026-W47',
      '2026-11-23T12:00:00.000Z',
    ],
  ])('%s', (_name, now, zone, period, windowEnd) => {
    const due = latestDue(new Date(now), zone, 'weekly', monday7);
    expect(due.period).toBe(period);
    expect(due.windowEnd.toISOString()).toBe(windowEnd);
  });

  it('names the covered days and starts a first window one period back', () => {
    const due = latestDue(new Date('2026-11-30T08:00:00Z'), 'UTC', 'weekly', monday7);
    expect(due).toMatchObject({ firstDay: '2026-11-23', lastDay: '2026-11-29' });
    expect(due.defaultWindowStart.toISOString()).toBe('2026-11-23T07:00:00.000Z');
    const daily = latestDue(new Date('2026-11-30T08:00:00Z'), 'UTC', 'daily', monday7);
    expect(daily).toMatchObject({ period: '2026-11-29', firstDay: '2026-11-29', lastDay: '2026-11-29' });
  });

  it.each([
    // Berlin leaves summer time on Sunday 25 Oct 2026: 07:00 is 05:00Z before and 06:00Z after.
    ['Europe/Berlin', '2026-10-19T05:00:00.000Z', '2026-10-26T06:00:00.000Z'],
    // New York leaves daylight time on Sunday 1 Nov 2026: 07:00 is 11:00Z before and 12:00Z after.
    ['America/New_York', '2026-10-26T11:00:00.000Z', '2026-11-02T12:00:00.000Z'],
  ])('crosses the end of DST in %s and stays at 07:00 local', (zone, before, after) => {
    const first = latestDue(new Date(before), zone, 'weekly', monday7);
    expect(first.windowEnd.toISOString()).toBe(before);
    expect(
      latestDue(new Date(Date.parse(before) - 60_000), zone, 'weekly', monday7).windowEnd < first.windowEnd,
    ).toBe(true);
    const second = latestDue(new Date(after), zone, 'weekly', monday7);
    expect(second.windowEnd.toISOString()).toBe(after);
    expect(second.defaultWindowStart.toISOString()).toBe(before);
    // One minute before the local 07:00 after the change, the earlier digest is still the latest.
    expect(
      latestDue(new Date(Date.parse(after) - 60_000), zone, 'weekly', monday7).windowEnd.toISOString(),
    ).toBe(before);
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    expect(local.format(first.windowEnd)).toBe('Mon 07:00');
    expect(local.format(second.windowEnd)).toBe('Mon 07:00');
  });
});

describe('dueForPeriod', () => {
  it.each([
    ['weekly W48 in UTC', '2026-W48', 'weekly', '2026-11-30T07:00:00.000Z'],
    ['weekly W01 across the year', '2027-W01', 'weekly', '2027-01-11T07:00:00.000Z'],
    ['daily', '2026-11-29', 'daily', '2026-11-30T07:00:00.000Z'],
  ] as const)('%s', (_name, period, frequency, windowEnd) => {
    const due = dueForPeriod(period, 'UTC', frequency, monday7);
    expect(due?.period).toBe(period);
    expect(due?.windowEnd.toISOString()).toBe(windowEnd);
  });

  it('refuses a name that does not fit the frequency', () => {
    expect(dueForPeriod('2026-11-29', 'UTC', 'weekly', monday7)).toBeUndefined();
    expect(dueForPeriod('2026-W48', 'UTC', 'daily', monday7)).toBeUndefined();
  });
});

describe('wakeSchedule', () => {
  it('wakes every 15 minutes when zones differ, hourly at the send minute in one zone', () => {
    expect(
      wakeSchedule({ schedule: '0 7 * * 1', timeZone: 'Asia/Tashkent', perSubscriberTimeZone: true }),
    ).toEqual({
      cron: '*/15 * * * *',
      timeZone: 'UTC',
    });
    expect(
      wakeSchedule({ schedule: '30 7 * * 1', timeZone: 'Asia/Tashkent', perSubscriberTimeZone: false }),
    ).toEqual({
      cron: '30 * * * *',
      timeZone: 'Asia/Tashkent',
    });
  });
});
