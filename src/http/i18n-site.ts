// The reader site's words (home, slices, story, search, feeds, charts), part of the one page i18n (i18n.ts: every
// locale's PageWords has them under `site`). A missing word is a type error. Dates, plurals, country and language
// names come from Intl (core/intl.ts).
import { dateFormat, plural } from '../core/intl.ts';
import type { Feature, Period } from '../jobs/site.ts';

export interface SiteWords {
  skip: string;
  mainNav: string;
  home: string;
  search: string;
  feeds: string;
  homeTitle: string;
  homeIntro: string;
  filters: string;
  topic: string;
  country: string;
  language: string;
  period: string;
  any: string;
  periods: Record<Period, string>;
  apply: string;
  clear: string;
  sort: string;
  newest: string;
  relevance: string;
  searchLabel: string;
  searchWords: string;
  searchButton: string;
  searchHint: string;
  searchTitle(q: string): string;
  found(n: number, more: boolean): string;
  noStories: string;
  noResults: string;
  fromSources(names: string[]): string;
  unknownFilter(param: string, value: string): string;
  pages: string;
  newer: string;
  older: string;
  pageOf(n: number): string;
  date(iso: string): string;
  guessed(date: string): string;
  follow: string;
  followSearch: string;
  storyTitle: string;
  read(source: string): string;
  versions: string;
  roles: Record<'main' | 'translation' | 'copy', string>;
  why: string;
  found_: string;
  inField: Record<'title' | 'summary', string>;
  against: string;
  model(percent: number): string;
  featuresFor: string;
  featuresAgainst: string;
  feature(f: Feature): string;
  countries: string;
  languages: string;
  topics: string;
  follows: string;
  noStory(id: string): string;
  alsoIn: string;
  copies: string;
  feedsTitle: string;
  feedsIntro: string;
  everything: string;
  byTopic: string;
  byCountry: string;
  byLanguage: string;
  opml: string;
  sourcesOpml: string;
  chartByTopic: string;
  chartByCountry: string;
  chartRange(from: string, to: string): string;
  chartTotal(n: number): string;
  chartBusiest(week: string, n: number): string;
  chartTable: string;
  chartWeek: string;
  weekLabel(iso: string): string;
  monthLabel(iso: string): string;
  notFound: string;
}

const day = (locale: string, iso: string): string =>
  dateFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(iso),
  );

