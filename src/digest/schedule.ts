// When a digest is due, as calendar arithmetic in the reader's zone, done by luxon (wall-clock times, ISO weeks and
// daylight-saving changes are its tested ground, not ours). The send time comes from digest.schedule, read by the
// one send-time parser (core/cron.ts). Rule order: find the local date now → step back to the send weekday (weekly)
// → if that day's send time is still ahead, step back one period. 07:00 stays 07:00 local across DST changes; a
// send time that a DST jump skips is moved forward by the jump (luxon's rule). A period is named after what it
// covers: "2026-W48" (the ISO week before a Monday send), or "2026-11-29" (the day before a daily send).
import { DateTime } from 'luxon';
import { sendTime, type SendTime } from '../core/cron.ts';

export type { SendTime };
export { isValidTimeZone } from '../core/intl.ts';

export type Frequency = 'weekly' | 'daily';

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

/** Reads "M H * * D" (D = 0–7 or mon…sun; "*" means Monday for weekly subscribers). */
export const parseSendTime = sendTime;

const WEEK_LABEL = "kkkk-'W'WW";

/** ISO 8601 week of a day number (days since 1970-01-01): "2026-W48". */
export function isoWeekLabel(day: number): string {
  return DateTime.fromMillis(day * 86_400_000, { zone: 'utc' }).toFormat(WEEK_LABEL);
}

/** The send instant on a local calendar day. */
function sendInstant(day: DateTime, time: SendTime): Date {
  return day.set({ hour: time.hour, minute: time.minute, second: 0, millisecond: 0 }).toJSDate();
}

function describe(dueDay: DateTime, frequency: Frequency, time: SendTime, zone: string): DueDigest {
  const span = frequency === 'weekly' ? 7 : 1;
  const covered = dueDay.minus({ days: 1 });
  const first = dueDay.minus({ days: span });
  return {
    period: frequency === 'weekly' ? covered.toFormat(WEEK_LABEL) : (covered.toISODate() ?? ''),
    frequency,
    timeZone: zone,
    windowEnd: sendInstant(dueDay, time),
    defaultWindowStart: sendInstant(first, time),
    firstDay: first.toISODate() ?? '',
    lastDay: covered.toISODate() ?? '',
  };
}

/** The most recent send time at or before now, in zone, and the period it closes. */
export function latestDue(now: Date, zone: string, frequency: Frequency, time: SendTime): DueDigest {
  let day = DateTime.fromJSDate(now, { zone }).startOf('day');
  if (frequency === 'weekly') day = day.minus({ days: (day.weekday - time.weekday + 7) % 7 });
  if (sendInstant(day, time).getTime() > now.getTime())
    day = day.minus({ days: frequency === 'weekly' ? 7 : 1 });
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
    const monday = DateTime.fromObject(
      { weekYear: Number(weekly[1]), weekNumber: Number(weekly[2]), weekday: 1 },
      { zone },
    );
    if (!monday.isValid) return undefined;
    // The send day is the first `weekday` after the week's Monday whose previous day lies in the week.
    for (let offset = 1; offset <= 7; offset += 1) {
      const day = monday.plus({ days: offset });
      if (day.weekday === time.weekday) {
        const due = describe(day, frequency, time, zone);
        return due.period === period ? due : undefined;
      }
    }
    return undefined;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(period) && frequency === 'daily') {
    const day = DateTime.fromISO(period, { zone });
    return day.isValid ? describe(day.plus({ days: 1 }), frequency, time, zone) : undefined;
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
  const time = sendTime(options.schedule);
  return { cron: `${time.minute} * * * *`, timeZone: options.timeZone };
}
