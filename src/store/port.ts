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
  /** The story the stored item belonged to before this write (an edited item keeps it while it still matches). */
  storyId?: string | undefined;
}

export interface Judgement {
  classification: Classification;
  rulesVersion: string;
}

export interface UpsertOptions {
  /**
   * Judges each new or changed item (never an unchanged one) inside the write, so it is stored classified in the
   * same row write: no second UPDATE, and no unclassified item for a crash to leave behind.
   */
  classify?: (item: Item) => Judgement;
  /**
   * Saved in the same transaction as the items (the poll job: one transaction per feed); a function is told
   * whether any item was inserted or updated (a changed feed is polled again sooner).
   */
  state?: SourceState | ((changed: boolean) => SourceState);
  /** Releases this owner's lease on state.sourceId in the same write. */
  releaseLeaseOf?: string;
}

export interface ClaimOptions {
  owner: string;
  /** The lease runs out at this time unless renewed. */
  until: IsoDate;
  now: IsoDate;
  /** Claim even sources whose next poll is not due yet (an explicit or forced poll). */
  force?: boolean;
  /** Owners known to be dead (a crashed worker on this machine): their leases are taken at once. */
  takeOver?: string[];
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

/** Stories per day and tag value, for charts: the stories first published since then, with the story filters. */
export interface StoryCountQuery extends Omit<StoryQuery, 'order' | 'limit' | 'offset'> {
  since: IsoDate;
  /** Count by topic, country or language (a story with two topics counts once under each). */
  kind: 'topic' | 'country' | 'language';
}

export interface StoryDayCount {
  /** YYYY-MM-DD (UTC) of the story's first publication. */
  day: string;
  value: string;
  count: number;
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
  /** Who holds it (worker name, process id, start nonce: jobs/lease.ts), so several workers can share sources. */
  owner: string;
  until: IsoDate;
}

/** Something an operator should hear about (the status page and /status.atom list them). */
export type HealthEventKind =
  | 'source-failing'
  | 'source-recovered'
  | 'source-disabled'
  | 'source-moved'
  | 'source-stale'
  | 'config-rejected'
  | 'report-sent';

export interface HealthEvent {
  /** Stable: the same happening recorded twice (two workers, a re-run) is one event. */
  id: string;
  at: IsoDate;
  kind: HealthEventKind;
  sourceId?: string | undefined;
  /** One line: "24kg-en is failing: FETCH_NETWORK". */
  title: string;
  /** The rest: the reason, the problems of a rejected config (one per line). */
  detail: string;
}

/** One run of a job (poll, publish, digest…), however it was started. */
export interface JobRun {
  id: string;
  job: string;
  startedAt: IsoDate;
  ms: number;
  outcome: 'ok' | 'failed';
  /** One line: the poll summary, the digest counts, the error. */
  summary: string;
}

/** New and on-topic items per source since a date (the status page's "this week"). */
export interface SourceItemCounts {
  sourceId: string;
  seen: number;
  matched: number;
}

/** What the operator's health views persist: events, job runs, and per-source counts. */
export interface HealthStore {
  /** Records an event; false when an event with this id exists already (nothing is written). */
  addEvent(event: HealthEvent): Promise<boolean>;
  /** Newest first. */
  listEvents(query?: { since?: IsoDate; kinds?: HealthEventKind[]; limit?: number }): Promise<HealthEvent[]>;
  deleteEvent(id: string): Promise<void>;
  addJobRun(run: JobRun): Promise<void>;
  /** Newest first. */
  listJobRuns(query?: { job?: string; limit?: number }): Promise<JobRun[]>;
  /** Items fetched since the date, per source, and how many of them are on topic. */
  countItemsBySource(fetchedSince: IsoDate): Promise<SourceItemCounts[]>;
  /** Drops events and job runs older than the date; returns how many rows went. */
  prune(before: IsoDate): Promise<number>;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly digest: DigestStore;
  readonly health: HealthStore;