const en: SiteWords = {
  skip: 'Skip to the content',
  mainNav: 'Main',
  home: 'Latest',
  search: 'Search',
  feeds: 'Feeds',
  homeTitle: 'Latest stories',
  homeIntro:
    'News on human trafficking and migration in Central Asia, collected from regional outlets and international bodies, each story once with its other languages and copies.',
  filters: 'Show only',
  topic: 'Topic',
  country: 'Country',
  language: 'Language',
  period: 'Published',
  any: 'Any',
  periods: {
    '7d': 'In the last 7 days',
    '30d': 'In the last 30 days',
    '6m': 'In the last 6 months',
    '1y': 'In the last year',
  },
  apply: 'Show',
  clear: 'Clear the filters',
  sort: 'Order',
  newest: 'Newest first',
  relevance: 'Best match first',
  searchLabel: 'Search the stories',
  searchWords: 'Words to find',
  searchButton: 'Search',
  searchHint:
    'Every word must occur in the headline, the summary or the outlet’s name, in any form that starts with it (migrant finds migrants); "words in quotes" must occur together. Letters such as қ, ә, ң, ö, ş or oʻ can be typed as k, a, n, o, s, o.',
  searchTitle: (q) => (q ? `Search: ${q}` : 'Search'),
  found: (n, more) =>
    more
      ? `More than ${n} stories found.`
      : `${n} ${plural('en', n, { one: 'story', other: 'stories' })} found.`,
  noStories: 'No story is here yet.',
  noResults: 'No story matches. Try fewer words, the start of a word, or no filters.',
  fromSources: (names) => `Stories from ${names.join(', ')}.`,
  unknownFilter: (param, value) => `“${value}” is not a known ${param}: that filter was left out.`,
  pages: 'Pages',
  newer: '← Newer stories',
  older: 'Older stories →',
  pageOf: (n) => `Page ${n}`,
  date: (iso) => day('en', iso),
  guessed: (date) => `first seen ${date} (the outlet gave no date)`,
  follow: 'Follow this list',
  followSearch: 'Follow this search',
  storyTitle: 'Story',
  read: (source) => `Read it at ${source}`,
  versions: 'Every version and copy',
  roles: { main: 'Main version', translation: 'In another language', copy: 'Copy' },
  why: 'Why it is here',
  found_: 'Words found',
  inField: { title: 'in the headline', summary: 'in the summary' },
  against: 'Words that count against it',
  model: (percent) => `The relevance model gives it ${percent}%.`,
  featuresFor: 'What counted most for it',
  featuresAgainst: 'What counted most against it',
  feature: (f) => {
    if (f.kind === 'rule')
      return {
        assigned: 'the topic’s word lists match',
        score: 'how strongly they match',
        title: 'a topic word in the headline',
        lead: 'a topic word in the first sentence',
        late: 'topic words only late in the text',
        hits: 'how many topic words were found',
        density: 'how dense the topic words are',
        neg: 'a word that usually means another subject',
        other: 'another signal of the model',
      }[f.rule];
    return {
      word: `the word “${f.text}…”`,
      'headline-word': `“${f.text}…” in the headline`,
      pair: `the words “${f.text}”`,
      near: `“${f.text}…” next to a topic word`,
      term: `the topic word “${f.text}”`,
    }[f.kind];
  },
  countries: 'Countries',
  languages: 'Languages',
  topics: 'Topics',
  follows: 'This follows an earlier story:',
  noStory: (id) => `There is no story “${id}”. It may have left the list when its items were judged again.`,
  alsoIn: 'Also in',
  copies: 'Also reported by',
  feedsTitle: 'Feeds',
  feedsIntro:
    'Follow the stories in any feed reader: every list below is a feed in three formats. Pages of the site announce their feed too, so a reader given the page’s address finds it.',
  everything: 'All stories',
  byTopic: 'By topic',
  byCountry: 'By country',
  byLanguage: 'By language',
  opml: 'All of these feeds as one OPML file',
  sourcesOpml: 'The outlets tipwire reads (OPML)',
  chartByTopic: 'Stories per week by topic',
  chartByCountry: 'Stories per week by country',
  chartRange: (from, to) => `weeks of ${from} to ${to}`,
  chartTotal: (n) => `${n} ${plural('en', n, { one: 'story', other: 'stories' })}`,
  chartBusiest: (week, n) => `most in the week of ${week} (${n})`,
  chartTable: 'The numbers behind the chart',
  chartWeek: 'Week of',
  weekLabel: (iso) =>
    dateFormat('en', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(iso)),
  monthLabel: (iso) => dateFormat('en', { month: 'short', timeZone: 'UTC' }).format(new Date(iso)),
  notFound: 'Not found',
};

