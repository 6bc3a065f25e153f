// Names and numbers for people, from the platform's Intl data (CLDR) instead of hand-written tables: one helper for
// country names, one for language names, plural categories from Intl.PluralRules, dates from Intl.DateTimeFormat.
// Shared by the web pages, the feeds and the digest, so a country is called the same everywhere.
// Intl objects cost tens of microseconds to build: each is made once per (kind, locale, options) and reused.

const made = new Map<string, unknown>();
function once<T>(key: string, make: () => T): T {
  let value = made.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    made.set(key, value);
  }
  return value;
}

const names = new Map<string, string>();
function named(key: string, make: () => string): string {
  let name = names.get(key);
  if (name === undefined) {
    try {
      name = make();
    } catch {
      name = '';
    }
    names.set(key, name);
  }
  return name;
}

/** "Kyrgyzstan", "Киргизия": the country an ISO 3166-1 alpha-2 code names, in the reader's locale. */
export function countryName(code: string, locale = 'en'): string {
  const upper = code.toUpperCase();
  return (
    named(
      `region|${locale}|${upper}`,
      () =>
        once(`region|${locale}`, () => new Intl.DisplayNames([locale], { type: 'region' })).of(upper) ??
        upper,
    ) || upper
  );
}

/**
 * A language by its own name, with a capital first letter ("Русский", "Кыргызча", "Oʻzbek"): a reader finds their
 * language whatever the page's locale.
 */
export function languageName(code: string): string {
  return (
    named(`language|${code}`, () => {
      const name = once(`language|${code}`, () => new Intl.DisplayNames([code], { type: 'language' })).of(
        code,
      );
      if (!name || name === code) return code;
      return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
    }) || code
  );
}

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** The form of a counted word that the locale's plural rules ask for: 1 story, 5 stories; 2 материала, 5 материалов. */
export function plural(locale: string, n: number, forms: PluralForms): string {
  const category = once(`plural|${locale}`, () => new Intl.PluralRules(locale)).select(n);
  return forms[category] ?? forms.other;
}

/** A reusable Intl.DateTimeFormat for a locale, zone and options. */
export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return once(`date|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
}

/** True when the platform knows the IANA zone (Asia/Bishkek, UTC). */
export function isValidTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
