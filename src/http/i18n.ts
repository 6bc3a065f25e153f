// The words of the web pages, in every locale the pages speak (jobs/subscribers.ts LOCALES), as one typed table: a
// missing word is a type error, not an empty string at run time. Names of countries and languages, plurals and
// dates come from Intl (core/intl.ts). The locale of a page is the subscriber's for personal links, else the best
// match of the browser's Accept-Language.
import type { IncomingMessage } from 'node:http';
import { countryName, languageName, plural } from '../core/intl.ts';
import { LOCALES, type ChoiceField, type InvalidChoice, type Locale } from '../jobs/subscribers.ts';
import { SITE_WORDS, type SiteWords } from './i18n-site.ts';

export interface PageWords {
  invalidLink: string;
  confirmTitle: string;
  confirmed: string;
  alreadyConfirmed: string;
  /** Confirming takes a click: mail scanners open links, and must not subscribe anyone by doing so. */
  confirmAsk(maskedEmail: string): string;
  confirmButton: string;
  unsubscribeTitle: string;
  unsubscribeAsk(maskedEmail: string): string;
  unsubscribeButton: string;
  unsubscribed(maskedEmail: string): string;
  subscribeTitle: string;
  subscribeIntro: string;
  email: string;
  topics: string;
  countries: string;
  languages: string;
  locale: string;
  timeZone: string;
  /** The automatic zone's option, and the note under the list that says what it will be. */
  zoneAuto(guess: string): string;
  zoneAutoNote(guess: string): string;
  zonesOffered: string;
  zonesAll: string;
  sendDay: string;
  sendHour: string;
  /** "Weekly, on Mondays at 07:00, Asia/Bishkek time." */
  delivery(frequency: 'weekly' | 'daily', weekday: string, time: string, zone: string): string;
  changeChoices: string;
  frequency: string;
  weekly: string;
  daily: string;
  subscribeButton: string;
  checkInbox: string;
  tooMany: string;
  crossSite: string;
  preferencesTitle: string;
  saveButton: string;
  saved: string;
  methodNotAllowed(allowed: string): string;
  notFound(path: string): string;
  serverError: string;
  fields: Record<ChoiceField, string>;
  invalidChoice(problem: InvalidChoice, names: (value: string) => string): string;
  footerNav: string;
  stories: string;
  subscribe: string;
  feeds: string;
  status: string;
  storyCount(n: number): string;
  archiveTitle: string;
  archiveIntro: string;
  archiveEmpty: string;
  weeklyEditions: string;
  dailyEditions: string;
  personalEdition: string;
  filterLegend: string;
  filterButton: string;
  anyValue: string;
  wholeEdition: string;
  alsoIn: string;
  alsoReportedBy: string;
  why: string;
  /** The reader site's pages (i18n-site.ts). */
  site: SiteWords;
}

const list = (values: string[]): string => values.join(', ');

