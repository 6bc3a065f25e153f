// One feed entry per story, built once and shared by the three formats and every slice. The entry id is the story
// id inside a tag: URI (RFC 4151) on the base URL's host, so it never changes as copies and translations join.
// Text is made safe here, at the assignment: titles and summaries reduced to plain text, content re-sanitised with
// the shared allowlist, control characters stripped, every URL validated (a bad one is dropped, never thrown).
// Pure: data in, data out.
import type {
  ClassifiedItem,
  Evidence,
  FeatureWeight,
  IsoDate,
  Source,
  StoryView,
  TopicInfo,
} from '../core/types.ts';
import { escapeHtml, htmlToPlainText, sanitizeHtml } from '../core/html.ts';
import { languageName } from '../core/intl.ts';
import { cleanText, safeUrl } from './text.ts';

export interface EntryTopic {
  id: string;
  name: string;
  score: number;
  evidence: Evidence[];
  /** The relevance model's probability and its strongest features for and against, when the model decided. */
  relevance?: number | undefined;
  features?: FeatureWeight[] | undefined;
}

export interface EntryLink {
  url: string;
  sourceId: string;
  sourceName: string;
  language?: string | undefined;
  title?: string | undefined;
}

export interface EntrySource {
  id: string;
  name: string;
  feedUrl?: string | undefined;
  homepage?: string | undefined;
}

export interface PublishedEntry {
  storyId: string;
  /** tag: URI (or urn: when the base URL's host cannot be a tag authority). */
  id: string;
  /** Plain text. */
  title: string;
  /** Always a valid http(s) URL (falls back to the source's homepage, then the base URL). */
  link: string;
  /** Plain text. */
  summary: string;
  /** Sanitised HTML: the story text, then the "Why", other-language and "Also reported by" lines. */
  contentHtml: string;
  published: IsoDate;
  updated: IsoDate;
  language?: string | undefined;
  author?: string | undefined;
  source: EntrySource;
  topics: EntryTopic[];
  countries: string[];
  languages: string[];
  /** Other-language versions, one per language. */
  translations: EntryLink[];
  /** Copies from other outlets, one per outlet. */
  alsoReportedBy: EntryLink[];
  /** "trafficking (trafficking in persons, title); migration (labour migrants, summary)". */
  why: string;
}

export interface EntryContext {
  baseUrl: string;
  sources: ReadonlyMap<string, Source>;
  topics: ReadonlyMap<string, TopicInfo>;
}

export function entryContext(
  baseUrl: string,
  sources: readonly Source[],
  topics: readonly TopicInfo[],
): EntryContext {
  return {
    baseUrl,
    sources: new Map(sources.map((s) => [s.id, s])),
    topics: new Map(topics.map((t) => [t.id, t])),
  };
}

// The tag date is part of the id scheme, not of any story: it must never change, or every reader sees every story
// again as new.
const TAG_DATE = '2026';
const DNS_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

/** A stable URI for anything tipwire publishes (a story, a feed), built from the base URL and a path. */
export function tagUri(baseUrl: string, path: string): string {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  if (DNS_NAME.test(base.hostname)) return `tag:${base.hostname.toLowerCase()},${TAG_DATE}:${prefix}${path}`;
  return `urn:tipwire:${encodeURIComponent(base.host)}${prefix}${path}`.replace(/\/+/g, ':');
}

export function storyEntryId(baseUrl: string, storyId: string): string {
  return tagUri(baseUrl, `/story/${encodeURIComponent(storyId)}`);
}

/**
 * Titles are plain text by the Item contract: `<arrested>` in a headline is words, not a tag, so nothing is parsed
 * away; the formats escape it. Only characters XML cannot carry and runs of whitespace go.
 */
export function plainTitle(raw: string): string {
  return cleanText(raw).replace(/\s+/g, ' ').trim() || '(untitled)';
}

// Names of countries and languages: the one Intl helper (core/intl.ts) the pages and the digest use too. Feeds are
// written in English; a language is named in its own script ("Русский"), so its readers find it.
export { countryName, languageName } from '../core/intl.ts';

// Content was sanitised when it was stored; publishing sanitises again (a second allowlist pass costs little and
// covers rows written by older code), but a server re-renders the same stories many times, so results are
// remembered by input. Bounded: cleared when full, which only costs one re-sanitising pass.
const SANITIZED_LIMIT = 20_000;
const sanitized = new Map<string, string>();
function sanitizedContent(html: string, link: string): string {
  const key = `${link}\u0000${html}`;
  let out = sanitized.get(key);
  if (out === undefined) {
    out = sanitizeHtml(cleanText(html), link);
    if (sanitized.size >= SANITIZED_LIMIT) sanitized.clear();
    sanitized.set(key, out);
  }
  return out;
}

function itemLink(item: ClassifiedItem): string | undefined {
  return safeUrl(item.link) ?? safeUrl(item.url);
}

function sourceOf(item: ClassifiedItem, ctx: EntryContext): EntrySource {
  const source = ctx.sources.get(item.sourceId);
  return {
    id: item.sourceId,
    name: cleanText(source?.name ?? item.sourceName ?? item.sourceId),
    feedUrl: safeUrl(source?.url),
    homepage: safeUrl(source?.homepage),
  };
}

