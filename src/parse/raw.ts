// The shape both XML paths (rss-parser, and the lenient fallback) and the JSON Feed reader produce before
// normalisation. Values are as the wire had them (after XML decoding): strings, raw dates, possibly relative URLs.
// Nothing outside src/parse sees this.

import type { FeedFormat } from './types.ts';

export interface RawText {
  value: string;
  /** How to read value: plain text, or HTML (escaped or CDATA in RSS; type="html"/"xhtml" in Atom). */
  type: 'text' | 'html';
  /** xml:base in force for this element, already absolute when it could be resolved. */
  base?: string | undefined;
}

export interface RawLink {
  href: string;
  rel?: string | undefined;
  type?: string | undefined;
  length?: string | undefined;
  base?: string | undefined;
}

export interface RawEntry {
  id?: string | undefined;
  /** True when the RSS guid says isPermaLink="false". */
  idNotLink?: boolean | undefined;
  link?: RawLink | undefined;
  title?: RawText | undefined;
  summary?: RawText | undefined;
  content?: RawText | undefined;
  author?: string | undefined;
  categories: string[];
  published?: string | undefined;
  updated?: string | undefined;
  language?: string | undefined;
  base?: string | undefined;
  enclosures: { url: string; type?: string | undefined; length?: string | undefined }[];
}

export interface RawFeed {
  format: FeedFormat;
  title?: RawText | undefined;
  link?: RawLink | undefined;
  description?: RawText | undefined;
  language?: string | undefined;
  ttl?: string | undefined;
  updated?: string | undefined;
  base?: string | undefined;
  entries: RawEntry[];
}
