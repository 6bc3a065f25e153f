// RawFeed → ParsedFeed: the one place where wire values become tipwire values.
// Rules: URLs absolute (element xml:base → entry/feed xml:base → channel link → feed URL); titles plain text
// (HTML decoded), else the first words of the summary; summary plain text capped at a word boundary; content
// sanitised HTML; dates UTC (missing → fetchedAt with dateGuessed; more than a day ahead → fetchedAt + warning);
// languages ISO 639-1 lower case.

import { escapeHtml, htmlToPlainText, sanitizeHtml } from '../core/html.ts';
import { parseFeedDate } from './dates.ts';
import type { RawEntry, RawFeed, RawLink, RawText } from './raw.ts';
import type { FeedEntry, ParseContext, ParsedFeed } from './types.ts';

const SUMMARY_MAX = 1000;
// A headline longer than this is not a headline: feeds that put an article in <title> would otherwise fill feeds
// and digests with it (a 1 MB title once emptied a digest section). The cut is noted in the source's state.
const TITLE_MAX = 300;
const TITLE_FROM_SUMMARY_MAX = 100;
const FUTURE_TOLERANCE_MS = 24 * 3600 * 1000;

// ISO 639-2 codes seen in the wild for our languages; everything else keeps only a 2-letter primary subtag.
const THREE_LETTER: Record<string, string> = {
  eng: 'en',
  rus: 'ru',
  kaz: 'kk',
  kir: 'ky',
  uzb: 'uz',
  tgk: 'tg',
  tuk: 'tk',
  ukr: 'uk',
  aze: 'az',
  tur: 'tr',
  deu: 'de',
  ger: 'de',
  fra: 'fr',
  fre: 'fr',
  spa: 'es',
  ara: 'ar',
  fas: 'fa',
  per: 'fa',
  chi: 'zh',
  zho: 'zh',
};

export function normaliseLanguage(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const primary =
    raw
      .trim()
      .toLowerCase()
      .split(/[-_\s]/)[0] ?? '';
  if (/^[a-z]{2}$/.test(primary)) return primary;
  return THREE_LETTER[primary];
}

export function absoluteUrl(href: string | undefined, ...bases: (string | undefined)[]): string | undefined {
  if (href === undefined) return undefined;
  const h = href.trim();
  if (h === '') return undefined;
  // Resolve the chain from the outermost base inwards: each base may itself be relative to the next.
  let base: string | undefined;
  for (let i = bases.length - 1; i >= 0; i -= 1) {
    const b = bases[i]?.trim();
    if (b === undefined || b === '') continue;
    try {
      base = base === undefined ? new URL(b).href : new URL(b, base).href;
    } catch {
      // an unusable base does not stop the chain
    }
  }
  try {
    const url = base === undefined ? new URL(h) : new URL(h, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function plain(text: RawText | undefined): string {
  if (text === undefined) return '';
  // Control characters (other than whitespace) are never text; XML 1.0 forbids them anyway.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text.value)) {
    // eslint-disable-next-line no-control-regex
    return plain({ ...text, value: text.value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '') });
  }
  if (text.type === 'text') return text.value.replace(/[\s\u00a0]+/g, ' ').trim();
  return htmlToPlainText(text.value);
}

export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const slice = text.slice(0, max);
  const space = slice.lastIndexOf(' ');
  return `${(space > max * 0.6 ? slice.slice(0, space) : slice).replace(/[\s,.;:–—-]+$/, '')}…`;
}

function toHtml(text: RawText | undefined, ...bases: (string | undefined)[]): string | undefined {
  if (text === undefined || text.value.trim() === '') return undefined;
  const html =
    text.type === 'html'
      ? sanitizeHtml(
          text.value,
          absoluteUrl('.', text.base, ...bases) ?? absoluteUrl(text.base ?? '', ...bases),
        )
      : paragraphs(text.value);
  return html === '' ? undefined : html;
}

/** Plain text as HTML: escaped; blank lines become paragraphs when there is more than one. */
function paragraphs(text: string): string {
  const parts = text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => escapeHtml(p.trim()));
  return parts.length === 1 ? (parts[0] ?? '') : parts.map((p) => `<p>${p}</p>`).join('');
}

function author(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let a = htmlToPlainText(raw);
  // RSS <author> is "email (Name)"; keep the name.
  // RSS <author> is "email (Name)"; others write "Name (email)" or "Name <email>". Keep the name.
  const emailFirst = /^\S+@\S+\s*\((.+)\)$/.exec(a);
  const nameFirst = /^(.+?)\s*[(<]\s*\S+@[^\s)>]+\s*[)>]$/.exec(a);
  if (emailFirst?.[1] !== undefined) a = emailFirst[1].trim();
  else if (nameFirst?.[1] !== undefined) a = nameFirst[1].trim();
  return a === '' ? undefined : a;
}

