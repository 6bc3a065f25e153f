// renderFeed: stories → RSS 2.0, Atom 1.0 (both through the `feed` package) or JSON Feed 1.1 (written here: the
// package only knows 1.0). Pure and deterministic: the same stories and meta give the same bytes, so ETags and the
// static export's "unchanged" check work. The feed's own `updated` is the newest entry's, never the clock.
//
// What `feed` 6.0.0 cannot express is added around it, on purpose and narrowly:
// - Atom: xml:lang on <entry>, <source>, rel="alternate" hreflang and rel="related" links. Each entry carries a
//   one-off marker in <rights>, replaced afterwards by XML we escape ourselves; the marker holds a random nonce, so
//   no feed text can forge it, and a count check makes a format change in `feed` fail loudly instead of silently.
// - RSS: <source url>, dc:creator, dc:language as item extensions, with attribute values escaped here (xml-js
//   escapes only the double quote in attributes).
// - Titles go out as escaped HTML (Atom type="html"; RSS readers treat titles as HTML), so `<`, `&` stay text.
import { randomUUID } from 'node:crypto';
import { Feed, type Category, type Extension, type Item as FeedItem } from 'feed';
import type { IsoDate, Source, StoryView, TopicInfo } from '../core/types.ts';
import { escapeHtml } from '../core/html.ts';
import { buildEntries, countryName, entryContext, tagUri, type PublishedEntry } from './entries.ts';
import type { OutputFormat, FeedSlice } from './slices.ts';
import { attrWithoutAngles, cleanText, escapeXml, escapeXmlAttr, joinUrl, safeUrl } from './text.ts';

export interface FeedMeta {
  /** Public base URL; entry ids, self links and the alternate web page derive from it. */
  baseUrl: string;
  title: string;
  description: string;
  /** Path of this feed without extension ("/feeds/topic/trafficking"). */
  path: string;
  /** Normalised query filters ("?country=kg&lang=ru") or "", kept in self links. */
  query?: string | undefined;
  /** Language of a language slice: channel <language>, xml:lang on <feed>, JSON `language`. */
  language?: string | undefined;
  /** WebSub hub to advertise (rel="hub", JSON `hubs`). */
  hub?: string | undefined;
  sources: readonly Source[];
  topics: readonly TopicInfo[];
  /** The web page that shows what the feed carries (its rel="alternate"); default: the base URL. */
  htmlUrl?: string | undefined;
  /**
   * Overrides the feed-level updated time (default: newest entry). Give it for a feed that may be empty (the feed's
   * creation time, e.g. the store's): an empty feed without it is dated at the Unix epoch.
   */
  updated?: IsoDate | undefined;
  /** Describes the slice in the JSON Feed `_tipwire` object. */
  slice?: FeedSlice | undefined;
}

export const CONTENT_TYPES: Record<OutputFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export const EXTENSION_ABOUT = 'https://github.com/tipwire/tipwire#json-feed-extension';

export function feedUrl(meta: Pick<FeedMeta, 'baseUrl' | 'path' | 'query'>, format: OutputFormat): string {
  return joinUrl(meta.baseUrl, `${meta.path}.${format}${meta.query ?? ''}`);
}

/** Renders stories as one feed. */
export function renderFeed(stories: readonly StoryView[], meta: FeedMeta, format: OutputFormat): string {
  const entries = buildEntries(
    stories,
    entryContext(meta.baseUrl, meta.sources, meta.topics),
    undefined,
    meta.language,
  );
  return renderEntries(entries, meta, format);
}

/** Renders prepared entries (the export builds each story's entry once for all slices and formats). */
export function renderEntries(
  entries: readonly PublishedEntry[],
  meta: FeedMeta,
  format: OutputFormat,
): string {
  if (format === 'json') return renderJsonFeed(entries, meta);
  return format === 'atom' ? renderAtom(entries, meta) : renderRss(entries, meta);
}

