// The reader's use-cases behind the web site: the latest stories of a slice, one story with all its versions and
// why it was chosen, search, the weekly counts the charts draw, and the list of feeds. The pages (http/site.ts) call
// these and only render; the feeds, the export and the digest keep their own use-cases (publish.ts, digest.ts).
// Contract:
// - lists are in the order stories happened: by first publication (the earliest dated item), never by poll time;
//   a date that was guessed (no item had one, the fetch time stands in) says so (`guessed`);
// - filters are read from the URL against what exists: unknown topics and malformed codes are reported back as
//   problems and left out, never passed to the store;
// - text reaches the pages as plain text with control characters stripped and links validated (the same helpers
//   as the feeds), so the pages only escape.
import type { Config } from '../config/types.ts';
import type {
  ClassifiedItem,
  Evidence,
  FeatureWeight,
  IsoDate,
  Source,
  StoryView,
  TopicInfo,
} from '../core/types.ts';
import {
  buildEntries,
  cleanText,
  entryContext,
  escapeXml,
  feedUrl,
  plainTitle,
  renderEntries,
  safeUrl,
  type FeedMeta,
} from '../publish/index.ts';
import { countryName, languageName } from '../core/intl.ts';
import type { StoryTags } from '../store/port.ts';

export type { StoryTags };
import { foldWords } from '../text/index.ts';
import type { JobContext } from './context.ts';

// --- the reader's query ----------------------------------------------------------------------------------------

/** Periods a reader can narrow to, in days back from now. */
export const PERIODS = { '7d': 7, '30d': 30, '6m': 183, '1y': 365 } as const;
export type Period = keyof typeof PERIODS;
export const PAGE_SIZE = 50;

export interface ReaderQuery {
  topic?: string | undefined;
  country?: string | undefined;
  language?: string | undefined;
  period?: Period | undefined;
  /** Search words ('' when not searching). */
  q: string;
  sort: 'newest' | 'relevance';
  /** 1-based. */
  page: number;
}

export interface QueryProblem {
  param: string;
  value: string;
}

const CODE = /^[a-z]{2}$/;

/** Reads the filters of a page's URL; what is unknown or malformed is returned as problems and left out. */
export function readReaderQuery(
  config: Config,
  params: URLSearchParams,
): { query: ReaderQuery; problems: QueryProblem[] } {
  const problems: QueryProblem[] = [];
  const pick = (param: string, ok: (value: string) => boolean): string | undefined => {
    const value = (params.get(param) ?? '').trim().toLowerCase();
    if (value === '') return undefined;
    if (ok(value)) return value;
    problems.push({ param, value: value.slice(0, 60) });
    return undefined;
  };
  const topics = new Set(config.topics.topics.map((topic) => topic.id));
  const period = pick('period', (value) => value in PERIODS) as Period | undefined;
  const page = Number(params.get('page') ?? '1');
  return {
    query: {
      topic: pick('topic', (value) => topics.has(value)),
      country: pick('country', (value) => CODE.test(value)),
      language: pick('lang', (value) => CODE.test(value)),
      period,
      q: (params.get('q') ?? '').slice(0, 200).trim(),
      sort: params.get('sort') === 'relevance' ? 'relevance' : 'newest',
      page: Number.isInteger(page) && page >= 1 && page <= 1000 ? page : 1,
    },
    problems,
  };
}

/** The query string of a reader query (for links to other pages of it and its feed); empty values left out. */
export function readerQueryString(query: Partial<ReaderQuery>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.topic) params.set('topic', query.topic);
  if (query.country) params.set('country', query.country);
  if (query.language) params.set('lang', query.language);
  if (query.period) params.set('period', query.period);
  if (query.sort === 'relevance') params.set('sort', 'relevance');
  if (query.page && query.page > 1) params.set('page', String(query.page));
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

// --- what a page shows of a story ------------------------------------------------------------------------------

export interface ItemLink {
  title: string;
  url?: string | undefined;
  sourceName: string;
  language?: string | undefined;
}

export interface StoryCard {
  id: string;
  title: string;
  /** The representative item's own link (the outlet's page), when it is a valid http(s) URL. */
  link?: string | undefined;
  summary: string;
  sourceName: string;
  language?: string | undefined;
  /** The story's first publication; `guessed` when it is a fetch time. */
  published: IsoDate;
  guessed: boolean;
  topics: { id: string; name: string }[];
  countries: string[];
  languages: string[];
  /** Versions in other languages (one per language) and copies from other outlets (one per outlet). */
  translations: ItemLink[];
  copies: ItemLink[];
}

