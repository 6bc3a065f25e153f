// miniflux and node-feedparser: charset decoding (fetch's decodeBody) and URL resolution, as exact assertions.
// Decoding truth for each file is the charset its authors built it in (named below); the reference title is that
// file decoded with iconv-lite in the true charset, so a mojibake title can never pass.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { htmlToPlainText } from '../../../src/core/html.ts';
import { decodeBody } from '../../../src/fetch/index.ts';
import { parseFeed } from '../../../src/parse/index.ts';
import { FETCHED_AT, check, short, tally } from '../lib.ts';
import type { SuiteResult, SuiteRunner } from '../suite.ts';

interface EncodingCase {
  file: string;
  /** The charset the bytes really are in. */
  truth: string;
  gzip?: boolean;
  /** Not a feed: only the decoded text is checked for these strings. */
  contains?: string[];
}

const ENCODING: EncodingCase[] = [
  { file: 'miniflux/encoding/testdata/iso-8859-1.xml', truth: 'iso-8859-1' },
  { file: 'miniflux/encoding/testdata/koi8r.xml', truth: 'koi8-r' },
  { file: 'miniflux/encoding/testdata/utf8.xml', truth: 'utf-8' },
  { file: 'miniflux/encoding/testdata/utf8-incorrect-prolog.xml', truth: 'utf-8' },
  { file: 'miniflux/encoding/testdata/invalid-prolog.xml', truth: 'utf-8' },
  { file: 'miniflux/encoding/testdata/windows-1252.xml', truth: 'windows-1252' },
  { file: 'miniflux/encoding/testdata/windows-1252-incorrect-prolog.xml', truth: 'utf-8' },
  { file: 'miniflux/xml/testdata/koi8r.xml', truth: 'koi8-r' },
  { file: 'miniflux/xml/testdata/iso88591.xml', truth: 'iso-8859-1', contains: ['Anaïs', 'Jürgen'] },
  {
    file: 'miniflux/xml/testdata/iso88591_utf8_mismatch.xml',
    truth: 'iso-8859-1',
    contains: ['Anaïs', 'Jürgen'],
  },
  { file: 'miniflux/parser/testdata/encoding_ISO-8859-1.xml', truth: 'iso-8859-1' },
  { file: 'miniflux/parser/testdata/encoding_WINDOWS-1251.xml', truth: 'windows-1251' },
  { file: 'miniflux/parser/testdata/no_encoding_ISO-8859-1.xml', truth: 'iso-8859-1' },
  { file: 'miniflux/parser/testdata/rdf_UTF8.xml', truth: 'utf-8' },
  { file: 'miniflux/parser/testdata/urdu_UTF8.xml', truth: 'utf-8' },
  { file: 'node-feedparser/feeds/iconv.xml', truth: 'windows-1251' },
  { file: 'node-feedparser/feeds/compressed.xml', truth: 'windows-1251', gzip: true },
];

/** First <title> of the document and of its first item/entry, as text, from a correct decoding. */
function referenceTitles(text: string): { feed?: string; entry?: string } {
  const clean = text.replace(/<!--[^]*?-->/g, '');
  const title = (s: string): string | undefined => {
    const m = /<title[^>]*>([^]*?)<\/title>/.exec(s);
    if (m === null) return undefined;
    const raw = (m[1] ?? '').replace(/<!\[CDATA\[([^]*?)\]\]>/g, (_w, c: string) =>
      c.replace(/&/g, '&amp;').replace(/</g, '&lt;'),
    );
    return htmlToPlainText(raw);
  };
  const itemAt = clean.search(/<(item|entry)[\s>]/);
  const head = itemAt < 0 ? clean : clean.slice(0, itemAt);
  const out: { feed?: string; entry?: string } = {};
  const f = title(head);
  if (f !== undefined) out.feed = f;
  const e = itemAt < 0 ? undefined : title(clean.slice(itemAt));
  if (e !== undefined) out.entry = e;
  return out;
}

interface UrlCase {
  file: string;
  url: string;
  expect: { entry: number; link?: string; contentHas?: string }[];
}

