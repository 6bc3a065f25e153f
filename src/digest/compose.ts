// Chooses and arranges one subscriber's stories: pure, data in → data out. Rule order:
//  1. keep a story when it shares a topic, a country and a language with the subscriber's choices (an empty choice
//     means all; a story with no country passes a country filter only when the subscriber chose none);
//  2. show it once, under the first chosen topic in the operator's topic order, and under its first chosen country;
//  3. within a topic, newest first (by the shown item's publication time, then story id, so ties are stable);
//     at most `cap` stories per topic, the rest counted for a "more in the web view" link;
//  4. the item shown is in a chosen language: the version in the reader's own locale when the story has one (a
//     Russian reader sees the Russian version of a bilingual story), else the representative when it qualifies, else
//     the first that does; the other items are its other versions, named by language and source.
import type { ClassifiedItem, StoryView } from '../core/types.ts';

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

export interface DigestContent {
  topics: TopicGroup[];
  total: number;
  shown: number;
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
  return { story, item, others };
}

function rank(order: string[], value: string): number {
  const index = order.indexOf(value);
  return index === -1 ? order.length : index;
}

export function composeDigest(
  stories: StoryView[],
  prefs: Preferences,
  options: { topicOrder: string[]; cap: number },
): DigestContent {
  const byTopic = new Map<string, PickedStory[]>();
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
      const countries = picked.story.countries;
      const country =
        countryOrder.length === 0
          ? countries[0]
          : (countries.find((c) => countryOrder.includes(c)) ?? countries[0]);
      const key = country ?? '';
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
  return {
    topics,
    total: topics.reduce((n, group) => n + group.total, 0),
    shown: topics.reduce((n, group) => n + group.shown, 0),
  };
}