export function topicName(topic: Pick<TopicInfo, 'names'> | undefined, id: string, locale: string): string {
  return topic?.names[locale] ?? topic?.names['en'] ?? Object.values(topic?.names ?? {})[0] ?? id;
}

const MAX_SUMMARY = 400;

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

interface CardContext {
  sources: ReadonlyMap<string, Source>;
  topics: ReadonlyMap<string, TopicInfo>;
  locale: string;
}

function cardContext(config: Config, locale: string): CardContext {
  return {
    sources: new Map(config.sources.map((source) => [source.id, source])),
    topics: new Map(config.topics.topics.map((topic) => [topic.id, topic])),
    locale,
  };
}

const sourceName = (ctx: CardContext, item: ClassifiedItem): string =>
  cleanText(ctx.sources.get(item.sourceId)?.name ?? item.sourceName ?? item.sourceId);

const itemLanguage = (item: ClassifiedItem): string | undefined =>
  item.language ?? item.classification?.language;

function itemLink(ctx: CardContext, item: ClassifiedItem): ItemLink {
  return {
    title: plainTitle(item.title),
    url: safeUrl(item.link ?? item.url),
    sourceName: sourceName(ctx, item),
    language: itemLanguage(item),
  };
}

function storyCard(ctx: CardContext, story: StoryView): StoryCard {
  const rep = story.representative;
  const repLanguage = itemLanguage(rep);
  const translations: ItemLink[] = [];
  const copies: ItemLink[] = [];
  const languages = new Set([repLanguage]);
  const outlets = new Set([rep.sourceId]);
  for (const item of story.items) {
    if (item === rep) continue;
    const language = itemLanguage(item);
    if (!languages.has(language)) {
      languages.add(language);
      translations.push(itemLink(ctx, item));
    } else if (!outlets.has(item.sourceId)) {
      outlets.add(item.sourceId);
      copies.push(itemLink(ctx, item));
    }
  }
  return {
    id: story.id,
    title: plainTitle(rep.title),
    link: safeUrl(rep.link ?? rep.url),
    summary: shorten(cleanText(rep.summary).replace(/\s+/g, ' ').trim(), MAX_SUMMARY),
    sourceName: sourceName(ctx, rep),
    language: repLanguage,
    published: story.publishedAt ?? rep.publishedAt,
    guessed: story.publishedGuessed ?? rep.dateGuessed === true,
    topics: story.topics.map((id) => ({ id, name: topicName(ctx.topics.get(id), id, ctx.locale) })),
    countries: story.countries,
    languages: story.languages,
    translations,
    copies,
  };
}

// --- lists -----------------------------------------------------------------------------------------------------

export interface StoryList {
  cards: StoryCard[];
  /** There is a next page. */
  more: boolean;
}

function periodStart(now: Date, period: Period | undefined): IsoDate | undefined {
  return period ? new Date(now.getTime() - PERIODS[period] * 86_400_000).toISOString() : undefined;
}

const one = (value: string | undefined): string[] | undefined => (value ? [value] : undefined);

/** The newest stories of a slice, by first publication, one page of PAGE_SIZE. */
export async function latestStories(ctx: JobContext, query: ReaderQuery, locale: string): Promise<StoryList> {
  const stories = await ctx.store.listStories({
    topics: one(query.topic),
    countries: one(query.country),
    languages: one(query.language),
    publishedSince: periodStart(ctx.now(), query.period),
    order: 'published',
    limit: PAGE_SIZE + 1,
    offset: (query.page - 1) * PAGE_SIZE,
  });
  const context = cardContext(ctx.config(), locale);
  return {
    cards: stories.slice(0, PAGE_SIZE).map((story) => storyCard(context, story)),
    more: stories.length > PAGE_SIZE,
  };
}

/**
 * Outlets a reader named in the query ("Azattyk migrants"): sources whose whole name occurs in the words, taken
 * out of the words and searched as a filter instead, so a name that is not in any headline still finds its stories.
 */
export function namedSources(
  sources: readonly Source[],
  text: string,
): { sourceIds: string[]; rest: string; names: string[] } {
  let words = foldWords(text);
  const sourceIds: string[] = [];
  const names: string[] = [];
  for (const source of sources) {
    const name = foldWords(source.name);
    if (name.length === 0 || name.length > words.length) continue;
    for (let i = 0; i + name.length <= words.length; i += 1) {
      if (name.every((word, j) => words[i + j] === word)) {
        sourceIds.push(source.id);
        names.push(source.name);
        words = [...words.slice(0, i), ...words.slice(i + name.length)];
        break;
      }
    }
  }
  if (sourceIds.length === 0) return { sourceIds, rest: text, names };
  return { sourceIds, rest: words.join(' '), names };
}