function dateOrWarn(
  raw: string | undefined,
  what: string,
  ctx: ParseContext,
  warnings: string[],
): string | undefined {
  if (raw === undefined) return undefined;
  const iso = parseFeedDate(raw);
  if (iso === undefined) {
    warnings.push(`${what}: unreadable date "${raw.slice(0, 60)}"`);
    return undefined;
  }
  if (Date.parse(iso) - Date.parse(ctx.fetchedAt) > FUTURE_TOLERANCE_MS) {
    warnings.push(`${what}: date ${iso} is in the future; using the fetch time`);
    return ctx.fetchedAt;
  }
  return iso;
}

function entryOf(
  raw: RawEntry,
  index: number,
  feed: RawFeed,
  feedLink: string | undefined,
  ctx: ParseContext,
  warnings: string[],
): FeedEntry {
  const what = `entry ${index + 1}`;
  const linkBases = (l: RawLink | undefined): (string | undefined)[] => [
    l?.base,
    raw.base,
    feed.base,
    feedLink,
    ctx.url,
  ];
  const link = raw.link === undefined ? undefined : absoluteUrl(raw.link.href, ...linkBases(raw.link));
  const summaryText = plain(raw.summary) || plain(raw.content);
  const summary = cutAtWord(summaryText, SUMMARY_MAX);
  let title = plain(raw.title);
  if (title.length > TITLE_MAX) {
    warnings.push(`${what}: title of ${title.length} characters cut to ${TITLE_MAX}`);
    title = cutAtWord(title, TITLE_MAX);
  }
  if (title === '') title = cutAtWord(summaryText, TITLE_FROM_SUMMARY_MAX);
  const contentHtml =
    toHtml(raw.content, raw.base, feed.base, feedLink, ctx.url) ??
    (raw.summary?.type === 'html' ? toHtml(raw.summary, raw.base, feed.base, feedLink, ctx.url) : undefined);
  const published = dateOrWarn(raw.published, what, ctx, warnings);
  const updated = dateOrWarn(raw.updated, what, ctx, warnings);
  const categories = [...new Set(raw.categories.map((c) => htmlToPlainText(c)).filter((c) => c !== ''))];
  const seen = new Set<string>();
  const enclosures = raw.enclosures.flatMap((e) => {
    const url = absoluteUrl(e.url, raw.base, feed.base, feedLink, ctx.url);
    if (url === undefined || seen.has(url)) return [];
    seen.add(url);
    const length = e.length === undefined ? undefined : Number(e.length.trim());
    return [
      {
        url,
        ...(e.type !== undefined && e.type.trim() !== '' ? { type: e.type.trim() } : {}),
        ...(length !== undefined && Number.isFinite(length) && length > 0 ? { length } : {}),
      },
    ];
  });
  const entry: FeedEntry = {
    title,
    summary,
    categories,
    publishedAt: published ?? updated ?? ctx.fetchedAt,
    dateGuessed: published === undefined && updated === undefined,
  };
  const guid = raw.id?.trim();
  if (guid) entry.guid = guid;
  if (link !== undefined) entry.link = link;
  if (contentHtml !== undefined) entry.contentHtml = contentHtml;
  const a = author(raw.author);
  if (a !== undefined) entry.author = a;
  if (updated !== undefined) entry.updatedAt = updated;
  const lang = normaliseLanguage(raw.language);
  if (lang !== undefined) entry.language = lang;
  if (enclosures.length > 0) entry.enclosures = enclosures;
  return entry;
}

export function normaliseFeed(
  raw: RawFeed,
  ctx: ParseContext,
  lenient: boolean,
  warnings: string[],
): ParsedFeed {
  const feedLink =
    raw.link === undefined ? undefined : absoluteUrl(raw.link.href, raw.link.base, raw.base, ctx.url);
  const out: ParsedFeed = {
    format: raw.format,
    entries: raw.entries.map((e, i) => entryOf(e, i, raw, feedLink, ctx, warnings)),
    lenient,
    warnings,
  };
  const title = plain(raw.title);
  if (title !== '') out.title = title;
  if (feedLink !== undefined) out.link = feedLink;
  const description = plain(raw.description);
  if (description !== '') out.description = cutAtWord(description, SUMMARY_MAX);
  const lang = normaliseLanguage(raw.language);
  if (lang !== undefined) out.language = lang;
  const ttl = raw.ttl === undefined ? NaN : Number.parseInt(raw.ttl, 10);
  if (Number.isFinite(ttl) && ttl > 0) out.ttlMinutes = ttl;
  const updated = dateOrWarn(raw.updated, 'feed', ctx, warnings);
  if (updated !== undefined) out.updatedAt = updated;
  return out;
}
