// When a digest is due, as pure calendar arithmetic: the send time comes from a cron of the form "M H * * D"
// (weekly on day D, daily for daily subscribers) read in an IANA zone. Local wall-clock times are turned into
// instants through Intl offsets, recomputed at the target instant, so 07:00 stays 07:00 across daylight-saving
// changes. Rule order: find the local date now → step back to the send weekday (weekly) → if that day's send time
// is still ahead, step back one period. A period is named after what it covers: "2026-W48" (the ISO week before a
// Monday send), or "2026-11-29" (the day before a daily send).
import { TipwireError } from '../core/errors.ts';

export type Frequency = 'weekly' | 'daily';

export interface SendTime {
  hour: number;
  minute: number;
  /** ISO weekday of weekly sends: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

export interface DueDigest {
  period: string;
  frequency: Frequency;
  timeZone: string;
  /** The send instant: end of the story window (exclusive). */
  windowEnd: Date;
  /** The previous send instant: where a first digest's window starts. */
  defaultWindowStart: Date;
  /** Local calendar days covered, for the subject ("2026-11-23" … "2026-11-29"). */
  firstDay: string;
  lastDay: string;
}

const DAY_MS = 86_400_000;
const WEEKDAYS: Record<string, number> = { sun: 7, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** Reads "M H * * D" (D = 0–7 or mon…sun; "*" means Monday for weekly subscribers). */
export function parseSendTime(cron: string): SendTime {
  const fields = cron.trim().split(/\s+/);
  const [m, h, dom, mon, dow] = fields.length === 6 ? fields.slice(1) : fields;
  const bad = (): never => {
    throw new TipwireError(
      'CONFIG_INVALID',
      `digest.schedule: "${cron}" must be "MINUTE HOUR * * WEEKDAY" with numbers, e.g. "0 7 * * 1" (Monday 07:00)`,
    );
  };
  if (fields.length < 5 || fields.length > 6 || dom !== '*' || mon !== '*') return bad();
  if (!/^\d{1,2}$/.test(m ?? '') || !/^\d{1,2}$/.test(h ?? '')) return bad();
  const minute = Number(m);
  const hour = Number(h);
  if (minute > 59 || hour > 23) return bad();
  let weekday = 1;
  if (dow !== '*') {
    const key = (dow ?? '').toLowerCase().slice(0, 3);
    if (/^[0-7]$/.test(dow ?? '')) weekday = Number(dow) === 0 ? 7 : Number(dow);
    else if (WEEKDAYS[key] !== undefined) weekday = WEEKDAYS[key];
    else return bad();
  }
  return { hour, minute, weekday };
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock reading in zone at instant, as if it were UTC (milliseconds). */
function wallClock(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
}

/** The instant at which the zone's clocks show the given wall time (a time skipped by DST lands just after it). */
export function zonedTimeToUtc(wall: number, zone: string): Date {
  const offset1 = wallClock(wall, zone) - wall;
  let instant = wall - offset1;
  const offset2 = wallClock(instant, zone) - instant;
  if (offset2 !== offset1) instant = wall - offset2;
  return new Date(instant);
}

/** Days since 1970-01-01 of the local date in zone at instant. */
function localDay(instant: Date, zone: string): number {
  return Math.floor(wallClock(instant.getTime(), zone) / DAY_MS);
}

const isoWeekday = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
const dateString = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** ISO 8601 week of a day number: "2026-W48". */
export function isoWeekLabel(day: number): string {
  const thursday = day - isoWeekday(day) + 4;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const firstThursday = Math.floor(Date.UTC(year, 0, 1) / DAY_MS);
  const week = Math.floor((thursday - firstThursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function sendInstant(day: number, time: SendTime, zone: string): Date {
  return zonedTimeToUtc(day * DAY_MS + (time.hour * 60 + time.minute) * 60_000, zone);
}

function describe(dueDay: number, frequency: Frequency, time: SendTime, zone: string): DueDigest {
  const span = frequency === 'weekly' ? 7 : 1;
  return {
    period: frequency === 'weekly' ? isoWeekLabel(dueDay - 1) : dateString(dueDay - 1),
    frequency,
    timeZone: zone,
    windowEnd: sendInstant(dueDay, time, zone),
    defaultWindowStart: sendInstant(dueDay - span, time, zone),
    firstDay: dateString(dueDay - span),
    lastDay: dateString(dueDay - 1),
  };
}

/** The most recent send time at or before now, in zone, and the period it closes. */
export function latestDue(now: Date, zone: string, frequency: Frequency, time: SendTime): DueDigest {
  let day = localDay(now, zone);
  if (frequency === 'weekly') day -= (isoWeekday(day) - time.weekday + 7) % 7;
  if (sendInstant(day, time, zone).getTime() > now.getTime()) day -= frequency === 'weekly' ? 7 : 1;
  return describe(day, frequency, time, zone);
}

/** The send of a named period ("2026-W48" or "2026-11-29"); undefined when the name does not fit the frequency. */
export function dueForPeriod(
  period: string,
  zone: string,
  frequency: Frequency,
  time: SendTime,
): DueDigest | undefined {
  const weekly = /^(\d{4})-W(\d{2})$/.exec(period);
  if (weekly && frequency === 'weekly') {
    // Monday of that ISO week: the week holding 4 January is week 1.
    const jan4 = Math.floor(Date.UTC(Number(weekly[1]), 0, 4) / DAY_MS);
    const monday = jan4 - isoWeekday(jan4) + 1 + (Number(weekly[2]) - 1) * 7;
    // The send day is the first `weekday` after the week's first day whose previous day lies in the week.
    for (let day = monday + 1; day <= monday + 7; day += 1) {
      if (isoWeekday(day) === time.weekday) {
        const due = describe(day, frequency, time, zone);
        return due.period === period ? due : undefined;
      }
    }
    return undefined;
  }
  const daily = /^\d{4}-\d{2}-\d{2}$/.exec(period);
  if (daily && frequency === 'daily') {
    const day = Math.floor(Date.parse(`${period}T00:00:00Z`) / DAY_MS);
    return Number.isNaN(day) ? undefined : describe(day + 1, frequency, time, zone);
  }
  return undefined;
}

/**
 * How often the scheduler should wake the digest job: with per-subscriber zones, every 15 minutes (zones differ
 * by quarter hours, e.g. Asia/Kathmandu); with one zone, hourly at the send minute (the send itself, then retries).
 */
export function wakeSchedule(options: {
  schedule: string;
  timeZone: string;
  perSubscriberTimeZone: boolean;
}): {
  cron: string;
  timeZone: string;
} {
  if (options.perSubscriberTimeZone) return { cron: '*/15 * * * *', timeZone: 'UTC' };
  const time = parseSendTime(options.schedule);
  return { cron: `${time.minute} * * * *`, timeZone: options.timeZone };
}