export interface SearchResult extends StoryList {
  /** Outlets recognised in the words (searched as a filter). */
  sources: string[];
}

export async function searchStories(
  ctx: JobContext,
  query: ReaderQuery,
  locale: string,
): Promise<SearchResult> {
  if (!query.q) return { cards: [], more: false, sources: [] };
  const config = ctx.config();
  // Quoted phrases keep their quotes: only unquoted text is looked at for outlet names.
  const named = query.q.includes('"')
    ? { sourceIds: [], rest: query.q, names: [] }
    : namedSources(config.sources, query.q);
  const stories = await ctx.store.searchStories({
    text: named.rest,
    sourceIds: named.sourceIds.length ? named.sourceIds : undefined,
    topics: one(query.topic),
    countries: one(query.country),
    languages: one(query.language),
    publishedSince: periodStart(ctx.now(), query.period),
    order: query.sort === 'relevance' ? 'relevance' : 'published',
    limit: PAGE_SIZE + 1,
    offset: (query.page - 1) * PAGE_SIZE,
  });
  const context = cardContext(config, locale);
  return {
    cards: stories.slice(0, PAGE_SIZE).map((story) => storyCard(context, story)),
    more: stories.length > PAGE_SIZE,
    sources: named.names,
  };
}

/** A search as an Atom feed (newest first, one page), so a reader can subscribe to a query. */
export async function searchFeed(ctx: JobContext, query: ReaderQuery): Promise<string> {
  const config = ctx.config();
  const named = query.q.includes('"')
    ? { sourceIds: [], rest: query.q, names: [] }
    : namedSources(config.sources, query.q);
  const stories = query.q
    ? await ctx.store.searchStories({
        text: named.rest,
        sourceIds: named.sourceIds.length ? named.sourceIds : undefined,
        topics: one(query.topic),
        countries: one(query.country),
        languages: one(query.language),
        order: 'published',
        limit: config.app.publish.maxItems,
      })
    : [];
  const base = config.app.server.baseUrl;
  const queryString = readerQueryString({ ...query, page: 1, period: undefined, sort: 'newest' });
  const meta: FeedMeta = {
    baseUrl: base,
    title: `${config.app.publish.title} — “${query.q}”`,
    description: config.app.publish.description,
    path: '/search',
    query: queryString,
    sources: config.sources,
    topics: config.topics.topics,
    htmlUrl: `${base.replace(/\/+$/, '')}/search${queryString}`,
    updated: stories.length === 0 ? await ctx.store.createdAt() : undefined,
  };
  const entries = buildEntries(stories, entryContext(base, config.sources, config.topics.topics));
  return renderEntries(entries, meta, 'atom');
}

// --- one story -----------------------------------------------------------------------------------------------

export interface Version extends ItemLink {
  itemId: string;
  summary: string;
  published: IsoDate;
  guessed: boolean;
  /** The story's main version, another language's version, or a copy in a language already shown. */
  role: 'main' | 'translation' | 'copy';
}

/** One piece of evidence as a reader can read it: the words found, not the rule that found them. */
export interface FoundWords {
  words: string;
  field: Evidence['field'];
  language?: string | undefined;
}

/** A relevance-model feature, told apart by kind so the page can say it in the reader's language. */
export type Feature =
  | { kind: 'word' | 'headline-word' | 'pair' | 'near' | 'term'; text: string; weight: number }
  | {
      kind: 'rule';
      rule: 'assigned' | 'score' | 'title' | 'lead' | 'late' | 'hits' | 'density' | 'neg' | 'other';
      weight: number;
    };

export interface TopicReason {
  id: string;
  name: string;
  description?: string | undefined;
  found: FoundWords[];
  /** Against the topic: words of negative rules that matched (they lowered the score). */
  against: FoundWords[];
  /** The relevance model's probability and strongest features, where the model decided. */
  relevance?: number | undefined;
  featuresFor: Feature[];
  featuresAgainst: Feature[];
}

export interface StoryDetail {
  card: StoryCard;
  versions: Version[];
  reasons: TopicReason[];
  follows?: { id: string; title: string } | undefined;
}