  // --- sources -------------------------------------------------------------------------------------------------
  getSourceState(sourceId: string): Promise<SourceState | undefined>;
  listSourceStates(): Promise<SourceState[]>;
  saveSourceState(state: SourceState): Promise<void>;
  /** Several states in one write; with releaseLeaseOf, that owner's leases on them are released in it too. */
  saveSourceStates(states: SourceState[], releaseLeaseOf?: string): Promise<void>;
  /**
   * Claims those of the given sources that are free (no lease, an expired one, one of options.takeOver, or already
   * the owner's) and due (unless options.force), and returns their ids. One atomic UPDATE … WHERE, never
   * read-then-write, so two workers never poll the same source at once, nor one source twice in a cycle.
   */
  claimSources(sourceIds: string[], options: ClaimOptions): Promise<string[]>;
  /** Pushes every lease the owner holds out to `until` (a worker renews while it works). Returns how many. */
  renewLeases(owner: string, until: IsoDate): Promise<number>;
  /** Releases the owner's leases (all, or on the given sources). */
  releaseLeases(owner: string, sourceIds?: string[]): Promise<number>;
  listLeases(): Promise<SourceLease[]>;
  /**
   * Runs fn while holding a named lock that other workers on the same database wait for (PostgreSQL: an advisory
   * lock; SQLite, one process: a queue), so only one worker at a time clusters and catches up.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;

  // --- items ---------------------------------------------------------------------------------------------------
  /**
   * Inserts new items and updates changed ones, matching an incoming item to a stored one by canonical URL, else
   * by (source, GUID). Re-polling an unchanged feed writes nothing. One transaction per call.
   */
  upsertItems(items: Item[], options?: UpsertOptions): Promise<UpsertResult[]>;
  getItem(id: string): Promise<ClassifiedItem | undefined>;
  getItems(ids: string[]): Promise<ClassifiedItem[]>;
  listItems(query: ItemQuery): Promise<ClassifiedItem[]>;
  countItems(query?: ItemQuery): Promise<number>;
  /** An item that no longer matches any topic leaves its story (deleteEmptyStories then removes emptied ones). */
  saveClassification(itemId: string, classification: Classification, rulesVersion: string): Promise<void>;
  /** Many classifications in one transaction (catch-up after a rule edit). */
  saveClassifications(judged: (Judgement & { itemId: string })[]): Promise<void>;
  /**
   * Up to `limit` items fetched since then and not classified under this rules version (new rules, or a row
   * written without a judgement). Reads only such rows (an index range), so a catch-up pass costs what it finds.
   */
  listUnclassified(rulesVersion: string, fetchedSince: IsoDate, limit: number): Promise<ClassifiedItem[]>;
  /** Ids of matched items that have no story yet (the clustering queue), oldest publication first. */
  listUnclusteredIds(): Promise<string[]>;
  /** Deletes unmatched items older than the retention cut-off; matched items are kept. Returns how many. */
  pruneUnmatched(before: IsoDate): Promise<number>;

  // --- stories -------------------------------------------------------------------------------------------------
  /** Creates or replaces stories (by id) and points the given items at them, in one transaction. */
  saveStories(stories: Story[], assignments: StoryAssignment[]): Promise<void>;
  /**
   * Removes stories that have no items left (after a re-classification took their items out): all of them, or
   * only the given candidates (the poll knows which stories lost items, and need not scan every story).
   */
  deleteEmptyStories(candidates?: string[]): Promise<number>;
  getStory(id: string): Promise<StoryView | undefined>;
  /** Several stories with their items, in a few queries; unknown ids are left out. */
  getStories(ids: string[]): Promise<StoryView[]>;
  listStories(query: StoryQuery): Promise<StoryView[]>;
  /** Topics, countries and languages of the stories updated since then (which feed slices have content). */
  listStoryTags(updatedSince: IsoDate): Promise<StoryTags>;
  /** Stories whose items match a reader's words (folded for Cyrillic and Turkic letters), with the filters. */
  searchStories(query: SearchQuery): Promise<StoryView[]>;
  /** How many stories were first published per day, by topic, country or language (the site's charts). */
  countStoriesByDay(query: StoryCountQuery): Promise<StoryDayCount[]>;

  // --- lifecycle -----------------------------------------------------------------------------------------------
  /** When the database was created (its first migration): the date of a feed that has never had a story. */
  createdAt(): Promise<IsoDate>;
  close(): Promise<void>;
}
