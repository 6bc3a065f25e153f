// Feed dates as publishers really write them, to a UTC instant. Pure; no Date.parse guessing on the main path
// because its results differ between engines and it reads zone-less strings as local time.
// Rule order: ISO 8601 / W3C-DTF (zone-less → UTC) → RFC 822/1123 with named or numeric zones, optional weekday and
// seconds, two- or four-digit years, English or Russian month names → a few loose forms (asctime, "YYYY/MM/DD") →
// undefined. Callers decide what a missing date means.

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
  // Russian: nominative, genitive and common abbreviations (as produced by ru_RU locales).
  янв: 1,
  января: 1,
  январь: 1,
  фев: 2,
  февраля: 2,
  февраль: 2,
  мар: 3,
  марта: 3,
  март: 3,
  апр: 4,
  апреля: 4,
  апрель: 4,
  мая: 5,
  май: 5,
  июн: 6,
  июня: 6,
  июнь: 6,
  июл: 7,
  июля: 7,
  июль: 7,
  авг: 8,
  августа: 8,
  август: 8,
  сен: 9,
  сент: 9,
  сентября: 9,
  сентябрь: 9,
  окт: 10,
  октября: 10,
  октябрь: 10,
  ноя: 11,
  нояб: 11,
  ноября: 11,
  ноябрь: 11,
  дек: 12,
  декабря: 12,
  декабрь: 12,
};

// Offsets in minutes. US zones per RFC 822; the rest are the ones seen in the region's feeds.
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  wet: 0,
  bst: 60,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  msd: 240,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
  ast: -240,
  adt: -180,
  nzst: 720,
  nzdt: 780,
  jst: 540,
  kst: 540,
  ist: 330,
  almt: 300,
  alma: 300,
  qyzt: 300,
  uzt: 300,
  tjt: 300,
  tmt: 300,
  kgt: 360,
  aqtt: 300,
  orat: 300,
  yekt: 300,
  omst: 360,
  novt: 420,
  krat: 420,
  aest: 600,
  aedt: 660,
  acst: 570,
  awst: 480,
  sgt: 480,
  hkt: 480,
};

function militaryZone(letter: string): number | undefined {
  const c = letter.toLowerCase();
  if (c === 'z') return 0;
  if (c === 'j' || c.length !== 1 || c < 'a' || c > 'y') return undefined;
  // RFC 1123 warns military zones were defined with the wrong sign in RFC 822; both are wrong in practice. Treat as UTC.
  return 0;
}

function zoneOffset(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === '') return 0;
  const z = zone.trim();
  const numeric = /^(?:(?:gmt|utc|ut)\s*)?([+-])(\d{1,2}):?(\d{2})?$/i.exec(z);
  if (numeric) {
    const h = Number(numeric[2]);
    const m = Number(numeric[3] ?? '0');
    if (h > 14 || m > 59) return undefined;
    return (numeric[1] === '-' ? -1 : 1) * (h * 60 + m);
  }
  const named = ZONES[z.toLowerCase()];
  if (named !== undefined) return named;
  if (z.length === 1) return militaryZone(z);
  return undefined;
}

function fullYear(y: string): number {
  const n = Number(y);
  if (y.length === 2) return n < 50 ? 2000 + n : 1900 + n;
  if (y.length === 3) return 1900 + n; // "108" from a tm_year bug
  return n;
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offsetMinutes: number,
): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60)
    return undefined;
  if (year < 1000 || year > 9999) return undefined;
  const t = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms) - offsetMinutes * 60_000;
  const d = new Date(t);
  // Reject 31 February and friends rather than rolling over into the next month.
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day) return undefined;
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const ISO =
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[T\s]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?|[a-z]{1,5})?)?)?)?$/i;

const RFC822 =
  /^(?:[^\d\s,]+\.?,?\s*)?(\d{1,2})[\s-]+([^\d\s,.-]+)\.?,?[\s-]+(\d{2,4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:\s*([a-z]{1,5}(?:\s*[+-]\d{1,2}:?\d{2})?|[+-]\d{1,2}:?\d{2}))?)?(?:\s*\(.*\))?$/i;

