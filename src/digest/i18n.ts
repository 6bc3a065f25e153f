// The digest's own words in English and Russian (the subscriber's locale; anything else falls back to English), and
// the names it shows: languages by their own names ("Русский"), countries through Intl.DisplayNames, dates in the
// subscriber's zone. Russian plural forms follow the one/few/many rule (1 материал, 2 материала, 5 материалов).

export type Locale = 'en' | 'ru';

export const asLocale = (value: string | undefined): Locale => (value === 'ru' ? 'ru' : 'en');

const MONTHS: Record<Locale, string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  ru: [
    'января',
    'февраля',
    'марта',
    'апреля',
    'мая',
    'июня',
    'июля',
    'августа',
    'сентября',
    'октября',
    'ноября',
    'декабря',
  ],
};

/** Languages by their own names, so "also in Русский" reads right in any locale. */
const ENDONYMS: Record<string, string> = {
  en: 'English',
  ru: 'Русский',
  tk: 'Türkmençe',
  uz: 'Oʻzbekcha',
  kk: 'Қазақша',
  ky: 'Кыргызча',
  tg: 'Тоҷикӣ',
  fr: 'Français',
  de: 'Deutsch',
};

// Intl objects are costly to build (tens of microseconds each): one per locale/zone, reused.
const cache = new Map<string, Intl.DisplayNames | Intl.DateTimeFormat>();
function cached<T extends Intl.DisplayNames | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let value = cache.get(key) as T | undefined;
  if (!value) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

export function languageName(code: string | undefined): string {
  if (!code) return '';
  const known = ENDONYMS[code];
  if (known) return known;
  try {
    return cached(`lang:${code}`, () => new Intl.DisplayNames([code], { type: 'language' })).of(code) ?? code;
  } catch {
    return code;
  }
}

export function countryName(code: string | undefined, locale: Locale): string {
  if (!code) return locale === 'ru' ? 'Регион и международные' : 'Regional and international';
  try {
    return (
      cached(`region:${locale}`, () => new Intl.DisplayNames([locale], { type: 'region' })).of(
        code.toUpperCase(),
      ) ?? code.toUpperCase()
    );
  } catch {
    return code.toUpperCase();
  }
}

function plural(locale: Locale, n: number, forms: { one: string; few: string; many: string }): string {
  if (locale === 'en') return n === 1 ? forms.one : forms.many;
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return forms.one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return forms.few;
  return forms.many;
}

/** "YYYY-MM-DD" → [year, month index, day]. */
const splitDay = (day: string): [number, number, number] => {
  const [y, m, d] = day.split('-').map(Number);
  return [y ?? 1970, (m ?? 1) - 1, d ?? 1];
};

/** "23–29 Nov 2026", "30 Nov – 6 Dec 2026", "28 Dec 2026 – 3 Jan 2027"; Russian with genitive months. */
export function periodLabel(firstDay: string, lastDay: string, locale: Locale): string {
  const [y1, m1, d1] = splitDay(firstDay);
  const [y2, m2, d2] = splitDay(lastDay);
  const month = (m: number): string => MONTHS[locale][m] ?? '';
  if (firstDay === lastDay) return `${d2} ${month(m2)} ${y2}`;
  if (y1 === y2 && m1 === m2) return `${d1}–${d2} ${month(m2)} ${y2}`;
  if (y1 === y2) return `${d1} ${month(m1)} – ${d2} ${month(m2)} ${y2}`;
  return `${d1} ${month(m1)} ${y1} – ${d2} ${month(m2)} ${y2}`;
}

// The same few hundred story dates recur for every subscriber; formatToParts is slow, so results are memoised
// (the map is simply emptied when it grows large).
const dates = new Map<string, string>();
function memo(key: string, make: () => string): string {
  let value = dates.get(key);
  if (value === undefined) {
    if (dates.size > 20_000) dates.clear();
    value = make();
    dates.set(key, value);
  }
  return value;
}

/** A story's date in the reader's zone: "27 Nov" / "27 ноября". */
export function shortDate(iso: string, zone: string, locale: Locale): string {
  return memo(`s|${iso}|${zone}|${locale}`, () => formatShortDate(iso, zone, locale));
}

function formatShortDate(iso: string, zone: string, locale: Locale): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(new Date(iso));
  const day = parts.find((p) => p.type === 'day')?.value ?? '';
  const month = Number(parts.find((p) => p.type === 'month')?.value ?? '1') - 1;
  return `${day} ${MONTHS[locale][month] ?? ''}`;
}