const URLS: UrlCase[] = [
  {
    file: 'node-feedparser/feeds/rss-with-relative-urls.xml',
    url: 'http://www.arcgames.com/en/games/neverwinter/news/rss',
    expect: [
      {
        entry: 0,
        link: 'http://www.arcgames.com/en/games/neverwinter/news/detail/10743874-neverwinter-%26-jingle-jam-humble-bundle%21',
      },
    ],
  },
  {
    file: 'node-feedparser/feeds/rss-with-item-scoped-html-base.xml',
    url: 'https://feeds.example.net/scoped.xml',
    expect: [
      {
        entry: 0,
        link: 'https://example.com/first/first',
        contentHas: 'href="https://example.com/first/post"',
      },
      { entry: 1, link: 'https://example.com/second', contentHas: 'href="https://example.com/post"' },
    ],
  },
  {
    file: 'node-feedparser/feeds/tpm-with-empty-base.atom',
    url: 'http://talkingpointsmemo.com/account/feed/all',
    expect: [
      {
        entry: 0,
        link: 'http://talkingpointsmemo.com/livewire/hannity-announces-fox-hired-sebastian-gorka-national-security-strategist',
      },
    ],
  },
];

export const run: SuiteRunner = async (corpusDir) => {
  const enc = tally();
  for (const c of ENCODING) {
    let bytes: Uint8Array = new Uint8Array(readFileSync(join(corpusDir, c.file)));
    if (c.gzip === true) bytes = new Uint8Array(gunzipSync(bytes));
    const decoded = decodeBody(bytes);
    // iconv-lite, not TextDecoder: Node's TextDecoder maps windows-1252 to Latin-1 on small-ICU builds.
    const truthText = iconv.decode(Buffer.from(bytes), c.truth).replace(/^\ufeff/, '');
    check(
      enc,
      !decoded.text.includes('\ufffd') || truthText.includes('\ufffd'),
      `${c.file} no U+FFFD`,
      () => `decoded as ${decoded.encoding} (${decoded.source}) with replacement characters`,
    );
    if (c.contains !== undefined) {
      for (const s of c.contains) {
        check(
          enc,
          decoded.text.includes(s),
          `${c.file} contains ${s}`,
          () => `decoded as ${decoded.encoding}`,
        );
      }
      continue;
    }
    const ref = referenceTitles(truthText);
    let feed;
    try {
      feed = await parseFeed(decoded.text, { url: `https://corpus.test/${c.file}`, fetchedAt: FETCHED_AT });
    } catch (err) {
      check(enc, false, c.file, () => String(err));
      continue;
    }
    if (ref.feed !== undefined) {
      check(
        enc,
        (feed.title ?? '') === ref.feed,
        `${c.file} feed title`,
        () => `got ${short(feed.title)}, expected ${short(ref.feed)} (decoded as ${decoded.encoding})`,
      );
    }
    if (ref.entry !== undefined) {
      check(
        enc,
        feed.entries[0]?.title === ref.entry,
        `${c.file} first entry title`,
        () =>
          `got ${short(feed.entries[0]?.title)}, expected ${short(ref.entry)} (decoded as ${decoded.encoding})`,
      );
    }
  }

  const urls = tally();
  for (const c of URLS) {
    const decoded = decodeBody(new Uint8Array(readFileSync(join(corpusDir, c.file))));
    const feed = await parseFeed(decoded.text, { url: c.url, fetchedAt: FETCHED_AT });
    for (const e of c.expect) {
      const entry = feed.entries[e.entry];
      if (e.link !== undefined) {
        check(
          urls,
          entry?.link === e.link,
          `${c.file} entries[${e.entry}].link`,
          () => `got ${short(entry?.link)}, expected ${e.link}`,
        );
      }
      if (e.contentHas !== undefined) {
        const has = e.contentHas;
        check(
          urls,
          (entry?.contentHtml ?? '').includes(has),
          `${c.file} entries[${e.entry}] content`,
          () => `${short(entry?.contentHtml)} lacks ${has}`,
        );
      }
    }
  }
  const results: SuiteResult[] = [
    { name: 'miniflux+node-feedparser/encoding', ...enc },
    { name: 'node-feedparser/urls', ...urls },
  ];
  return results;
};
