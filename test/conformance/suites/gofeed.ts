// gofeed (Go): translator/ pairs compare its normalised feed model with ours for the fields we keep (title, link,
// description, language; item title, link, guid, dates, author name, categories, enclosure URLs); parser/ pairs
// (wire-level models) are checked for feed title, item count and item titles. Fields we do not keep are skipped.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { htmlToPlainText } from '../../../src/core/html.ts';
import { normaliseLanguage } from '../../../src/parse/normalise.ts';
import type { FeedEntry, ParsedFeed } from '../../../src/parse/index.ts';
import { check, parseFile, short, tally, type Tally } from '../lib.ts';
import type { SuiteResult, SuiteRunner } from '../suite.ts';

type Json = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function same(t: Tally, name: string, actual: unknown, expected: unknown): void {
  check(
    t,
    JSON.stringify(actual) === JSON.stringify(expected),
    name,
    () => `got ${short(actual)}, expected ${short(expected)}`,
  );
}

function iso(v: unknown): string | undefined {
  const s = str(v);
  return s === undefined ? undefined : new Date(s).toISOString();
}

function translator(t: Tally, file: string, exp: Json, feed: ParsedFeed): void {
  const skip = (): void => {
    t.skipped += 1;
  };
  const title = str(exp['title']);
  if (title !== undefined) same(t, `${file} title`, feed.title, htmlToPlainText(title));
  const link = str(exp['link']);
  if (link !== undefined)
    same(t, `${file} link`, feed.link, new URL(link, feed.link ?? 'http://x.test/').href);
  const description = str(exp['description']);
  if (description !== undefined)
    same(t, `${file} description`, feed.description, htmlToPlainText(description));
  const language = str(exp['language']);
  if (language !== undefined) same(t, `${file} language`, feed.language, normaliseLanguage(language));
  for (const k of [
    'author',
    'authors',
    'copyright',
    'generator',
    'image',
    'categories',
    'links',
    'published',
    'updated',
  ]) {
    if (exp[k] !== undefined) skip();
  }
  const items = Array.isArray(exp['items']) ? (exp['items'] as Json[]) : [];
  items.forEach((it, i) => {
    const e: FeedEntry | undefined = feed.entries[i];
    const n = `${file} items[${i}]`;
    const itTitle = str(it['title']);
    if (itTitle !== undefined) same(t, `${n}.title`, e?.title, htmlToPlainText(itTitle));
    const itLink = str(it['link']);
    if (itLink !== undefined)
      same(t, `${n}.link`, e?.link, new URL(itLink, feed.link ?? 'http://x.test/').href);
    const guid = str(it['guid']);
    if (guid !== undefined) same(t, `${n}.guid`, e?.guid, guid);
    const published = iso(it['publishedParsed']);
    if (published !== undefined)
      same(t, `${n}.published`, e?.dateGuessed === false ? e.publishedAt : undefined, published);
    const updated = iso(it['updatedParsed']);
    if (updated !== undefined) same(t, `${n}.updated`, e?.updatedAt ?? e?.publishedAt, updated);
    const author = (it['author'] as Json | undefined)?.['name'];
    if (str(author) !== undefined) same(t, `${n}.author`, e?.author, str(author));
    const cats = it['categories'];
    if (Array.isArray(cats))
      same(
        t,
        `${n}.categories`,
        e?.categories,
        cats.map((c) => htmlToPlainText(String(c))),
      );
    const encs = it['enclosures'];
    if (Array.isArray(encs)) {
      same(
        t,
        `${n}.enclosures`,
        (e?.enclosures ?? []).map((x) => x.url),
        (encs as Json[]).map((x) => x['url']),
      );
    }
    for (const k of ['description', 'content', 'image', 'links', 'authors']) if (it[k] !== undefined) skip();
  });
}

function parserPair(t: Tally, file: string, exp: Json, feed: ParsedFeed): void {
  const title = str(exp['title']);
  if (title !== undefined) same(t, `${file} title`, feed.title, htmlToPlainText(title));
  const items = (
    Array.isArray(exp['items']) ? exp['items'] : Array.isArray(exp['entries']) ? exp['entries'] : undefined
  ) as Json[] | undefined;
  if (items === undefined) return;
  same(t, `${file} item count`, feed.entries.length, items.length);
  items.forEach((it, i) => {
    const itTitle = str(it['title']);
    if (itTitle !== undefined)
      same(t, `${file} items[${i}].title`, feed.entries[i]?.title, htmlToPlainText(itTitle));
  });
}

async function runDir(dir: string, kind: 'translator' | 'parser', t: Tally): Promise<void> {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.xml'))
    .sort()) {
    const expPath = join(dir, f.replace(/\.xml$/, '.json'));
    if (!existsSync(expPath)) continue;
    let exp: Json;
    try {
      exp = JSON.parse(readFileSync(expPath, 'utf8')) as Json;
    } catch {
      t.skipped += 1;
      continue;
    }
    const outcome = await parseFile(join(dir, f), `http://gofeed.test/${f}`);
    if (!outcome.ok) {
      check(t, false, f, () => `${outcome.code}: ${outcome.message}`);
      continue;
    }
    if (kind === 'translator') translator(t, f, exp, outcome.feed);
    else parserPair(t, f, exp, outcome.feed);
  }
}

export const run: SuiteRunner = async (corpusDir) => {
  const root = join(corpusDir, 'gofeed', 'testdata');
  const results: SuiteResult[] = [];
  for (const kind of ['translator', 'parser'] as const) {
    for (const fmt of ['rss', 'atom']) {
      const t = tally();
      await runDir(join(root, kind, fmt), kind, t);
      results.push({ name: `gofeed/${kind}/${fmt}`, ...t });
    }
  }
  return results;
};