// "Mon, Jan 05 2026 10:00:00 +0600", "Jan 5, 2026 10:00 AM" and asctime "Mon Jan  5 10:00:00 2026".
const MONTH_FIRST =
  /^(?:[^\d\s,]+,?\s+)?([a-zа-яё]+)\.?\s+(\d{1,2}),?\s+(?:(\d{4})\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?\s*([a-z]{1,5}|[+-]\d{2}:?\d{2})?\s*(\d{4})?$/i;
const MONTH_FIRST_DATE = /^(?:[^\d\s,]+,?\s+)?([a-zа-яё]+)\.?\s+(\d{1,2}),?\s+(\d{4})$/i;

const SLASHED =
  /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|[+-]\d{2}:?\d{2}|[a-z]{1,5})?)?$/i;
// Day-first with dots, common in Russian-language feeds: "05.03.2026 14:30".
const DOTTED =
  /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[T\s,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|[+-]\d{2}:?\d{2}|[a-z]{1,5})?)?$/i;

function msOf(frac: string | undefined): number {
  return frac === undefined ? 0 : Math.round(Number(`0.${frac}`) * 1000);
}

/** Parse a feed date to ISO UTC, or undefined when it cannot be read with confidence. */
export function parseFeedDate(input: string | undefined): string | undefined {
  if (input === undefined) return undefined;
  const s = input
    .replace(/[\u00a0\s]+/g, ' ')
    .trim()
    .replace(/^(\d{4}-\d{2}-\d{2})t/, '$1T');
  if (s === '' || s.length > 80) return undefined;

  let m = ISO.exec(s);
  if (m) {
    const off = zoneOffset(m[8]);
    if (off === undefined) return undefined;
    return build(
      Number(m[1]),
      Number(m[2] ?? '1'),
      Number(m[3] ?? '1'),
      Number(m[4] ?? '0'),
      Number(m[5] ?? '0'),
      Number(m[6] ?? '0'),
      msOf(m[7]),
      off,
    );
  }

  m = RFC822.exec(s);
  if (m) {
    const month = MONTHS[(m[2] ?? '').toLowerCase()];
    const off = zoneOffset(m[8]?.replace(/^([a-z]+)\s*([+-])/i, '$2'));
    if (month !== undefined && off !== undefined) {
      return build(
        fullYear(m[3] ?? ''),
        month,
        Number(m[1]),
        Number(m[4] ?? '0'),
        Number(m[5] ?? '0'),
        Number(m[6] ?? '0'),
        msOf(m[7]),
        off,
      );
    }
  }

  m = MONTH_FIRST.exec(s);
  if (m && (m[3] !== undefined || m[9] !== undefined)) {
    const month = MONTHS[(m[1] ?? '').toLowerCase()];
    const off = zoneOffset(m[8]);
    if (month !== undefined && off !== undefined) {
      let hour = Number(m[4]);
      const ampm = m[7]?.toLowerCase();
      if (ampm === 'pm' && hour < 12) hour += 12;
      if (ampm === 'am' && hour === 12) hour = 0;
      return build(
        Number(m[3] ?? m[9]),
        month,
        Number(m[2]),
        hour,
        Number(m[5]),
        Number(m[6] ?? '0'),
        0,
        off,
      );
    }
  }
  m = MONTH_FIRST_DATE.exec(s);
  if (m) {
    const month = MONTHS[(m[1] ?? '').toLowerCase()];
    if (month !== undefined) return build(Number(m[3]), month, Number(m[2]), 0, 0, 0, 0, 0);
  }

  m = SLASHED.exec(s);
  if (m) {
    const off = zoneOffset(m[7]);
    if (off === undefined) return undefined;
    const [, y, mo, d, h, mi, se] = m;
    return build(
      Number(y),
      Number(mo),
      Number(d),
      Number(h ?? '0'),
      Number(mi ?? '0'),
      Number(se ?? '0'),
      0,
      off,
    );
  }
  m = DOTTED.exec(s);
  if (m) {
    const off = zoneOffset(m[7]);
    if (off === undefined) return undefined;
    const [, d, mo, y, h, mi, se] = m;
    return build(
      Number(y),
      Number(mo),
      Number(d),
      Number(h ?? '0'),
      Number(mi ?? '0'),
      Number(se ?? '0'),
      0,
      off,
    );
  }
  return undefined;
}
