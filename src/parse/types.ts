// The parse stage's public types: what every feed format becomes. Wire formats stop before this point.

export type FeedFormat = 'rss2' | 'rss1' | 'rss09' | 'atom1' | 'atom03' | 'json1' | 'json11';

export interface FeedEntry {
  guid?: string;
  /** Absolute URL. */
  link?: string;
  title: string;
  /** Plain text, at most ~1000 characters, cut at a word boundary. */
  summary: string;
  /** Sanitised HTML. */
  contentHtml?: string;
  author?: string;
  categories: string[];
  /** ISO 8601 UTC. */
  publishedAt: string;
  updatedAt?: string;
  /** True when the feed gave no usable date and publishedAt is the fetch time. */
  dateGuessed: boolean;
  /** ISO 639-1, lower case. */
  language?: string;
  enclosures?: { url: string; type?: string; length?: number }[];
}

export interface ParsedFeed {
  format: FeedFormat;
  title?: string;
  link?: string;
  description?: string;
  /** ISO 639-1 lower case ('ru-RU' → 'ru'). */
  language?: string;
  ttlMinutes?: number;
  updatedAt?: string;
  entries: FeedEntry[];
  /** The document had to be repaired or read by the fallback parser: "parsed, but not well-formed". */
  lenient: boolean;
  warnings: string[];
}

export interface ParseContext {
  /** The URL the feed was fetched from (after redirects): the last resort for relative links. */
  url: string;
  /** ISO UTC; stands in for missing dates and caps future ones. */
  fetchedAt: string;
  contentType?: string;
}
