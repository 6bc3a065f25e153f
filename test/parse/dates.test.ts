import { describe, expect, it } from 'vitest';
import { parseFeedDate } from '../../src/parse/dates.ts';

describe('parseFeedDate', () => {
  it.each([
    ['RFC 822', 'Thu, 05 Mar 2026 09:15:00 +0600', '2026-03-05T03:15:00.000Z'],
    ['RFC 822 without weekday', '05 Mar 2026 09:15:00 GMT', '2026-03-05T09:15:00.000Z'],
    ['missing seconds', 'Thu, 05 Mar 2026 09:15 +0600', '2026-03-05T03:15:00.000Z'],
    ['US zone', 'Wed, 04 Mar 2026 22:00:00 EST', '2026-03-05T03:00:00.000Z'],
    ['named regional zone', 'Thu, 05 Mar 2026 09:15:00 ALMT', '2026-03-05T04:15:00.000Z'],
    ['colon in offset', 'Thu, 05 Mar 2026 09:15:00 +06:00', '2026-03-05T03:15:00.000Z'],
    ['GMT+offset', 'Thu, 05 Mar 2026 09:15:00 GMT+0600', '2026-03-05T03:15:00.000Z'],
    ['no zone at all (UTC)', 'Thu, 05 Mar 2026 09:15:00', '2026-03-05T09:15:00.000Z'],
    ['two-digit year', 'Wed, 04 Mar 26 22:00:00 GMT', '2026-03-04T22:00:00.000Z'],
    ['two-digit year, last century', '01 Jan 99 00:00:00 GMT', '1999-01-01T00:00:00.000Z'],
    ['full month name', '5 March 2026 10:00:00 GMT', '2026-03-05T10:00:00.000Z'],
    ['Russian abbreviation', 'Чт, 05 мар 2026 09:15:00 +0600', '2026-03-05T03:15:00.000Z'],
    ['Russian genitive', '4 марта 2026 15:45:00 +0600', '2026-03-04T09:45:00.000Z'],
    ['ISO with Z', '2026-03-05T09:15:00Z', '2026-03-05T09:15:00.000Z'],
    ['ISO with offset', '2026-03-05T09:15:00+05:00', '2026-03-05T04:15:00.000Z'],
    ['ISO with fraction', '2026-03-05T09:15:00.123456Z', '2026-03-05T09:15:00.123Z'],
    ['ISO without zone', '2026-03-05T09:15:00', '2026-03-05T09:15:00.000Z'],
    ['ISO with a space', '2026-03-05 09:15:00', '2026-03-05T09:15:00.000Z'],
    ['ISO minutes only', '2026-03-05T09:15+06:00', '2026-03-05T03:15:00.000Z'],
    ['date only', '2026-03-05', '2026-03-05T00:00:00.000Z'],
    ['year-month', '2026-03', '2026-03-01T00:00:00.000Z'],
    ['asctime', 'Thu Mar  5 09:15:00 2026', '2026-03-05T09:15:00.000Z'],
    ['month first with comma', 'March 5, 2026', '2026-03-05T00:00:00.000Z'],
    ['slashes', '2026/03/05 09:15', '2026-03-05T09:15:00.000Z'],
    ['dotted day-first', '05.03.2026 14:30', '2026-03-05T14:30:00.000Z'],
  ])('%s', (_name, input, expected) => {
    expect(parseFeedDate(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['words', 'yesterday'],
    ['Russian words', 'вчера в 14:00'],
    ['31 February', '2026-02-31T00:00:00Z'],
    ['month 13', '2026-13-01'],
    ['unknown zone', 'Thu, 05 Mar 2026 09:15:00 XYZT'],
  ])('refuses %s', (_name, input) => {
    expect(parseFeedDate(input)).toBeUndefined();
  });
});
