// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read directly: JSON.parse has no entity expansion, and
// the fetch stage caps the body size, so one more cap here only guards direct callers.
// 1.0's singular `author` and 1.1's `authors` are both read; `language` is 1.1 only.

import { TipwireError } from '../core/errors.ts';
import type { RawEntry, RawFeed } from './raw.ts';

const MAX_JSON_CHARS = 20_000_000;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function authorName(o: Record<string, unknown>): string | undefined {
  const list = Array.isArray(o['authors']) ? (o['authors'] as unknown[]) : [o['author']];
  for (const a of list) {
    const name = str(obj(a)?.['name']);
    if (name !== undefined) return name.trim();
  }
  return undefined;
}

export function isJsonFeedText(text: string): boolean {
  return /^\s*\{/.test(text.slice(0, 1024)) && /jsonfeed\.org\/version/.test(text.slice(0, 65536));
}

export function readJsonFeed(text: string, url: string): RawFeed {
  if (text.length > MAX_JSON_CHARS) {
    throw new TipwireError('PARSE_INVALID', `${url}: JSON Feed larger than ${MAX_JSON_CHARS} characters`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TipwireError('PARSE_INVALID', `${url}: not valid JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
  const feed = obj(doc);
  const version = str(feed?.['version']);
  if (feed === undefined || version === undefined || !/jsonfeed\.org\/version\/1(\.\d+)?\/?$/.test(version)) {
    throw new TipwireError('PARSE_NOT_A_FEED', `${url}: JSON without a JSON Feed "version"; not a feed`);
  }
  const items = Array.isArray(feed['items']) ? (feed['items'] as unknown[]) : [];
  const feedLang = str(feed['language']);
  const entries: RawEntry[] = items.flatMap((raw): RawEntry[] => {
    const it = obj(raw);
    if (it === undefined) return [];
    const id = it['id'];
    const html = str(it['content_html']);
    const text = str(it['content_text']);
    const summary = str(it['summary']);
    const attachments = Array.isArray(it['attachments']) ? (it['attachments'] as unknown[]) : [];
    return [
      {
        id: typeof id === 'number' ? String(id) : str(id),
        link: str(it['url']) !== undefined ? { href: str(it['url']) ?? '' } : undefined,
        title: str(it['title']) === undefined ? undefined : { value: str(it['title']) ?? '', type: 'text' },
        summary: summary === undefined ? undefined : { value: summary, type: 'text' },
        content:
          html !== undefined
            ? { value: html, type: 'html' }
            : text !== undefined
              ? { value: text, type: 'text' }
              : undefined,
        author: authorName(it) ?? authorName(feed),
        categories: Array.isArray(it['tags'])
          ? (it['tags'] as unknown[]).filter((t) => typeof t === 'string')
          : [],
        published: str(it['date_published']),
        updated: str(it['date_modified']),
        language: str(it['language']) ?? feedLang,
        enclosures: attachments.flatMap((a) => {
          const at = obj(a);
          const u = str(at?.['url']);
          if (at === undefined || u === undefined) return [];
          const size = at['size_in_bytes'];
          return [
            {
              url: u,
              type: str(at['mime_type']),
              length: typeof size === 'number' ? String(size) : undefined,
            },
          ];
        }),
      },
    ];
  });
  return {
    format: version.includes('/1.1') ? 'json11' : 'json1',
    title: str(feed['title']) === undefined ? undefined : { value: str(feed['title']) ?? '', type: 'text' },
    link: str(feed['home_page_url']) === undefined ? undefined : { href: str(feed['home_page_url']) ?? '' },
    description:
      str(feed['description']) === undefined
        ? undefined
        : { value: str(feed['description']) ?? '', type: 'text' },
    language: feedLang,
    entries,
  };
}
