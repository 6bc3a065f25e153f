// The few types every stage shares. Dates are ISO 8601 strings in UTC ("2026-11-28T17:29:48.000Z"): they sort as
// text, survive JSON and both databases unchanged, and leave no doubt about the zone.
// Language codes are ISO 639-1 in lower case (en, ru, tk, uz, kk, ky, tg); countries ISO 3166-1 alpha-2 in lower
// case (tm, uz, kz, kg, tj), as they appear in feed URLs (/feeds/country/kg.rss).

export type IsoDate = string;

/** A feed that the operator configured (config/sources.yaml). */
export interface Source {
  id: string;
  name: string;
  url: string;
  /** Web page of the outlet, for OPML and "source" links; defaults to the feed's own channel link. */
  homepage?: string | undefined;
  /** Country the outlet covers, or undefined for regional and international bodies. */
  country?: string | undefined;
  languages: string[];
  tags: string[];
  /** Poll interval in minutes; falls back to the app-wide default. */
  intervalMinutes?: number | undefined;
  enabled: boolean;
  /** Preferred sources win when a story picks its representative copy. */
  preferred?: boolean | undefined;
}

/** What the poller remembers about a source between polls (the store keeps it, keyed by source id). */
export interface SourceState {
  sourceId: string;
  /** URL after permanent redirects, when it differs from the configured one (reported to the operator). */
  movedTo?: string | undefined;
  etag?: string | undefined;
  lastModified?: string | undefined;
  lastPolledAt?: IsoDate | undefined;
  lastSuccessAt?: IsoDate | undefined;
  /** Newest time the feed's content changed (new or updated items), for adaptive intervals. */
  lastChangedAt?: IsoDate | undefined;
  nextPollAt?: IsoDate | undefined;
  consecutiveFailures: number;
  /** Set when failures reached the configured limit; cleared by `tipwire sources enable` or a config edit. */
  disabledAt?: IsoDate | undefined;
  lastStatus?: number | undefined;
  /** The error of the last poll, while the source is failing (cleared by a success). */
  lastError?: { code: string; message: string } | undefined;
  /** The most recent failure and its error, kept after the source recovers (the status page shows both). */
  lastFailureAt?: IsoDate | undefined;
  lastFailure?: { code: string; message: string } | undefined;
  lastFormat?: string | undefined;
  lastEncoding?: string | undefined;
  lastItemCount?: number | undefined;
  /** What the last successful read had to repair or cut (decoding, dates, oversized titles), at most 20 notes. */
  lastWarnings?: string[] | undefined;
}

/** One entry of one feed, normalised. Built by parse (wire fields) and the poll job (source, identity). */
export interface Item {
  /** Stable id: a hash of the identity key the item was first stored under. */
  id: string;
  sourceId: string;
  /** Canonical URL (dedupe/canonical.ts), the first link of the identity chain. */
  url?: string | undefined;
  /** The link as published, made absolute. */
  link?: string | undefined;
  guid?: string | undefined;
  title: string;
  /** Plain text, whitespace collapsed. */
  summary: string;
  /** Sanitised HTML (no script, no event handlers, no javascript: URLs). */
  contentHtml?: string | undefined;
  author?: string | undefined;
  categories: string[];
  publishedAt: IsoDate;
  updatedAt?: IsoDate | undefined;
  /** True when the feed gave no usable date and publishedAt is the fetch time. */
  dateGuessed?: boolean | undefined;
  language?: string | undefined;
  country?: string | undefined;
  fetchedAt: IsoDate;
}

/** Why an item belongs to a topic: one matched term, where, and what it added to the score. */
export interface Evidence {
  /** The rule term as the operator wrote it. */
  term: string;
  field: 'title' | 'summary';
  /** The text that matched. */
  match: string;
  weight: number;
}

/** A feature of the relevance model and how far it moved a topic's score (positive: for, negative: against). */
export interface FeatureWeight {
  feature: string;
  weight: number;
}

export interface TopicMatch {
  topic: string;
  /** The rules' score (sum of matched term weights). */
  score: number;
  evidence: Evidence[];
  /** The relevance model's probability that the item is about the topic, when the model decided. */
  relevance?: number | undefined;
  /** The model's strongest features for and against, when the model decided. */
  features?: FeatureWeight[] | undefined;
}

/** The classifier's verdict on one item. `topics` holds only the topics the item is assigned to. */
export interface Classification {
  language: string;
  topics: TopicMatch[];
  /** Countries the text is about (mentions), besides the source's own. */
  countries: string[];
}

/** A topic as configured (config/topics.yaml); the rule syntax is the classifier's business. */
export interface TopicInfo {
  id: string;
  /** Display names per locale (en, ru …). */
  names: Record<string, string>;
  description?: string | undefined;
}

/** An item as stages after the store see it: the item with its classification. */
export interface ClassifiedItem extends Item {
  classification?: Classification | undefined;
  storyId?: string | undefined;
  sourceName?: string | undefined;
}

/** A cluster of items telling the same news; feeds and digests show stories, not items. */
export interface Story {
  /** Stable: assigned when the story is created, never changes as copies join. */
  id: string;
  representativeItemId: string;
  topics: string[];
  countries: string[];
  languages: string[];
  firstSeenAt: IsoDate;
  updatedAt: IsoDate;
  /**
   * First publication: the earliest publication date among its items, or their earliest fetch time when none had a
   * date (then publishedGuessed). Kept by the store from the items; undefined on a story not yet saved.
   */
  publishedAt?: IsoDate | undefined;
  publishedGuessed?: boolean | undefined;
  /** A story this one follows up (a later hearing of the same case), if any. */
  followsStoryId?: string | undefined;
}

/** A story with its items loaded, as publish and digest consume it. */
export interface StoryView extends Story {
  representative: ClassifiedItem;
  /** Every item of the story, representative first. */
  items: ClassifiedItem[];
}

export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed' | 'bounced';

export interface Subscriber {
  id: string;
  email: string;
  name?: string | undefined;
  /** Locale of the digest's own words: en or ru. */
  locale: string;
  /** IANA time zone, e.g. Asia/Bishkek. */
  timeZone: string;
  /** Empty means all. */
  topics: string[];
  countries: string[];
  languages: string[];
  frequency: 'weekly' | 'daily';
  /** ISO weekday of a weekly digest, 1 = Monday … 7 = Sunday; undefined: digest.schedule's. */
  sendDay?: number | undefined;
  /** Hour of the day (0–23, in timeZone) the digest is sent; undefined: digest.schedule's. */
  sendHour?: number | undefined;
  status: SubscriberStatus;
  createdAt: IsoDate;
  confirmedAt?: IsoDate | undefined;
}