function feedUpdated(entries: readonly PublishedEntry[], meta: FeedMeta): Date {
  if (meta.updated) return new Date(meta.updated);
  let newest = '1970-01-01T00:00:00.000Z';
  for (const entry of entries) if (entry.updated > newest) newest = entry.updated;
  return new Date(newest);
}

function baseOptions(
  entries: readonly PublishedEntry[],
  meta: FeedMeta,
): {
  title: string;
  description: string;
  link: string;
  hub: string | undefined;
  updated: Date;
} {
  return {
    title: cleanText(meta.title),
    description: cleanText(meta.description),
    link: safeUrl(meta.htmlUrl) ?? safeUrl(meta.baseUrl) ?? 'http://invalid.invalid/',
    hub: safeUrl(meta.hub),
    updated: feedUpdated(entries, meta),
  };
}

const topicScheme = (meta: FeedMeta): string => joinUrl(meta.baseUrl, '/feeds/topic/');
const countryScheme = (meta: FeedMeta): string => joinUrl(meta.baseUrl, '/feeds/country/');

function date(iso: IsoDate): Date {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? new Date(0) : d;
}

// --- RSS 2.0 -----------------------------------------------------------------------------------------------------

function renderRss(entries: readonly PublishedEntry[], meta: FeedMeta): string {
  const base = baseOptions(entries, meta);
  const feed = new Feed({
    ...base,
    hub: base.hub,
    feedLinks: { rss: feedUrl(meta, 'rss') },
    language: meta.language,
    generator: 'tipwire',
  });
  for (const entry of entries) {
    const categories: Category[] = [
      ...entry.topics.map((t) => ({ name: t.id, domain: escapeXmlAttr(topicScheme(meta)) })),
      ...entry.countries.map((c) => ({ name: c, domain: escapeXmlAttr(countryScheme(meta)) })),
    ];
    const extensions: Extension[] = [];
    if (entry.author) extensions.push({ name: 'dc:creator', objects: { _text: entry.author } });
    if (entry.language) extensions.push({ name: 'dc:language', objects: { _text: entry.language } });
    const sourceUrl = entry.source.feedUrl ?? entry.source.homepage;
    if (sourceUrl)
      extensions.push({
        name: 'source',
        objects: { _attributes: { url: escapeXmlAttr(sourceUrl) }, _text: entry.source.name },
      });
    feed.addItem({
      title: escapeHtml(entry.title),
      id: entry.id,
      link: entry.link,
      date: date(entry.updated),
      published: date(entry.published),
      description: entry.summary ? escapeHtml(entry.summary) : undefined,
      // Always present: it carries the "Why" line, and it makes `feed` declare the dc: namespace our extensions use.
      content: entry.contentHtml || `<p>${escapeHtml(entry.title)}</p>`,
      category: categories,
      extensions,
    } satisfies FeedItem);
  }
  return feed.rss2();
}

// --- Atom 1.0 ----------------------------------------------------------------------------------------------------

function atomExtras(entry: PublishedEntry): string {
  const out: string[] = [];
  for (const t of entry.translations) {
    const lang = t.language ? ` hreflang="${escapeXml(t.language)}"` : '';
    out.push(
      `<link rel="alternate" type="text/html"${lang} href="${escapeXml(t.url)}" title="${escapeXml(t.sourceName)}"/>`,
    );
  }
  if (entry.translations.length) {
    // The story's own link again, now with its language, placed last: consumers that take the first alternate get
    // it from `feed`'s plain <link>, and those that take the last (feedparser) get it from here, never a
    // translation. The (type, hreflang) pair differs from the plain link's, as RFC 4287 4.1.1 requires.
    const lang = entry.language ? ` hreflang="${escapeXml(entry.language)}"` : '';
    out.push(`<link rel="alternate" type="text/html"${lang} href="${escapeXml(entry.link)}"/>`);
  }
  for (const copy of entry.alsoReportedBy) {
    out.push(
      `<link rel="related" type="text/html" href="${escapeXml(copy.url)}" title="${escapeXml(copy.sourceName)}"/>`,
    );
  }
  const s = entry.source;
  const sourceParts = [
    s.feedUrl ? `<id>${escapeXml(s.feedUrl)}</id>` : '',
    `<title>${escapeXml(s.name)}</title>`,
    s.feedUrl ? `<link rel="self" href="${escapeXml(s.feedUrl)}"/>` : '',
    s.homepage ? `<link rel="alternate" type="text/html" href="${escapeXml(s.homepage)}"/>` : '',
  ].filter((p) => p !== '');
  out.push(`<source>${sourceParts.join('')}</source>`);
  return out.join('\n        ');
}

