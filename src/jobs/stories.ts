// "Which stories belong in this slice", once, for every reader of stories: the feed export (jobs/publish.ts), the
// HTTP feeds and the /stories page, and the digest (jobs/digest.ts). A slice lists topics, countries and languages;
// within one list the values are alternatives, across lists they must all hold, and an empty list means any. The
// store answers it in SQL (Store.listStories), newest first, within a time window.
import type { IsoDate, StoryView } from '../core/types.ts';
import type { Store } from '../store/port.ts';

export interface StorySlice {
  topics: readonly string[];
  countries: readonly string[];
  languages: readonly string[];
}

export interface StoryWindow {
  /** updatedAt >= this: feeds show recent changes. */
  updatedSince?: IsoDate;
  /** firstSeenAt in [since, until): a digest's period. */
  firstSeenSince?: IsoDate;
  firstSeenUntil?: IsoDate;
  /** Newest first, at most this many. */
  limit?: number;
}

export function storiesInSlice(store: Store, slice: StorySlice, window: StoryWindow): Promise<StoryView[]> {
  return store.listStories({
    topics: [...slice.topics],
    countries: [...slice.countries],
    languages: [...slice.languages],
    ...window,
  });
}

/** The window of a feed: stories updated within windowDays of now, at most maxItems. */
export function feedWindow(now: Date, publish: { windowDays: number; maxItems: number }): StoryWindow {
  return {
    updatedSince: new Date(now.getTime() - publish.windowDays * 86_400_000).toISOString(),
    limit: publish.maxItems,
  };
}