const ru: SiteWords = {
  skip: 'К содержанию',
  mainNav: 'Основное',
  home: 'Новое',
  search: 'Поиск',
  feeds: 'Ленты',
  homeTitle: 'Последние материалы',
  homeIntro:
    'Новости о торговле людьми и миграции в Центральной Азии из региональных изданий и международных организаций: каждая история один раз, с её версиями на других языках и перепечатками.',
  filters: 'Показать только',
  topic: 'Тема',
  country: 'Страна',
  language: 'Язык',
  period: 'Опубликовано',
  any: 'Любая',
  periods: { '7d': 'За 7 дней', '30d': 'За 30 дней', '6m': 'За полгода', '1y': 'За год' },
  apply: 'Показать',
  clear: 'Сбросить фильтры',
  sort: 'Порядок',
  newest: 'Сначала новые',
  relevance: 'Сначала самые подходящие',
  searchLabel: 'Поиск по материалам',
  searchWords: 'Что найти',
  searchButton: 'Найти',
  searchHint:
    'Каждое слово должно встретиться в заголовке, аннотации или названии издания, в любой форме, которая с него начинается (мигрант находит мигрантов); "слова в кавычках" — рядом. Буквы қ, ә, ң, ö, ş или oʻ можно набирать как к, а, н, o, s, o.',
  searchTitle: (q) => (q ? `Поиск: ${q}` : 'Поиск'),
  found: (n, more) =>
    more
      ? `Найдено больше ${n} материалов.`
      : `Найдено: ${n} ${plural('ru', n, { one: 'материал', few: 'материала', many: 'материалов', other: 'материала' })}.`,
  noStories: 'Здесь пока нет материалов.',
  noResults: 'Ничего не найдено. Попробуйте меньше слов, начало слова или без фильтров.',
  fromSources: (names) => `Материалы изданий: ${names.join(', ')}.`,
  unknownFilter: (param, value) => `«${value}» — неизвестное значение (${param}); этот фильтр не применён.`,
  pages: 'Страницы',
  newer: '← Более новые',
  older: 'Более ранние →',
  pageOf: (n) => `Страница ${n}`,
  date: (iso) => day('ru', iso),
  guessed: (date) => `впервые замечено ${date} (издание не указало дату)`,
  follow: 'Подписаться на этот список',
  followSearch: 'Подписаться на этот поиск',
  storyTitle: 'Материал',
  read: (source) => `Читать на ${source}`,
  versions: 'Все версии и перепечатки',
  roles: { main: 'Основная версия', translation: 'На другом языке', copy: 'Перепечатка' },
  why: 'Почему он здесь',
  found_: 'Найденные слова',
  inField: { title: 'в заголовке', summary: 'в аннотации' },
  against: 'Слова, которые говорят против',
  model: (percent) => `Модель релевантности оценивает его в ${percent}%.`,
  featuresFor: 'Больше всего за',
  featuresAgainst: 'Больше всего против',
  feature: (f) => {
    if (f.kind === 'rule')
      return {
        assigned: 'совпадение со словами темы',
        score: 'сила совпадения',
        title: 'слово темы в заголовке',
        lead: 'слово темы в первом предложении',
        late: 'слова темы только в конце текста',
        hits: 'число найденных слов темы',
        density: 'плотность слов темы',
        neg: 'слово, которое обычно означает другую тему',
        other: 'другой признак модели',
      }[f.rule];
    return {
      word: `слово «${f.text}…»`,
      'headline-word': `«${f.text}…» в заголовке`,
      pair: `слова «${f.text}»`,
      near: `«${f.text}…» рядом со словом темы`,
      term: `слово темы «${f.text}»`,
    }[f.kind];
  },
  countries: 'Страны',
  languages: 'Языки',
  topics: 'Темы',
  follows: 'Продолжение более ранней истории:',
  noStory: (id) => `Материала «${id}» нет. Возможно, он ушёл из списка после повторной проверки.`,
  alsoIn: 'Также на',
  copies: 'Также сообщили',
  feedsTitle: 'Ленты',
  feedsIntro:
    'Следите за материалами в любой программе чтения лент: каждый список ниже — лента в трёх форматах. Страницы сайта тоже сообщают о своей ленте.',
  everything: 'Все материалы',
  byTopic: 'По темам',
  byCountry: 'По странам',
  byLanguage: 'По языкам',
  opml: 'Все эти ленты одним файлом OPML',
  sourcesOpml: 'Издания, которые читает tipwire (OPML)',
  chartByTopic: 'Материалов в неделю по темам',
  chartByCountry: 'Материалов в неделю по странам',
  chartRange: (from, to) => `недели с ${from} по ${to}`,
  chartTotal: (n) =>
    `${n} ${plural('ru', n, { one: 'материал', few: 'материала', many: 'материалов', other: 'материала' })}`,
  chartBusiest: (week, n) => `больше всего в неделю с ${week} (${n})`,
  chartTable: 'Числа, по которым построен график',
  chartWeek: 'Неделя с',
  weekLabel: (iso) =>
    dateFormat('ru', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(iso)),
  monthLabel: (iso) => dateFormat('ru', { month: 'short', timeZone: 'UTC' }).format(new Date(iso)),
  notFound: 'Не найдено',
};

export const SITE_WORDS = { en, ru } as const;