export function longDate(iso: string, zone: string, locale: Locale): string {
  return memo(`l|${iso}|${zone}|${locale}`, () => formatLongDate(iso, zone, locale));
}

function formatLongDate(iso: string, zone: string, locale: Locale): string {
  const day = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
  return periodLabel(day, day, locale);
}

export interface Words {
  heading: string;
  subject(period: string, count: number): string;
  count(n: number): string;
  preheader(count: number, firstTitle: string | undefined): string;
  choicesLabel: string;
  allTopics: string;
  allCountries: string;
  allLanguages: string;
  change: string;
  unsubscribe: string;
  alsoIn: string;
  more(n: number, topic: string): string;
  empty: string;
  why(email: string, frequency: 'weekly' | 'daily', since: string | undefined): string;
  confirm: {
    subject: string;
    heading: string;
    intro(email: string): string;
    button: string;
    ignore: string;
    preheader: string;
  };
}

export const WORDS: Record<Locale, Words> = {
  en: {
    heading: 'Trafficking & migration digest',
    subject: (period, count) =>
      `Trafficking & migration digest, ${period}: ${count} ${count === 1 ? 'story' : 'stories'}`,
    count: (n) => `${n} ${n === 1 ? 'story' : 'stories'}`,
    preheader: (count, first) =>
      count === 0 ? 'No new stories matched your choices this time.' : `${count} new: ${first ?? ''}`.trim(),
    choicesLabel: 'Your choices:',
    allTopics: 'all topics',
    allCountries: 'all countries',
    allLanguages: 'all languages',
    change: 'Change your choices',
    unsubscribe: 'Unsubscribe',
    alsoIn: 'Also in',
    more: (n, topic) => `${n} more ${n === 1 ? 'story' : 'stories'} on ${topic} in the web view`,
    empty: 'No new stories matched your choices in this period.',
    why: (email, frequency, since) =>
      `You receive this ${frequency} digest because ${email} subscribed to tipwire${since ? ` on ${since}` : ''}. ` +
      'Every story links to its original source.',
    confirm: {
      subject: 'Confirm your tipwire digest subscription',
      heading: 'One more step',
      intro: (email) =>
        `Someone (we hope you) asked to send the tipwire digest on human trafficking and migration in Central Asia to ${email}. Confirm to start receiving it.`,
      button: 'Confirm my subscription',
      ignore: 'If this was not you, ignore this message: nothing will be sent.',
      preheader: 'Confirm to start receiving the digest.',
    },
  },
  ru: {
    heading: 'Дайджест: торговля людьми и миграция',
    subject: (period, count) =>
      `Дайджест о торговле людьми и миграции, ${period}: ${count} ${plural('ru', count, { one: 'материал', few: 'материала', many: 'материалов' })}`,
    count: (n) => `${n} ${plural('ru', n, { one: 'материал', few: 'материала', many: 'материалов' })}`,
    preheader: (count, first) =>
      count === 0
        ? 'За этот период нет новых материалов по вашему выбору.'
        : `${count} ${plural('ru', count, { one: 'новый', few: 'новых', many: 'новых' })}: ${first ?? ''}`.trim(),
    choicesLabel: 'Ваш выбор:',
    allTopics: 'все темы',
    allCountries: 'все страны',
    allLanguages: 'все языки',
    change: 'Изменить выбор',
    unsubscribe: 'Отписаться',
    alsoIn: 'Также:',
    more: (n, topic) =>
      `Ещё ${n} ${plural('ru', n, { one: 'материал', few: 'материала', many: 'материалов' })} по теме «${topic}» на сайте`,
    empty: 'За этот период нет новых материалов по вашему выбору.',
    why: (email, frequency, since) =>
      `Вы получаете этот ${frequency === 'daily' ? 'ежедневный' : 'еженедельный'} дайджест, потому что адрес ${email} подписан на tipwire${since ? ` с ${since}` : ''}. ` +
      'Каждый материал ведёт к первоисточнику.',
    confirm: {
      subject: 'Подтвердите подписку на дайджест tipwire',
      heading: 'Остался один шаг',
      intro: (email) =>
        `Кто-то (надеемся, вы) попросил присылать на адрес ${email} дайджест tipwire о торговле людьми и миграции в Центральной Азии. Подтвердите, чтобы начать получать его.`,
      button: 'Подтвердить подписку',
      ignore: 'Если это были не вы, просто не отвечайте: писем не будет.',
      preheader: 'Подтвердите, чтобы получать дайджест.',
    },
  },
};
