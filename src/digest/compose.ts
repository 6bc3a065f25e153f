// Chooses and arranges one subscriber's stories: pure, data in → data out. Rule order:
//  1. keep a story when it shares a topic, a country and a language with the subscriber's choices (an empty choice
//     means all; a story with no country passes a country filter only when the subscriber chose none);
//  2. show it once, under the first chosen topic in the operator's topic order, and under its main country: the first
//     of its places (where it happened, most telling first: storyPlaces) that the subscriber chose, else its first
//     place; its other countries are named in the entry; a story with no country sits under "regional" (last);
//  3. within a topic, newest first (by the shown item's publication time, then story id, so ties are stable);
//     at most `cap` stories per topic, the rest counted for a "more in the web view" link;
//  4. the item shown is in a chosen language: the version in the reader's own locale when the story has one (a
//     Russian reader sees the Russian version of a bilingual story), else the representative when it qualifies, else
//     the first that does; the other items are its other versions, named by language and source;
//  5. the digest names the days its stories were first published (earliest to latest, all selected stories, also
//     those behind "more" links), not the days tipwire happened to fetch them: a first poll of a new source brings
//     last week's news, and the subject says last week;
//  6. counts per topic for the table at the top: every chosen topic (every topic when none was chosen), in the
//     operator's order, zeros included, each story counted once, under its section's topic.
import type { ClassifiedItem, IsoDate, StoryView } from '../core/types.ts';

export interface Preferences {
  topics: string[];
  countries: string[];
  languages: string[];
  /** The reader's language (en, ru): preferred among the versions a story offers. */
  locale?: string | undefined;
}

export interface PickedStory {
  story: StoryView;
  /** The item whose title and link the digest shows. */
  item: ClassifiedItem;
  /** The story's other versions (translations, copies), one per (language, source). */
  others: ClassifiedItem[];
  /** The country the story sits under (undefined: regional), and its other countries, most telling first. */
  country: string | undefined;
  otherCountries: string[];
}

export interface CountryGroup {
  /** undefined: regional or international stories. */
  country: string | undefined;
  stories: PickedStory[];
}

export interface TopicGroup {
  topic: string;
  countries: CountryGroup[];
  /** Stories of the topic in the window; `shown` of them are in countries. */
  total: number;
  shown: number;
}

export interface TopicCount {
  topic: string;
  count: number;
}

export interface DigestContent {
  topics: TopicGroup[];
  total: number;
  shown: number;
  /** Stories per topic, for the table at the top (rule 6). */
  counts: TopicCount[];
  /** First publication of the earliest and of the latest story; undefined when there is none (rule 5). */
  published?: { first: IsoDate; last: IsoDate } | undefined;
}

export interface ComposeOptions {
  /** Topic ids in the operator's order (config/topics.yaml). */
  topicOrder: string[];
  /** At most this many stories shown per topic. */
  cap: number;
}

const chosen = (choices: string[], values: string[]): boolean =>
  choices.length === 0 || values.some((value) => choices.includes(value));

function itemLanguages(story: StoryView): string[] {
  const fromItems = story.items.map((item) => item.language).filter((l): l is string => Boolean(l));
  return [...new Set([...story.languages, ...fromItems])];
}

/** Step 1: the stories this subscriber wants. */
export function selectStories(stories: StoryView[], prefs: Preferences): StoryView[] {
  return stories.filter(
    (story) =>
      chosen(prefs.topics, story.topics) &&
      (prefs.countries.length === 0 || chosen(prefs.countries, story.countries)) &&
      chosen(prefs.languages, itemLanguages(story)),
  );
}

/**
 * Where a story happened, most telling first: the countries the classifier found in the representative's title and
 * lead (in the classifier's order, the region before the countries migrants go to), then the outlet's country, then
 * the story's other countries (copies and translations may name more). Never the alphabetical first: a Kyrgyz court
 * case that mentions the Emirates is Kyrgyz.
 */
export function storyPlaces(story: StoryView): string[] {
  const representative = story.representative;
  return [
    ...new Set([
      ...(representative.classification?.countries ?? []),
      ...(representative.country ? [representative.country] : []),
      ...story.countries,
    ]),
  ];
}

