// rss-parser's own test inputs (corpus/rss-parser): whatever its expected output has of the fields we keep —
// feed title and link, item titles, links and dates (isoDate) — we must keep too. Titles compare as plain text
// (ours are plain text by contract), links as absolute URLs, dates as instants.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { htmlToPlainText } from '../../../src/core/html.ts';
import { check, parseFile, short, tally } from '../lib.ts';
import type { SuiteResult, SuiteRunner } from '../suite.ts';

interface RpItem {
  title?: unknown;
  link?: unknown;
  isoDate?: unknown;
}
interface RpFeed {
  title?: unknown;
  link?: unknown;
  items?: RpItem[];
}

function abs(link: string, base: string): string | undefined {
  try {
    return new URL(link.trim(), base).href;
  } catch {
    return undefined;
  }
}

/** rss-parser's expected output has U+FFFD where its own decoding failed (encoding.rss is ISO-8859-1); there our
 * correctly decoded text must match with each U+FFFD standing for one non-ASCII character. */
function sameText(ours: string | undefined, want: string): boolean {
  if (ours === want) return true;
  if (ours === undefined || !want.includes('\ufffd') || ours.includes('\ufffd')) return false;
  const pattern = want
    .split('\ufffd')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('(?:[^\\x00-\\x7f]| )');
  return new RegExp(`^${pattern}$`).test(ours);
}

export const run: SuiteRunner = async (corpusDir) => {
  const root = join(corpusDir, 'rss-parser');
  const t = tally();
  for (const input of readdirSync(join(root, 'input')).sort()) {
    const expectedPath = join(root, 'output', input.replace(/\.[^.]+$/, '.json'));
    if (!existsSync(expectedPath)) {
      t.skipped += 1;
      continue;
    }
    const expected = (JSON.parse(readFileSync(expectedPath, 'utf8')) as { feed: RpFeed }).feed;
    const url = `https://rss-parser.test/${input}`;
    const outcome = await parseFile(join(root, 'input', input), url);
    if (!outcome.ok) {
      check(t, false, input, () => `${outcome.code}: ${outcome.message}`);
      continue;
    }
    const feed = outcome.feed;
    if (typeof expected.title === 'string' && expected.title.trim() !== '') {
      const want = htmlToPlainText(expected.title);
      check(
        t,
        sameText(feed.title, want),
        `${input} feed title`,
        () => `got ${short(feed.title)}, expected ${short(want)}`,
      );
    }
    if (typeof expected.link === 'string' && expected.link.trim() !== '') {
      const want = abs(expected.link, url);
      check(
        t,
        feed.link === want,
        `${input} feed link`,
        () => `got ${short(feed.link)}, expected ${short(want)}`,
      );
    }
    const items = expected.items ?? [];
    check(
      t,
      feed.entries.length === items.length,
      `${input} item count`,
      () => `got ${feed.entries.length}, expected ${items.length}`,
    );
    items.forEach((item, i) => {
      const ours = feed.entries[i];
      if (typeof item.title === 'string' && item.title.trim() !== '') {
        const want = htmlToPlainText(item.title);
        check(
          t,
          sameText(ours?.title, want),
          `${input} items[${i}].title`,
          () => `got ${short(ours?.title)}, expected ${short(want)}`,
        );
      }
      if (typeof item.link === 'string' && item.link.trim() !== '') {
        // Relative item links resolve against the channel link first, then the feed URL (normalise.ts).
        const want = abs(item.link, feed.link ?? url);
        check(
          t,
          ours?.link === want,
          `${input} items[${i}].link`,
          () => `got ${short(ours?.link)}, expected ${short(want)}`,
        );
      }
      if (typeof item.isoDate === 'string') {
        const want = new Date(item.isoDate).toISOString();
        const got = ours?.dateGuessed === false ? ours.publishedAt : undefined;
        check(t, got === want, `${input} items[${i}].isoDate`, () => `got ${short(got)}, expected ${want}`);
      }
    });
  }
  const results: SuiteResult[] = [{ name: 'rss-parser/regression', ...t }];
  return results;
};