/** A model feature name ("w:refuge", "m:refugee*", "r:title") as data the page can word. */
export function readFeature(feature: FeatureWeight): Feature {
  const colon = feature.feature.indexOf(':');
  const prefix = colon > 0 ? feature.feature.slice(0, colon) : '';
  const rest = colon > 0 ? feature.feature.slice(colon + 1) : feature.feature;
  const weight = feature.weight;
  // Rule terms are operator syntax: a reader sees the word, not `*`, `|`, `NEAR/3` or `=`.
  const words = rest
    .replace(/\bNEAR\/\d+\b/g, ' ')
    .replace(/[*=|@]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  switch (prefix) {
    case 'w':
      return { kind: 'word', text: words, weight };
    case 't':
      return { kind: 'headline-word', text: words, weight };
    case 'b':
      return { kind: 'pair', text: words, weight };
    case 'x':
      return { kind: 'near', text: words, weight };
    case 'm':
      return { kind: 'term', text: words, weight };
    default: {
      const rules = ['assigned', 'score', 'title', 'lead', 'late', 'hits', 'density', 'neg'] as const;
      const rule = rules.find((name) => name === rest) ?? 'other';
      return { kind: 'rule', rule, weight };
    }
  }
}

const FEATURES_SHOWN = 5;

function reasons(ctx: CardContext, story: StoryView): TopicReason[] {
  return story.topics.map((id) => {
    const topic = ctx.topics.get(id);
    const found: FoundWords[] = [];
    const against: FoundWords[] = [];
    const seen = new Set<string>();
    let relevance: number | undefined;
    let features: FeatureWeight[] = [];
    for (const item of story.items) {
      const match = item.classification?.topics.find((t) => t.topic === id);
      if (!match) continue;
      if (match.relevance !== undefined && (relevance === undefined || item === story.representative)) {
        relevance = match.relevance;
        features = match.features ?? [];
      }
      for (const evidence of match.evidence) {
        const words = cleanText(evidence.match).replace(/\s+/g, ' ').trim();
        const key = `${evidence.weight < 0 ? '-' : '+'}${evidence.field}:${words.toLocaleLowerCase()}`;
        if (!words || seen.has(key)) continue;
        seen.add(key);
        (evidence.weight < 0 ? against : found).push({
          words,
          field: evidence.field,
          language: itemLanguage(item),
        });
      }
    }
    const read = features.map(readFeature);
    return {
      id,
      name: topicName(topic, id, ctx.locale),
      description: topic?.description,
      found,
      against,
      relevance,
      featuresFor: read.filter((f) => f.weight > 0).slice(0, FEATURES_SHOWN),
      featuresAgainst: read.filter((f) => f.weight < 0).slice(0, FEATURES_SHOWN),
    };
  });
}

export async function storyDetail(
  ctx: JobContext,
  id: string,
  locale: string,
): Promise<StoryDetail | undefined> {
  const story = await ctx.store.getStory(id);
  if (!story) return undefined;
  const context = cardContext(ctx.config(), locale);
  const card = storyCard(context, story);
  const languages = new Set<string | undefined>();
  const versions = story.items.map((item, index): Version => {
    const language = itemLanguage(item);
    const role = index === 0 ? 'main' : languages.has(language) ? 'copy' : 'translation';
    languages.add(language);
    return {
      ...itemLink(context, item),
      itemId: item.id,
      summary: cleanText(item.summary).replace(/\s+/g, ' ').trim(),
      published: item.publishedAt,
      guessed: item.dateGuessed === true,
      role,
    };
  });
  let follows: StoryDetail['follows'];
  if (story.followsStoryId) {
    const earlier = await ctx.store.getStory(story.followsStoryId);
    if (earlier) follows = { id: earlier.id, title: plainTitle(earlier.representative.title) };
  }
  return { card, versions, reasons: reasons(context, story), follows };
}

// --- charts ----------------------------------------------------------------------------------------------------

export const CHART_WEEKS = 26;

export interface WeeklyCounts {
  /** Mondays (YYYY-MM-DD, UTC), oldest first. */
  weeks: string[];
  /** Values with their counts per week, most stories first; at most `top`. */
  series: { value: string; counts: number[] }[];
}

const DAY = 86_400_000;

/** The Monday (UTC) of the week a date falls in. */
export function mondayOf(date: Date): Date {
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return new Date(day - ((new Date(day).getUTCDay() + 6) % 7) * DAY);
}

/** Stories per week over the last 26 weeks (this one included), by topic, country or language, within a slice. */
export async function weeklyCounts(
  ctx: JobContext,
  kind: 'topic' | 'country' | 'language',
  slice: Pick<ReaderQuery, 'topic' | 'country' | 'language'>,
  top = 6,
): Promise<WeeklyCounts> {
  const first = new Date(mondayOf(ctx.now()).getTime() - (CHART_WEEKS - 1) * 7 * DAY);
  const weeks = Array.from({ length: CHART_WEEKS }, (_, w) =>
    new Date(first.getTime() + w * 7 * DAY).toISOString().slice(0, 10),
  );
  const rows = await ctx.store.countStoriesByDay({
    since: first.toISOString(),
    kind,
    topics: one(slice.topic),
    countries: one(slice.country),
    languages: one(slice.language),
  });
  const byValue = new Map<string, number[]>();
  for (const row of rows) {
    const week = Math.floor((Date.parse(`${row.day}T00:00:00.000Z`) - first.getTime()) / (7 * DAY));
    if (week < 0 || week >= CHART_WEEKS) continue;
    let counts = byValue.get(row.value);
    if (!counts) {
      counts = new Array<number>(CHART_WEEKS).fill(0);
      byValue.set(row.value, counts);
    }
    counts[week] = (counts[week] ?? 0) + row.count;
  }
  const total = (counts: number[]): number => counts.reduce((a, b) => a + b, 0);
  const series = [...byValue]
    .map(([value, counts]) => ({ value, counts }))
    .sort((a, b) => total(b.counts) - total(a.counts) || a.value.localeCompare(b.value))
    .slice(0, top);
  return { weeks, series };
}

// --- feeds -----------------------------------------------------------------------------------------------------

/** Topics, countries and languages that have stories (the filter choices and the feeds index). */
export async function storyTags(ctx: JobContext): Promise<StoryTags> {
  return ctx.store.listStoryTags('0000');
}

export interface FeedLinks {
  atom: string;
  rss: string;
  json: string;
}

/** The three formats of a slice's feed (absolute URLs on the public base URL). */
export function feedLinks(
  config: Config,
  kind: 'all' | 'topic' | 'country' | 'lang',
  value?: string,
): FeedLinks {
  const meta = {
    baseUrl: config.app.server.baseUrl,
    path: kind === 'all' || !value ? '/feeds/all' : `/feeds/${kind}/${value}`,
  };
  return { atom: feedUrl(meta, 'atom'), rss: feedUrl(meta, 'rss'), json: feedUrl(meta, 'json') };
}

export interface FeedsIndex {
  all: FeedLinks;
  topics: { id: string; names: Record<string, string>; links: FeedLinks }[];
  countries: { value: string; links: FeedLinks }[];
  languages: { value: string; links: FeedLinks }[];
}

/** Every feed the site offers: all stories, each configured topic, and each country and language that has stories or sources. */
export function feedsIndex(config: Config, tags: StoryTags): FeedsIndex {
  const countries = new Set(tags.countries);
  const languages = new Set(tags.languages);
  for (const source of config.sources) {
    if (source.country) countries.add(source.country);
    for (const language of source.languages) languages.add(language);
  }
  const codes = (values: Set<string>): string[] => [...values].filter((v) => CODE.test(v)).sort();
  return {
    all: feedLinks(config, 'all'),
    topics: config.topics.topics.map((topic) => ({
      id: topic.id,
      names: topic.names,
      links: feedLinks(config, 'topic', topic.id),
    })),
    countries: codes(countries).map((value) => ({ value, links: feedLinks(config, 'country', value) })),
    languages: codes(languages).map((value) => ({ value, links: feedLinks(config, 'lang', value) })),
  };
}

/** The feeds index as OPML 2.0 (Atom feeds, grouped), for importing all of them into a reader at once. */
export function feedsOpml(config: Config, tags: StoryTags): string {
  const index = feedsIndex(config, tags);
  const base = config.app.server.baseUrl.replace(/\/+$/, '');
  const outline = (text: string, links: FeedLinks, page: string): string =>
    `      <outline type="rss" text="${escapeXml(text)}" title="${escapeXml(text)}" xmlUrl="${escapeXml(links.atom)}" htmlUrl="${escapeXml(base + page)}"/>`;
  const group = (text: string, lines: string[]): string =>
    lines.length ? `    <outline text="${escapeXml(text)}">\n${lines.join('\n')}\n    </outline>` : '';
  const title = config.app.publish.title;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    `  <head>\n    <title>${escapeXml(`${title} — feeds`)}</title>\n  </head>`,
    '  <body>',
    outline(title, index.all, '/').slice(2),
    group(
      'Topics',
      index.topics.map((t) => outline(topicName(t, t.id, 'en'), t.links, `/topic/${t.id}`)),
    ),
    group(
      'Countries',
      index.countries.map((c) => outline(countryName(c.value), c.links, `/country/${c.value}`)),
    ),
    group(
      'Languages',
      index.languages.map((l) => outline(languageName(l.value), l.links, `/lang/${l.value}`)),
    ),
    '  </body>',
    '</opml>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}