function topicsOf(story: StoryView, ctx: EntryContext): EntryTopic[] {
  return story.topics.map((id) => {
    // The representative's own evidence first: it is the text the reader sees.
    const match =
      story.representative.classification?.topics.find((t) => t.topic === id) ??
      story.items
        .map((item) => item.classification?.topics.find((t) => t.topic === id))
        .find((t) => t !== undefined);
    const info = ctx.topics.get(id);
    return {
      id,
      name: cleanText(info?.names['en'] ?? Object.values(info?.names ?? {})[0] ?? id),
      score: match?.score ?? 0,
      evidence: (match?.evidence ?? []).map((e) => ({
        ...e,
        term: cleanText(e.term),
        match: cleanText(e.match),
      })),
      ...(match?.relevance === undefined
        ? {}
        : {
            relevance: match.relevance,
            features: (match.features ?? []).map((f) => ({
              feature: cleanText(f.feature),
              weight: f.weight,
            })),
          }),
    };
  });
}

function whyLine(topics: EntryTopic[]): string {
  return topics
    .map((topic) => {
      const seen = new Set<string>();
      const parts: string[] = [];
      for (const e of topic.evidence) {
        const part = `${e.term}, ${e.field}`;
        if (seen.has(part)) continue;
        seen.add(part);
        parts.push(part);
        if (parts.length === 3) break;
      }
      return parts.length ? `${topic.id} (${parts.join('; ')})` : topic.id;
    })
    .join('; ');
}

function linkList(links: EntryLink[], label: (link: EntryLink) => string, hreflang: boolean): string {
  return links
    .map((link) => {
      const lang = hreflang && link.language ? ` hreflang="${escapeHtml(link.language)}"` : '';
      return `<a href="${escapeHtml(link.url)}"${lang} rel="nofollow noopener">${escapeHtml(label(link))}</a>`;
    })
    .join(', ');
}

/**
 * The item a feed shows for a story: in a language feed, the story's version in that language (the representative
 * becomes one of its other versions); otherwise the representative.
 */
function shownItem(story: StoryView, language: string | undefined): ClassifiedItem {
  if (language === undefined || story.representative.language === language) return story.representative;
  return story.items.find((item) => item.language === language) ?? story.representative;
}

/** Builds the entry for one story, in `language` when the story has a version in it (a language feed). */
export function buildEntry(story: StoryView, ctx: EntryContext, language?: string): PublishedEntry {
  const rep = shownItem(story, language);
  const source = sourceOf(rep, ctx);
  const link =
    itemLink(rep) ??
    story.items.map(itemLink).find((u) => u !== undefined) ??
    source.homepage ??
    safeUrl(ctx.baseUrl) ??
    'http://invalid.invalid/';
  const title = plainTitle(rep.title);
  const summary = cleanText(htmlToPlainText(rep.summary ?? ''));
  const repLanguage = rep.language;

  const translations: EntryLink[] = [];
  const alsoReportedBy: EntryLink[] = [];
  const languagesSeen = new Set(repLanguage ? [repLanguage] : []);
  const sourcesSeen = new Set([rep.sourceId]);
  for (const item of story.items) {
    if (item === rep) continue;
    const url = itemLink(item);
    if (!url) continue;
    const itemSource = sourceOf(item, ctx);
    const entryLink = {
      url,
      sourceId: item.sourceId,
      sourceName: itemSource.name,
      language: item.language,
      title: plainTitle(item.title),
    };
    if (item.language && !languagesSeen.has(item.language)) {
      languagesSeen.add(item.language);
      translations.push(entryLink);
    } else if (!sourcesSeen.has(item.sourceId)) {
      sourcesSeen.add(item.sourceId);
      alsoReportedBy.push(entryLink);
    }
  }

  const topics = topicsOf(story, ctx);
  const why = whyLine(topics);
  const body = rep.contentHtml ? sanitizedContent(rep.contentHtml, link) : '';
  const parts = [body || (summary ? `<p>${escapeHtml(summary)}</p>` : '')];
  if (why) parts.push(`<p>Why: ${escapeHtml(why)}</p>`);
  if (translations.length) {
    parts.push(
      `<p>Also in: ${linkList(translations, (l) => `${languageName(l.language ?? '')} (${l.sourceName})`, true)}</p>`,
    );
  }
  if (alsoReportedBy.length)
    parts.push(`<p>Also reported by: ${linkList(alsoReportedBy, (l) => l.sourceName, false)}</p>`);

  const author = rep.author ? cleanText(htmlToPlainText(rep.author)) : undefined;
  return {
    storyId: story.id,
    id: storyEntryId(ctx.baseUrl, story.id),
    title,
    link,
    summary,
    contentHtml: parts.filter((p) => p !== '').join('\n'),
    published: rep.publishedAt,
    updated: story.updatedAt > rep.publishedAt ? story.updatedAt : rep.publishedAt,
    language: repLanguage,
    author: author || undefined,
    source,
    topics,
    countries: [...story.countries],
    languages: [...story.languages],
    translations,
    alsoReportedBy,
    why,
  };
}

/**
 * Entries for many stories, each built once per language (the export renders one story into many slices and
 * formats). A language feed passes its language and shows no story that has no version in it.
 */
export function buildEntries(
  stories: readonly StoryView[],
  ctx: EntryContext,
  memo?: Map<string, PublishedEntry>,
  language?: string,
): PublishedEntry[] {
  const shown =
    language === undefined ? stories : stories.filter((s) => s.items.some((i) => i.language === language));
  return shown.map((story) => {
    const key = language === undefined ? story.id : `${story.id}\u0000${language}`;
    let entry = memo?.get(key);
    if (!entry) {
      entry = buildEntry(story, ctx, language);
      memo?.set(key, entry);
    }
    return entry;
  });
}
