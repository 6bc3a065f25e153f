// The one reading of cron expressions besides node-cron itself: node-cron's validate() decides what is a cron
// expression (config schema, scheduler), and sendTime() reads the narrower shape the digest schedule allows,
// "MINUTE HOUR * * WEEKDAY" (an optional seconds field first), into numbers. Config validates with it and the digest
// stage computes with it, so the two cannot disagree.
import { validate } from 'node-cron';
import { TipwireError } from './errors.ts';

export interface SendTime {
  hour: number;
  minute: number;
  /** ISO weekday of weekly sends: 1 = Monday … 7 = Sunday ("*" means Monday). */
  weekday: number;
}

export const isCron = (expression: string): boolean => validate(expression);

const WEEKDAYS: Record<string, number> = { sun: 7, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const SEND_TIME_HINT = '"MINUTE HOUR * * WEEKDAY" with numbers, e.g. "0 7 * * 1" (Monday 07:00)';

/** Reads "M H * * D"; throws CONFIG_INVALID naming digest.schedule for anything else. */
export function sendTime(expression: string): SendTime {
  const bad = (): never => {
    throw new TipwireError('CONFIG_INVALID', `digest.schedule: "${expression}" must be ${SEND_TIME_HINT}`);
  };
  if (!isCron(expression)) return bad();
  const fields = expression.trim().split(/\s+/);
  const [m, h, dom, mon, dow] = fields.length === 6 ? fields.slice(1) : fields;
  if (dom !== '*' || mon !== '*' || !/^\d{1,2}$/.test(m ?? '') || !/^\d{1,2}$/.test(h ?? '')) return bad();
  let weekday = 1;
  if (dow !== '*') {
    const name = WEEKDAYS[(dow ?? '').toLowerCase().slice(0, 3)];
    if (/^[0-7]$/.test(dow ?? '')) weekday = Number(dow) === 0 ? 7 : Number(dow);
    else if (name !== undefined) weekday = name;
    else return bad();
  }
  return { hour: Number(h), minute: Number(m), weekday };
}

/** For schema refinements: true when sendTime() accepts the expression. */
export function isSendTime(expression: string): boolean {
  try {
    sendTime(expression);
    return true;
  } catch {
    return false;
  }
}
