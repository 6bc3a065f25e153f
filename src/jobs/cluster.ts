// clusterItems: the poll job's step after classification. Puts newly stored or updated matched items into stories
// and saves the stories, one saveStories call (one transaction) per run.
//
// Steps: load the window's matched items from the store and seed the clusterer with those that have a story (a
// clusterer kept by the run process between polls already knows most of them); assign each new item in publication
// order; rebuild the Story record of every story that changed (its earlier items are read back with getStories,
// in a few queries for all of them, so items older than the window still count) and save stories + assignments.
// An updated item (same id, edited headline) keeps its story. Story ids are stable: a story is named after the item
// that opened it and never renamed as copies join.
import type { AppConfig } from '../config/schema.ts';
import { htmlToPlainText } from '../core/html.ts';
import type { ClassifiedItem, Source, Story } from '../core/types.ts';
import type { Store, StoryAssignment } from '../store/port.ts';
import { StoryClusterer, type Assignment, type ClusterInput } from '../dedupe/index.ts';

export interface ClusterOptions {
  dedupe: AppConfig['dedupe'];
  sources: Source[];
  now: Date;
  /** Kept between polls by the run process; a fresh one is made (and seeded from the store) when absent. */
  clusterer?: StoryClusterer | undefined;
}

const MAX_TEXT = 4000;

/** What the clusterer reads of an item: title, and the richer of summary and full text. */
export function toClusterInput(item: ClassifiedItem): ClusterInput {
  const full = item.contentHtml ? htmlToPlainText(item.contentHtml) : '';
  const text = full.length > item.summary.length ? full : item.summary;
  return {
    id: item.id,
    sourceId: item.sourceId,
    url: item.url ?? item.link,
    title: item.title,
    text: text.slice(0, MAX_TEXT),
    language: item.language ?? item.classification?.language,
    publishedAt: item.publishedAt,
    storyId: item.storyId,
  };
}

export function createClusterer(dedupe: AppConfig['dedupe']): StoryClusterer {
  return new StoryClusterer({
    windowDays: dedupe.windowDays,
    eventWindowHours: dedupe.eventWindowHours,
    copyThreshold: dedupe.copyThreshold,
    trackingParams: dedupe.trackingParams,
  });
}

export interface ClusterOutcome {
  created: number;
  joined: number;
  /** Stories written (new or rebuilt). */
  saved: number;
  /** Tags of the stories written, before and after: the feed slices whose content changed. */
  touched: { topics: string[]; countries: string[]; languages: string[] };
}