function renderAtom(entries: readonly PublishedEntry[], meta: FeedMeta): string {
  const base = baseOptions(entries, meta);
  const marker = `tipwire-${randomUUID()}`;
  const feed = new Feed({
    ...base,
    id: tagUri(meta.baseUrl, `${meta.path}${meta.query ?? ''}`),
    feedLinks: { atom: feedUrl(meta, 'atom') },
    author: { name: 'tipwire', link: base.link },
    generator: 'tipwire',
  });
  entries.forEach((entry, index) => {
    feed.addItem({
      title: escapeHtml(entry.title),
      id: entry.id,
      link: entry.link,
      date: date(entry.updated),
      published: date(entry.published),
      description: entry.summary ? escapeHtml(entry.summary) : undefined,
      content: entry.contentHtml || undefined,
      author: entry.author ? [{ name: entry.author }] : undefined,
      category: [
        ...entry.topics.map((t) => ({
          term: t.id,
          label: attrWithoutAngles(t.name),
          scheme: topicScheme(meta),
        })),
        ...entry.countries.map((c) => ({
          term: c,
          label: attrWithoutAngles(countryName(c)),
          scheme: countryScheme(meta),
        })),
      ].map(({ term, label, scheme }) => ({ term, name: label, scheme })),
      copyright: `${marker}-${index}`,
    });
  });
  const xml = feed.atom1();
  const out: string[] = [];
  let cursor = 0;
  entries.forEach((entry, index) => {
    const rights = `<rights>${marker}-${index}</rights>`;
    const at = xml.indexOf(rights, cursor);
    const open = xml.lastIndexOf('<entry>', at);
    if (at < 0 || open < cursor)
      throw new Error(`publish: the feed package's Atom output changed shape (entry ${index})`);
    const lang = entry.language ? ` xml:lang="${escapeXml(entry.language)}"` : '';
    out.push(
      xml.slice(cursor, open),
      `<entry${lang}>`,
      xml.slice(open + '<entry>'.length, at),
      atomExtras(entry),
    );
    cursor = at + rights.length;
  });
  out.push(xml.slice(cursor));
  let result = out.join('');
  if (meta.language) {
    result = result.replace(
      '<feed xmlns="http://www.w3.org/2005/Atom">',
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeXml(meta.language)}">`,
    );
  }
  return result;
}

// --- JSON Feed 1.1 -----------------------------------------------------------------------------------------------