const WORDS: Record<Locale, PageWords> = {
  en: {
    invalidLink:
      'This link is not valid or has expired. Use the link in your most recent e-mail, or sign up again.',
    confirmTitle: 'Subscription',
    confirmed: 'Your subscription is confirmed. The first digest arrives at the next regular sending time.',
    alreadyConfirmed: 'This subscription is already confirmed (or was ended). Nothing changed.',
    confirmAsk: (email) => `Send the tipwire digest to ${email}? Confirm with the button.`,
    confirmButton: 'Confirm my subscription',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeAsk: (email) => `Stop sending the tipwire digest to ${email}?`,
    unsubscribeButton: 'Unsubscribe',
    unsubscribed: (email) => `You are unsubscribed. No more digests will be sent to ${email}.`,
    subscribeTitle: 'Subscribe to the tipwire digest',
    subscribeIntro:
      'A weekly e-mail with news on human trafficking and migration in Central Asia. Leave a group empty to get all of it.',
    email: 'E-mail address',
    topics: 'Topics',
    countries: 'Countries',
    languages: 'Languages of the stories',
    locale: 'Language of the digest',
    timeZone: 'Time zone',
    zoneAuto: (guess) => `Automatic (${guess})`,
    zoneAutoNote: (guess) =>
      `Automatic: the time of the first country you choose (Kyrgyzstan: Asia/Bishkek), else ${guess}.`,
    zonesOffered: 'Time zones of the countries',
    zonesAll: 'All time zones',
    sendDay: 'Day of the weekly digest',
    sendHour: 'Hour',
    delivery: (frequency, weekday, time, zone) =>
      frequency === 'daily'
        ? `The digest comes every day at ${time}, ${zone} time.`
        : `The digest comes every ${weekday} at ${time}, ${zone} time.`,
    changeChoices: 'Change your choices',
    frequency: 'How often',
    weekly: 'Weekly',
    daily: 'Daily',
    subscribeButton: 'Subscribe',
    checkInbox:
      'Thank you. If the address can receive the digest, a message to confirm it is on its way: open the link in it.',
    tooMany: 'Too many sign-ups came from your network in the last hour. Please try again later.',
    crossSite: 'This form can only be sent from the tipwire site itself.',
    preferencesTitle: 'Your choices',
    saveButton: 'Save',
    saved: 'Your choices are saved; the next digest follows them.',
    methodNotAllowed: (allowed) => `This address only answers ${allowed}.`,
    notFound: (path) =>
      `Nothing is at ${path}. Stories are at /; feeds at /feeds/all.rss, /feeds/all.atom and /feeds/all.json.`,
    serverError: 'The server could not answer this request; the operator has it in the logs.',
    fields: {
      email: 'E-mail address',
      topics: 'Topics',
      countries: 'Countries',
      languages: 'Languages',
      locale: 'Language of the digest',
      timeZone: 'Time zone',
      frequency: 'How often',
      sendDay: 'Day of the weekly digest',
      sendHour: 'Hour',
      status: 'Status',
    },
    invalidChoice: (problem, names) =>
      problem.field === 'email'
        ? 'Please enter one e-mail address, like name@example.org.'
        : `${WORDS.en.fields[problem.field]}: ${list(problem.values)} is not offered. Choose from: ${list(problem.known.map(names))}.`,
    footerNav: 'Site',
    stories: 'Stories',
    subscribe: 'Subscribe',
    feeds: 'Feeds',
    status: 'Status',
    storyCount: (n) => `${n} ${plural('en', n, { one: 'story', other: 'stories' })}`,
    archiveTitle: 'Digest archive',
    archiveIntro: 'Every digest tipwire has sent, as a web page with all its stories.',
    archiveEmpty: 'No digest has been sent yet.',
    weeklyEditions: 'Weekly digests',
    dailyEditions: 'Daily digests',
    personalEdition: 'This is the digest as it was sent to one subscriber, with their choices.',
    filterLegend: 'Show only',
    filterButton: 'Show',
    anyValue: 'All',
    wholeEdition: 'All stories of this digest',
    alsoIn: 'Also in',
    alsoReportedBy: 'Also reported by',
    why: 'Why',
    site: SITE_WORDS.en,
  },
  ru: {
    invalidLink:
      'Ссылка недействительна или устарела. Воспользуйтесь ссылкой из последнего письма или подпишитесь снова.',
    confirmTitle: 'Подписка',
    confirmed: 'Подписка подтверждена. Первый дайджест придёт в ближайшее обычное время рассылки.',
    alreadyConfirmed: 'Эта подписка уже подтверждена (или отменена). Ничего не изменилось.',
    confirmAsk: (email) => `Присылать дайджест tipwire на адрес ${email}? Подтвердите кнопкой.`,
    confirmButton: 'Подтвердить подписку',
    unsubscribeTitle: 'Отписка',
    unsubscribeAsk: (email) => `Больше не присылать дайджест tipwire на адрес ${email}?`,
    unsubscribeButton: 'Отписаться',
    unsubscribed: (email) => `Вы отписались. Дайджест на адрес ${email} больше не придёт.`,
    subscribeTitle: 'Подписка на дайджест tipwire',
    subscribeIntro:
      'Еженедельное письмо о торговле людьми и миграции в Центральной Азии. Оставьте группу пустой, чтобы получать всё.',
    email: 'Адрес электронной почты',
    topics: 'Темы',
    countries: 'Страны',
    languages: 'Языки материалов',
    locale: 'Язык дайджеста',
    timeZone: 'Часовой пояс',
    zoneAuto: (guess) => `Автоматически (${guess})`,
    zoneAutoNote: (guess) =>
      `Автоматически: время первой выбранной страны (Киргизия: Asia/Bishkek), иначе ${guess}.`,
    zonesOffered: 'Часовые пояса стран',
    zonesAll: 'Все часовые пояса',
    sendDay: 'День еженедельного дайджеста',
    sendHour: 'Час',
    delivery: (frequency, weekday, time, zone) =>
      frequency === 'daily'
        ? `Дайджест приходит каждый день в ${time} по времени ${zone}.`
        : `Дайджест приходит каждую неделю: ${weekday}, ${time} по времени ${zone}.`,
    changeChoices: 'Изменить выбор',
    frequency: 'Как часто',
    weekly: 'Раз в неделю',
    daily: 'Каждый день',
    subscribeButton: 'Подписаться',
    checkInbox:
      'Спасибо. Если на этот адрес можно отправить дайджест, письмо для подтверждения уже в пути: откройте ссылку в нём.',
    tooMany: 'За последний час из вашей сети пришло слишком много подписок. Попробуйте позже.',
    crossSite: 'Эту форму можно отправить только с сайта tipwire.',
    preferencesTitle: 'Ваш выбор',
    saveButton: 'Сохранить',
    saved: 'Выбор сохранён; следующий дайджест будет по нему.',
    methodNotAllowed: (allowed) => `Этот адрес отвечает только на ${allowed}.`,
    notFound: (path) =>
      `По адресу ${path} ничего нет. Материалы — на /; ленты — /feeds/all.rss, /feeds/all.atom и /feeds/all.json.`,
    serverError: 'Сервер не смог ответить на запрос; подробности — в журнале у оператора.',
    fields: {
      email: 'Адрес электронной почты',
      topics: 'Темы',
      countries: 'Страны',
      languages: 'Языки',
      locale: 'Язык дайджеста',
      timeZone: 'Часовой пояс',
      frequency: 'Как часто',
      sendDay: 'День еженедельного дайджеста',
      sendHour: 'Час',
      status: 'Статус',
    },
    invalidChoice: (problem, names) =>
      problem.field === 'email'
        ? 'Введите один адрес, например name@example.org.'
        : `${WORDS.ru.fields[problem.field]}: ${list(problem.values)} — нет в списке. Выберите из: ${list(problem.known.map(names))}.`,
    footerNav: 'Сайт',
    stories: 'Материалы',
    subscribe: 'Подписка',
    feeds: 'Ленты',
    status: 'Состояние',
    storyCount: (n) =>
      `${n} ${plural('ru', n, { one: 'материал', few: 'материала', many: 'материалов', other: 'материала' })}`,
    archiveTitle: 'Архив дайджестов',
    archiveIntro: 'Все разосланные дайджесты tipwire — веб-страницы со всеми материалами.',
    archiveEmpty: 'Ни одного дайджеста ещё не разослано.',
    weeklyEditions: 'Еженедельные дайджесты',
    dailyEditions: 'Ежедневные дайджесты',
    personalEdition: 'Это дайджест в том виде, в каком его получил подписчик, с его выбором.',
    filterLegend: 'Показать только',
    filterButton: 'Показать',
    anyValue: 'Все',
    wholeEdition: 'Все материалы этого дайджеста',
    alsoIn: 'Также на',
    alsoReportedBy: 'Также сообщили',
    why: 'Почему',
    site: SITE_WORDS.ru,
  },
};

export function words(locale: Locale): PageWords {
  return WORDS[locale];
}

/** The best of our locales for the browser's Accept-Language (q-values honoured), English when none fits. */
export function negotiateLocale(req: IncomingMessage): Locale {
  const header = String(req.headers['accept-language'] ?? '');
  let best: { locale: Locale; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const language = tag?.split('-')[0] ?? '';
    const locale = LOCALES.find((l) => l === language);
    if (!locale) continue;
    const q = Number(/q=([0-9.]+)/.exec(params.join(';'))?.[1] ?? '1');
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { locale, q };
  }
  return best?.locale ?? 'en';
}

/** A displayable name for a value of a choice field, in the page's locale. */
export function choiceName(field: ChoiceField, locale: Locale): (value: string) => string {
  if (field === 'countries') return (code) => `${countryName(code, locale)} (${code})`;
  if (field === 'languages') return (code) => `${languageName(code)} (${code})`;
  return (value) => value;
}