export async function clusterItems(
  store: Store,
  items: ClassifiedItem[],
  options: ClusterOptions,
): Promise<ClusterOutcome> {
  if (items.length === 0)
    return { created: 0, joined: 0, saved: 0, touched: { topics: [], countries: [], languages: [] } };
  const clusterer = options.clusterer ?? createClusterer(options.dedupe);
  clusterer.prune(options.now);
  const since = new Date(options.now.getTime() - options.dedupe.windowDays * 86_400_000).toISOString();
  const window = await store.listItems({ matched: true, publishedSince: since });
  clusterer.seed(
    window
      .filter(
        (item): item is ClassifiedItem & { storyId: string } =>
          item.storyId !== undefined && !clusterer.has(item.id),
      )
      .map((item) => ({ ...toClusterInput(item), storyId: item.storyId })),
  );

  const ordered = [...items].sort(
    (a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id),
  );
  const assignments = new Map<string, Assignment>();
  let joined = 0;
  for (const item of ordered) {
    const known = item.storyId ?? clusterer.storyOf(item.id);
    if (known) {
      assignments.set(item.id, {
        storyId: known,
        relation: 'copy',
        evidence: 'same item id: an update keeps its story',
      });
      continue;
    }
    const assignment = clusterer.assign(toClusterInput(item));
    // joined: a new item that went into a story, whether opened earlier or in this same run
    if (assignment.relation !== 'new') joined += 1;
    assignments.set(item.id, assignment);
  }

  // Members of each touched story: what the store already has, plus the items just assigned.
  const members = new Map<string, Map<string, ClassifiedItem>>();
  const follows = new Map<string, string | undefined>();
  const fresh = new Set<string>();
  for (const item of ordered) {
    const assignment = assignments.get(item.id) as Assignment;
    if (!members.has(assignment.storyId)) members.set(assignment.storyId, new Map());
    (members.get(assignment.storyId) as Map<string, ClassifiedItem>).set(item.id, item);
    if (assignment.relation === 'new' && !fresh.has(assignment.storyId)) {
      fresh.add(assignment.storyId);
      follows.set(assignment.storyId, assignment.followsStoryId);
    }
  }
  const known = new Map(
    (await store.getStories([...members.keys()].filter((id) => !fresh.has(id)))).map((story) => [
      story.id,
      story,
    ]),
  );
  for (const [storyId, list] of members) {
    if (fresh.has(storyId)) continue;
    const existing = known.get(storyId);
    if (existing) {
      follows.set(storyId, existing.followsStoryId);
      for (const item of existing.items) if (!list.has(item.id)) list.set(item.id, item);
    } else {
      // A story the clusterer remembers but the store lost (its items were re-classified out): it starts again.
      fresh.add(storyId);
    }
  }

  const preferred = new Set([
    ...options.dedupe.preferredSources,
    ...options.sources.filter((s) => s.preferred).map((s) => s.id),
  ]);
  const stories: Story[] = [];
  for (const [storyId, list] of members) {
    stories.push(buildStory(storyId, [...list.values()], preferred, follows.get(storyId)));
  }
  const saved: StoryAssignment[] = ordered.map((item) => ({
    itemId: item.id,
    storyId: (assignments.get(item.id) as Assignment).storyId,
  }));
  await store.saveStories(stories, saved);
  const topics = new Set<string>();
  const countries = new Set<string>();
  const languages = new Set<string>();
  for (const story of [...stories, ...known.values()]) {
    for (const topic of story.topics) topics.add(topic);
    for (const country of story.countries) countries.add(country);
    for (const language of story.languages) languages.add(language);
  }
  return {
    created: [...fresh].filter((id) => members.has(id)).length,
    joined,
    saved: stories.length,
    touched: { topics: [...topics], countries: [...countries], languages: [...languages] },
  };
}

/** Richness: full text beats a teaser; measured on the longer of the two plain texts. */
function richness(item: ClassifiedItem): number {
  return Math.max(item.contentHtml ? htmlToPlainText(item.contentHtml).length : 0, item.summary.length);
}

/**
 * The representative is the copy from a preferred source, then the richest (full text over a teaser, by at least a
 * fifth more text, so a byline does not decide), then the earliest; ties by id, so the choice is stable.
 */
export function pickRepresentative(items: ClassifiedItem[], preferred: ReadonlySet<string>): ClassifiedItem {
  // Measured once per item, not per comparison: turning HTML into text is the costly part.
  const measured = new Map(items.map((item) => [item, richness(item)]));
  const sorted = [...items].sort((a, b) => {
    const pa = preferred.has(a.sourceId) ? 1 : 0;
    const pb = preferred.has(b.sourceId) ? 1 : 0;
    if (pa !== pb) return pb - pa;
    const ra = measured.get(a) ?? 0;
    const rb = measured.get(b) ?? 0;
    if (Math.max(ra, rb) > 1.2 * Math.min(ra, rb)) return rb - ra;
    return a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id);
  });
  return sorted[0] as ClassifiedItem;
}

export function buildStory(
  id: string,
  items: ClassifiedItem[],
  preferred: ReadonlySet<string>,
  followsStoryId: string | undefined,
): Story {
  const representative = pickRepresentative(items, preferred);
  const topics = new Set<string>();
  const countries = new Set<string>();
  const languages = new Set<string>();
  let firstSeenAt = items[0]?.fetchedAt ?? '';
  let updatedAt = '';
  for (const item of items) {
    for (const match of item.classification?.topics ?? []) topics.add(match.topic);
    for (const country of item.classification?.countries ?? []) countries.add(country);
    if (item.country) countries.add(item.country);
    const language = item.language ?? item.classification?.language;
    if (language) languages.add(language);
    if (item.fetchedAt < firstSeenAt) firstSeenAt = item.fetchedAt;
    const changed = item.updatedAt && item.updatedAt > item.fetchedAt ? item.updatedAt : item.fetchedAt;
    if (changed > updatedAt) updatedAt = changed;
  }
  return {
    id,
    representativeItemId: representative.id,
    topics: [...topics].sort(),
    countries: [...countries].sort(),
    languages: [...languages].sort(),
    firstSeenAt,
    updatedAt,
    followsStoryId: followsStoryId === id ? undefined : followsStoryId,
  };
}