function renderJsonFeed(entries: readonly PublishedEntry[], meta: FeedMeta): string {
  const base = baseOptions(entries, meta);
  const feed: Record<string, unknown> = {
    version: 'https://jsonfeed.org/version/1.1',
    title: base.title,
    home_page_url: base.link,
    feed_url: feedUrl(meta, 'json'),
    description: base.description,
    authors: [{ name: 'tipwire', url: base.link }],
  };
  if (meta.language) feed.language = meta.language;
  if (base.hub) feed.hubs = [{ type: 'WebSub', url: base.hub }];
  feed._tipwire = {
    about: EXTENSION_ABOUT,
    updated: base.updated.toISOString(),
    ...(meta.slice
      ? {
          slice: {
            kind: meta.slice.kind,
            ...(meta.slice.value !== undefined ? { value: meta.slice.value } : {}),
            topics: meta.slice.topics,
            countries: meta.slice.countries,
            languages: meta.slice.languages,
          },
        }
      : {}),
  };
  feed.items = entries.map((entry) => {
    const item: Record<string, unknown> = {
      id: entry.id,
      url: entry.link,
      title: entry.title,
      content_html: entry.contentHtml || `<p>${escapeHtml(entry.title)}</p>`,
    };
    if (entry.summary) item.summary = entry.summary;
    item.date_published = date(entry.published).toISOString();
    item.date_modified = date(entry.updated).toISOString();
    if (entry.author) item.authors = [{ name: entry.author }];
    const tags = [...entry.topics.map((t) => t.id), ...entry.countries.map((c) => `country:${c}`)];
    if (tags.length) item.tags = tags;
    if (entry.language) item.language = entry.language;
    item._tipwire = {
      about: EXTENSION_ABOUT,
      story_id: entry.storyId,
      why: entry.why,
      topics: entry.topics.map((t) => ({
        id: t.id,
        name: t.name,
        score: t.score,
        evidence: t.evidence.map((e) => ({ term: e.term, field: e.field, match: e.match, weight: e.weight })),
        ...(t.relevance === undefined
          ? {}
          : {
              relevance: t.relevance,
              features: (t.features ?? []).map((f) => ({ feature: f.feature, weight: f.weight })),
            }),
      })),
      countries: entry.countries,
      languages: entry.languages,
      source: {
        id: entry.source.id,
        name: entry.source.name,
        ...(entry.source.feedUrl ? { feed_url: entry.source.feedUrl } : {}),
        ...(entry.source.homepage ? { home_page_url: entry.source.homepage } : {}),
      },
      translations: entry.translations.map((t) => ({
        language: t.language,
        url: t.url,
        title: t.title,
        source: t.sourceName,
      })),
      also_reported_by: entry.alsoReportedBy.map((c) => ({
        source_id: c.sourceId,
        name: c.sourceName,
        url: c.url,
      })),
    };
    return item;
  });
  // JSON.stringify escapes control characters itself; cleanText already dropped the ones XML could not carry, so
  // the JSON and XML versions of an entry say the same thing.
  return `${JSON.stringify(feed, null, 2)}\n`;
}

// --- OPML 2.0 ----------------------------------------------------------------------------------------------------

export interface OpmlMeta {
  title: string;
  baseUrl?: string | undefined;
}

/** The enabled sources as OPML 2.0, so a reader can subscribe to the originals. Deterministic (no creation date). */
export function renderOpml(sources: readonly Source[], meta: OpmlMeta): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${escapeXml(meta.title)}</title>`,
    ...(meta.baseUrl && safeUrl(meta.baseUrl)
      ? [`    <ownerId>${escapeXml(safeUrl(meta.baseUrl) ?? '')}</ownerId>`]
      : []),
    '    <docs>http://opml.org/spec2.opml</docs>',
    '  </head>',
    '  <body>',
  ];
  for (const source of sources) {
    const xmlUrl = safeUrl(source.url);
    if (!source.enabled || !xmlUrl) continue;
    const attrs: [string, string | undefined][] = [
      ['text', source.name],
      ['title', source.name],
      ['type', 'rss'],
      ['xmlUrl', xmlUrl],
      ['htmlUrl', safeUrl(source.homepage)],
      ['language', source.languages[0]],
      ['category', source.country ? `/country/${source.country}` : undefined],
    ];
    const rendered = attrs
      .filter((a): a is [string, string] => a[1] !== undefined && a[1] !== '')
      .map(([k, v]) => `${k}="${escapeXml(v)}"`)
      .join(' ');
    lines.push(`    <outline ${rendered}/>`);
  }
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}