/** The earliest publication among a story's items (its first publication, as the store keeps it). */
export function firstPublished(story: StoryView): IsoDate {
  let first = story.publishedAt ?? story.representative.publishedAt;
  for (const item of story.items) if (item.publishedAt < first) first = item.publishedAt;
  return first;
}

function placeStory(
  story: StoryView,
  prefs: Preferences,
): { country: string | undefined; otherCountries: string[] } {
  const ordered = storyPlaces(story);
  const country = ordered.find((c) => prefs.countries.includes(c)) ?? ordered[0];
  return { country, otherCountries: ordered.filter((c) => c !== country) };
}

function pick(story: StoryView, prefs: Preferences): PickedStory {
  const wanted = (item: ClassifiedItem): boolean =>
    prefs.languages.length === 0 || (item.language !== undefined && prefs.languages.includes(item.language));
  const own = story.items.find((candidate) => candidate.language === prefs.locale && wanted(candidate));
  const item =
    own ??
    (wanted(story.representative)
      ? story.representative
      : (story.items.find(wanted) ?? story.representative));
  const seen = new Set([`${item.language ?? ''}|${item.sourceId}`]);
  const others: ClassifiedItem[] = [];
  for (const other of story.items) {
    const key = `${other.language ?? ''}|${other.sourceId}`;
    if (other.id === item.id || seen.has(key)) continue;
    seen.add(key);
    others.push(other);
  }
  return { story, item, others, ...placeStory(story, prefs) };
}

function rank(order: string[], value: string): number {
  const index = order.indexOf(value);
  return index === -1 ? order.length : index;
}

export function composeDigest(
  stories: StoryView[],
  prefs: Preferences,
  options: ComposeOptions,
): DigestContent {
  const byTopic = new Map<string, PickedStory[]>();
  let published: DigestContent['published'];
  for (const story of selectStories(stories, prefs)) {
    const candidates = story.topics.filter(
      (topic) => prefs.topics.length === 0 || prefs.topics.includes(topic),
    );
    const topic = [...candidates].sort(
      (a, b) => rank(options.topicOrder, a) - rank(options.topicOrder, b) || a.localeCompare(b),
    )[0];
    if (topic === undefined) continue;
    const list = byTopic.get(topic) ?? [];
    list.push(pick(story, prefs));
    byTopic.set(topic, list);
    const at = firstPublished(story);
    if (!published) published = { first: at, last: at };
    else if (at < published.first) published.first = at;
    else if (at > published.last) published.last = at;
  }

  const countryOrder = prefs.countries;
  const topics: TopicGroup[] = [];
  const topicIds = [...byTopic.keys()].sort(
    (a, b) => rank(options.topicOrder, a) - rank(options.topicOrder, b) || a.localeCompare(b),
  );
  for (const topic of topicIds) {
    const all = (byTopic.get(topic) ?? []).sort(
      (a, b) => b.item.publishedAt.localeCompare(a.item.publishedAt) || a.story.id.localeCompare(b.story.id),
    );
    const kept = all.slice(0, Math.max(0, options.cap));
    const groups = new Map<string, PickedStory[]>();
    for (const picked of kept) {
      const key = picked.country ?? '';
      groups.set(key, [...(groups.get(key) ?? []), picked]);
    }
    const countries = [...groups.entries()]
      .sort(([a], [b]) => {
        if (a === '' || b === '') return a === '' ? 1 : -1; // regional last
        return rank(countryOrder, a) - rank(countryOrder, b) || a.localeCompare(b);
      })
      .map(([key, list]) => ({ country: key === '' ? undefined : key, stories: list }));
    topics.push({ topic, countries, total: all.length, shown: kept.length });
  }
  const counted = prefs.topics.length > 0 ? prefs.topics : options.topicOrder;
  const counts = [...new Set(counted)]
    .sort((a, b) => rank(options.topicOrder, a) - rank(options.topicOrder, b) || a.localeCompare(b))
    .map((topic) => ({ topic, count: byTopic.get(topic)?.length ?? 0 }));
  return {
    topics,
    total: topics.reduce((n, group) => n + group.total, 0),
    shown: topics.reduce((n, group) => n + group.shown, 0),
    counts,
    published,
  };
}
