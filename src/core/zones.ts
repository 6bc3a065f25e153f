// Which time zone a reader most likely lives in, for the default of the sign-up form (no script runs on our pages, so
// the browser's own zone is never known): from a country (the zone of its capital; Kazakhstan's capital and most of
// its people keep Asia/Almaty's time) or from the browser's Accept-Language (a region subtag, ru-KG; or a language
// spoken in one country only, ky → Kyrgyzstan). English and Russian alone name no country. The table covers the
// region and the countries its stories name (text/countries.ts); other countries get no guess, and the reader picks.

const COUNTRY_ZONES: Readonly<Record<string, string>> = {
  kg: 'Asia/Bishkek',
  kz: 'Asia/Almaty',
  tj: 'Asia/Dushanbe',
  tm: 'Asia/Ashgabat',
  uz: 'Asia/Tashkent',
  af: 'Asia/Kabul',
  ae: 'Asia/Dubai',
  az: 'Asia/Baku',
  by: 'Europe/Minsk',
  cn: 'Asia/Shanghai',
  de: 'Europe/Berlin',
  gb: 'Europe/London',
  il: 'Asia/Jerusalem',
  jp: 'Asia/Tokyo',
  kr: 'Asia/Seoul',
  pl: 'Europe/Warsaw',
  ru: 'Europe/Moscow',
  sa: 'Asia/Riyadh',
  tr: 'Europe/Istanbul',
  ua: 'Europe/Kyiv',
  us: 'America/New_York',
  at: 'Europe/Vienna',
  be: 'Europe/Brussels',
  ch: 'Europe/Zurich',
  fr: 'Europe/Paris',
  it: 'Europe/Rome',
  nl: 'Europe/Amsterdam',
  se: 'Europe/Stockholm',
  ca: 'America/Toronto',
  in: 'Asia/Kolkata',
  pk: 'Asia/Karachi',
  ir: 'Asia/Tehran',
  ge: 'Asia/Tbilisi',
  am: 'Asia/Yerevan',
  mn: 'Asia/Ulaanbaatar',
};

/** Languages spoken as a first language in one country only (of those the table knows). */
const LANGUAGE_COUNTRY: Readonly<Record<string, string>> = {
  ky: 'kg',
  kk: 'kz',
  tg: 'tj',
  tk: 'tm',
  uz: 'uz',
  az: 'az',
  be: 'by',
  uk: 'ua',
  pl: 'pl',
  ja: 'jp',
  ko: 'kr',
  ka: 'ge',
  hy: 'am',
  mn: 'mn',
  fa: 'ir',
};

/** The zone of a country's capital, when the table knows the country. */
export function zoneOfCountry(code: string): string | undefined {
  return COUNTRY_ZONES[code.trim().toLowerCase()];
}

/** The first of the countries whose zone the table knows. */
export function zoneOfCountries(codes: readonly string[]): string | undefined {
  for (const code of codes) {
    const zone = zoneOfCountry(code);
    if (zone) return zone;
  }
  return undefined;
}

/**
 * A guess from an Accept-Language header: its tags in order of preference (q-values honoured), the first that names
 * a known country by its region subtag (ru-KG, en-GB) or by a one-country language (ky, uz-Cyrl).
 */
export function zoneOfLanguages(acceptLanguage: string | undefined): string | undefined {
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(/q=([0-9.]+)/.exec(params.join(';'))?.[1] ?? '1');
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.tag !== '' && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of tags) {
    const [language = '', ...rest] = tag.toLowerCase().split('-');
    const region = rest.find((subtag) => /^[a-z]{2}$/.test(subtag));
    const zone =
      (region ? zoneOfCountry(region) : undefined) ??
      (LANGUAGE_COUNTRY[language] ? zoneOfCountry(LANGUAGE_COUNTRY[language]) : undefined);
    if (zone) return zone;
  }
  return undefined;
}
