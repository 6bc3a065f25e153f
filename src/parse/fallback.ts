// The second XML reader, for documents rss-parser refuses even after repair: @rowanmanning/feed-parser
// (fast-xml-parser underneath, which tolerates unclosed tags and stray markup). It only ever sees text whose
// DOCTYPE we removed (doctype.ts), because its entity expansion has no limit. Its output type stays here.

import { parseFeed as rowanParse } from '@rowanmanning/feed-parser';
import type { RawEntry, RawFeed } from './raw.ts';
import type { FeedFormat } from './types.ts';

function formatOf(type: string, version: string | null): FeedFormat {
  if (type === 'atom') return version === '0.3' ? 'atom03' : 'atom1';
  if (version !== null && /^0\.9/.test(version)) return 'rss09';
  if (version === '1.0') return 'rss1';
  return 'rss2';
}

export function readWithFallback(text: string): RawFeed {
  const feed = rowanParse(text);
  const meta = feed.meta;
  const json = feed.toJSON();
  const entries: RawEntry[] = json.items.map((item) => ({
    id: item.id ?? undefined,
    link: item.url === null ? undefined : { href: item.url },
    title: item.title === null ? undefined : { value: item.title, type: 'html' },
    summary: item.description === null ? undefined : { value: item.description, type: 'html' },
    content: item.content === null ? undefined : { value: item.content, type: 'html' },
    author: item.authors.map((a) => a.name ?? a.email).find((n) => n !== null) ?? undefined,
    categories: item.categories.map((c) => c.label ?? c.term),
    published: item.published ?? undefined,
    updated: item.updated ?? undefined,
    enclosures: item.media
      .filter((m) => m.url !== '')
      .map((m) => ({
        url: m.url,
        type: m.mimeType ?? undefined,
        length: m.length === null ? undefined : String(m.length),
      })),
  }));
  return {
    format: formatOf(meta.type, meta.version),
    title: json.title === null ? undefined : { value: json.title, type: 'html' },
    link: json.url === null ? undefined : { href: json.url },
    description: json.description === null ? undefined : { value: json.description, type: 'html' },
    language: json.language ?? undefined,
    updated: json.updated ?? json.published ?? undefined,
    entries,
  };
}
