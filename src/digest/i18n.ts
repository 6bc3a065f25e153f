// The digest's own words in English and Russian (the subscriber's locale; anything else falls back to English), and
// the names and dates it shows. Names, plurals and dates come from the platform's Intl data through core/intl.ts, the
// helper the web pages and feeds use too, so a country or a month is written the same in a mail and on the site.
// Dates are shown in the subscriber's zone; a period is a range of calendar days ("23–29 Nov 2026").
import { countryName as intlCountryName, dateFormat, languageName, plural } from '../core/intl.ts';

export type Locale = 'en' | 'ru';

export const asLocale = (value: string | undefined): Locale => (value === 'ru' ? 'ru' : 'en');

export { languageName };

/** A country by its code in the reader's locale; no code means the regional and international section. */
export function countryName(code: string | undefined, locale: Locale): string {
  if (!code) return WORDS[locale].regional;
  return intlCountryName(code, locale);
}

// en-GB writes day before month ("23 Nov"), as the Russian does; Russian months in the genitive ("23 ноября").
const INTL_LOCALE: Record<Locale, string> = { en: 'en-GB', ru: 'ru' };
const MONTH: Record<Locale, 'short' | 'long'> = { en: 'short', ru: 'long' };

/**
 * ICU writes ranges with thin and narrow no-break spaces ("23 – 29 Nov"); mail subjects and plain-text parts read
 * better with ordinary spaces, and a range of days in one month closes up ("23–29 Nov") as in the Russian.
 */
const plainSpaces = (text: string): string =>
  text.replace(/[\u2009\u202f]/g, ' ').replace(/^(\d{1,2}) – (\d)/, '$1–$2');

/** "YYYY-MM-DD" as the UTC midnight of that day: calendar days are formatted in UTC, whatever the zone was. */
const dayInstant = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** "23–29 Nov 2026", "30 Nov – 6 Dec 2026", "28 Dec 2026 – 3 Jan 2027"; "23–29 ноября 2026 г.". */
export function periodLabel(firstDay: string, lastDay: string, locale: Locale): string {
  const format = dateFormat(INTL_LOCALE[locale], {
    timeZone: 'UTC',
    day: 'numeric',
    month: MONTH[locale],
    year: 'numeric',
  });
  const [first, last] = firstDay <= lastDay ? [firstDay, lastDay] : [lastDay, firstDay];
  return plainSpaces(
    first === last
      ? format.format(dayInstant(first))
      : format.formatRange(dayInstant(first), dayInstant(last)),
  );
}

/** The calendar day ("2026-11-27") of an instant in a zone. */
export function localDay(iso: string, zone: string): string {
  return dateFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(iso),
  );
}

// The same few hundred story dates recur for every subscriber and formatting is slow, so results are memoised
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
  return memo(`s|${iso}|${zone}|${locale}`, () =>
    plainSpaces(
      dateFormat(INTL_LOCALE[locale], { timeZone: zone, day: 'numeric', month: MONTH[locale] }).format(
        new Date(iso),
      ),
    ),
  );
}

/** "1 Oct 2026" / "1 октября 2026 г." in the reader's zone. */
export function longDate(iso: string, zone: string, locale: Locale): string {
  return memo(`l|${iso}|${zone}|${locale}`, () => {
    const day = localDay(iso, zone);
    return periodLabel(day, day, locale);
  });
}

const stories = (locale: Locale, n: number): string =>
  locale === 'ru'
    ? plural('ru', n, { one: 'материал', few: 'материала', many: 'материалов', other: 'материала' })
    : plural('en', n, { one: 'story', other: 'stories' });

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
  /** The link to the mail as a web page. */
  viewInBrowser: string;
  alsoIn: string;
  /** Before the story's other countries ("Also about: Russia, Türkiye"). */
  alsoAbout: string;
  /** The section of stories with no country. */
  regional: string;
  /** Caption of the table of stories per topic, and its column heads. */
  countsCaption: string;
  topicColumn: string;
  storiesColumn: string;
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
    subject: (period, count) => `Trafficking & migration digest, ${period}: ${count} ${stories('en', count)}`,
    count: (n) => `${n} ${stories('en', n)}`,
    preheader: (count, first) =>
      count === 0 ? 'No new stories matched your choices this time.' : `${count} new: ${first ?? ''}`.trim(),
    choicesLabel: 'Your choices:',
    allTopics: 'all topics',
    allCountries: 'all countries',
    allLanguages: 'all languages',
    change: 'Change your choices',
    unsubscribe: 'Unsubscribe',
    viewInBrowser: 'View in your browser',
    alsoIn: 'Also in',
    alsoAbout: 'Also about:',
    regional: 'Regional and international',
    countsCaption: 'Stories by topic',
    topicColumn: 'Topic',
    storiesColumn: 'Stories',
    more: (n, topic) => `${n} more ${stories('en', n)} on ${topic} in the web view`,
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
      `Дайджест о торговле людьми и миграции, ${period}: ${count} ${stories('ru', count)}`,
    count: (n) => `${n} ${stories('ru', n)}`,
    preheader: (count, first) =>
      count === 0
        ? 'За этот период нет новых материалов по вашему выбору.'
        : `${count} ${plural('ru', count, { one: 'новый', other: 'новых' })}: ${first ?? ''}`.trim(),
    choicesLabel: 'Ваш выбор:',
    allTopics: 'все темы',
    allCountries: 'все страны',
    allLanguages: 'все языки',
    change: 'Изменить выбор',
    unsubscribe: 'Отписаться',
    viewInBrowser: 'Открыть в браузере',
    alsoIn: 'Также:',
    alsoAbout: 'Также о странах:',
    regional: 'Регион и международные',
    countsCaption: 'Материалы по темам',
    topicColumn: 'Тема',
    storiesColumn: 'Материалы',
    more: (n, topic) => `Ещё ${n} ${stories('ru', n)} по теме «${topic}» на сайте`,
    empty: 'За этот период нет новых материалов по вашему выбору.',
    why: (email, frequency, since) =>
      // "с 1 октября 2026 г." ends with its own full stop.
      `${`Вы получаете этот ${frequency === 'daily' ? 'ежедневный' : 'еженедельный'} дайджест, потому что адрес ${email} подписан на tipwire${since ? ` с ${since}` : ''}`.replace(/\.?$/, '.')} ` +
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
