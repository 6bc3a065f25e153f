// The Store port: everything the jobs persist, owned by its consumers (jobs, publish, digest). One SQL
// implementation (sql-store.ts) runs on two drivers, SQLite (default) and PostgreSQL (TIPWIRE_DATABASE_URL), and
// one contract suite (test/store/contract.test.ts) holds both to the same behaviour.
import type {
  Classification,
  ClassifiedItem,
  IsoDate,
  Item,
  SourceState,
  Story,
  StoryView,
} from '../core/types.ts';
import type { DigestStore } from '../digest/port.ts';

export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged';

export interface UpsertResult {
  /** The stored id: the existing item's id when the new one matched it by URL or GUID. */
  id: string;
  outcome: UpsertOutcome;
}

export interface ItemQuery {
  sourceId?: string;
  /** fetchedAt >= since (new arrivals), inclusive. */
  fetchedSince?: IsoDate;
  /** publishedAt >= since, inclusive. */
  publishedSince?: IsoDate;
  /** true: only items assigned to at least one topic; false: only unmatched; undefined: all. */
  matched?: boolean;
  /** Only items not classified under this rules version (never classified, or under older rules). */
  notClassifiedWith?: string;
  /** Only items that belong to no story yet (matched items waiting for the clustering step). */
  withoutStory?: boolean;
  limit?: number;
}

export interface StoryQuery {
  /** firstSeenAt >= since (inclusive). */
  firstSeenSince?: IsoDate;
  /** firstSeenAt < until (exclusive). */
  firstSeenUntil?: IsoDate;
  /** updatedAt >= since, for feeds that show recent changes. */
  updatedSince?: IsoDate;
  /** Each list: the story matches when it shares at least one value; empty or undefined means any. */
  topics?: string[];
  countries?: string[];
  languages?: string[];
  /** The story's first publication (publishedAt) >= since, inclusive: the pages' period filter. */
  publishedSince?: IsoDate;
  /** Newest first by first sighting (default: feeds, digests) or by first publication (the site's pages). */
  order?: 'firstSeen' | 'published';
  /** Newest first; at most this many. */
  limit?: number;
  /** Skip this many (the next page of a list). */
  offset?: number;
}

/** Full-text search over the stories' items (title, summary, source), with the story filters. See sql-search.ts. */
export interface SearchQuery extends Omit<StoryQuery, 'order'> {
  /** The reader's words: each must occur as a word prefix; "quoted words" must occur as a phrase. */
  text: string;
  /** Only items from these sources (the reader named an outlet); alone, without words, every story of theirs. */
  sourceIds?: string[];
  /** Newest first by first publication (default), or best match first. */
  order?: 'published' | 'relevance';
}

/** The distinct tags of a set of stories. */
export interface StoryTags {
  topics: string[];
  countries: string[];
  languages: string[];
}

export interface StoryAssignment {
  itemId: string;
  storyId: string;
}

export interface SourceLease {
  sourceId: string;
  /** Who holds it (process id + host), so several workers can share the sources through PostgreSQL. */
  owner: string;
  until: IsoDate;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly digest: DigestStore;

  // --- sources -------------------------------------------------------------------------------------------------
  getSourceState(sourceId: string): Promise<SourceState | undefined>;
  listSourceStates(): Promise<SourceState[]>;
  saveSourceState(state: SourceState): Promise<void>;
  /**
   * Claims a source for one poll; false when another worker holds an unexpired lease. Atomic (UPDATE … WHERE),
   * never read-then-write, so two workers never poll the same source at once.
   */
  tryLeaseSource(sourceId: string, owner: string, until: IsoDate, now: IsoDate): Promise<boolean>;
  releaseSource(sourceId: string, owner: string): Promise<void>;

  // --- items ---------------------------------------------------------------------------------------------------
  /**
   * Inserts new items and updates changed ones, matching an incoming item to a stored one by canonical URL, else
   * by (source, GUID). Re-polling an unchanged feed writes nothing. One transaction per call.
   */
  upsertItems(items: Item[]): Promise<UpsertResult[]>;
  getItem(id: string): Promise<ClassifiedItem | undefined>;
  getItems(ids: string[]): Promise<ClassifiedItem[]>;
  listItems(query: ItemQuery): Promise<ClassifiedItem[]>;
  countItems(query?: ItemQuery): Promise<number>;
  /** An item that no longer matches any topic leaves its story (deleteEmptyStories then removes emptied ones). */
  saveClassification(itemId: string, classification: Classification, rulesVersion: string): Promise<void>;
  /** Deletes unmatched items older than the retention cut-off; matched items are kept. Returns how many. */
  pruneUnmatched(before: IsoDate): Promise<number>;

  // --- stories -------------------------------------------------------------------------------------------------
  /** Creates or replaces stories (by id) and points the given items at them, in one transaction. */
  saveStories(stories: Story[], assignments: StoryAssignment[]): Promise<void>;
  /** Removes stories that have no items left (after a re-classification took their items out). */
  deleteEmptyStories(): Promise<number>;
  getStory(id: string): Promise<StoryView | undefined>;
  listStories(query: StoryQuery): Promise<StoryView[]>;
  /** Topics, countries and languages of the stories updated since then (which feed slices have content). */
  listStoryTags(updatedSince: IsoDate): Promise<StoryTags>;
  /** Stories whose items match a reader's words (folded for Cyrillic and Turkic letters), with the filters. */
  searchStories(query: SearchQuery): Promise<StoryView[]>;

  // --- lifecycle -----------------------------------------------------------------------------------------------
  close(): Promise<void>;
}
