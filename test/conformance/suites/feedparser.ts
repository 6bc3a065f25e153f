// feedparser (Python) test suite through corpus/feedparser/expectations.jsonl. Each assertion on a feedparser
// field we keep is checked against our ParsedFeed; assertions on fields we do not keep, and rows that could not be
// converted to JSON, are skipped. `bozo` is checked as one more assertion: bozo ⇔ lenient or refused as invalid.
// Values are compared under our contract (KNOWN.md): titles/summaries as plain text, content as sanitised HTML,
// languages as ISO 639-1, dates as UTC instants.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { htmlToPlainText, sanitizeHtml } from '../../../src/core/html.ts';
import type { FeedEntry, ParsedFeed } from '../../../src/parse/index.ts';
import type { SuiteResult, SuiteRunner } from '../suite.ts';
import { check, parseFile, short, tally, type Outcome, type Tally } from '../lib.ts';
import { normaliseLanguage } from '../../../src/parse/normalise.ts';

interface Row {
  file: string;
  convertible: boolean;
  bozo?: boolean | null;
  http_headers?: Record<string, string> | null;
  asserts?: { path: (string | number)[]; op: string; value: unknown }[];
}

const FOLDERS = [
  'wellformed/rss',
  'wellformed/atom10',
  'wellformed/atom',
  'wellformed/rdf',
  'wellformed/lang',
  'wellformed/base',
  'wellformed/amp',
  'wellformed/sanitize',
  'encoding',
  'illformed',
  'entities',
  'json',
];

function suiteOf(file: string): string {
  const rel = file.replace(/^tests\//, '');
  const folder = FOLDERS.find((f) => rel.startsWith(`${f}/`));
  if (folder !== undefined) return `feedparser/${folder}`;
  return rel.startsWith('wellformed/')
    ? 'feedparser/wellformed/other'
    : `feedparser/${rel.split('/')[0] ?? 'other'}`;
}

const VERSION: Record<string, string> = {
  rss20: 'rss2',
  rss: 'rss2',
  rss091u: 'rss09',
  rss091n: 'rss09',
  rss092: 'rss09',
  rss093: 'rss09',
  rss094: 'rss09',
  rss090: 'rss09',
  rss10: 'rss1',
  atom10: 'atom1',
  atom03: 'atom03',
  atom02: 'atom03',
  atom01: 'atom03',
  json1: 'json1',
  json11: 'json11',
};

function plain(v: unknown): unknown {
  return typeof v === 'string' ? htmlToPlainText(v) : v;
}

function htmlCanon(html: string, base: string | undefined): string {
  return sanitizeHtml(html, base).replace(/\s+/g, ' ').replace(/> </g, '><').trim();
}

function tupleToIso(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.length < 6) return undefined;
  const [y, mo, d, h, mi, s] = v as number[];
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0)).toISOString();
}

type Getter = { actual: unknown; expected: unknown } | undefined;

// Names that denote the same decoding. WHATWG maps iso-8859-1 and us-ascii to windows-1252, and its "gbk" decoder
// IS the gb18030 decoder (Encoding Standard §10.1), which is why feedparser's gb2312 → gb18030 upgrade meets our gbk.
const SAME_DECODER: Record<string, string[]> = {
  usascii: ['windows1252', 'ascii', 'iso88591', 'latin1'],
  iso88591: ['windows1252', 'latin1'],
  utf16: ['utf16le', 'utf16be'],
  utf32: ['utf32le', 'utf32be'],
  gb2312: ['gbk', 'gb18030'],
  gb18030: ['gbk'],
  tis620: ['windows874'], // WHATWG: tis-620 is a label of windows-874
};
// Encodings whose bytes 0x00–0x7F are ASCII: on a document of ASCII bytes they all yield the same text, so which of
// them is named is only a name (feedparser says us-ascii for text/xml without charset per RFC 3023; we say utf-8,
// the XML default that RFC 7303 restored). Never used when the document has a byte ≥ 0x80.
const ASCII_COMPATIBLE = new Set([
  'usascii',
  'ascii',
  'utf8',
  'windows1252',
  'iso88591',
  'latin1',
  'gbk',
  'gb2312',
  'gb18030',
]);

function encodingMatches(actual: string, expected: string, asciiBytes: boolean): boolean {
  const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const a = norm(actual);
  const e = norm(expected);
  if (a === e || (SAME_DECODER[e] ?? []).includes(a)) return true;
  return asciiBytes && ASCII_COMPATIBLE.has(a) && ASCII_COMPATIBLE.has(e);
}

/** Map one feedparser assertion onto our output; undefined = not a field we keep (skipped). */
function map(
  path: (string | number)[],
  value: unknown,
  feed: ParsedFeed,
  encoding: string,
  url: string,
  asciiBytes = false,
): Getter {
  const [head, ...rest] = path;
  if (head === 'encoding' && rest.length === 0) {
    return { actual: encodingMatches(encoding, String(value), asciiBytes), expected: true };
  }
  if (head === 'version' && rest.length === 0) {
    const want = VERSION[String(value)];
    return want === undefined ? undefined : { actual: feed.format, expected: want };
  }
  if (head === 'feed') return mapFeed(rest, value, feed);
  if (head === 'entries' && typeof rest[0] === 'number') {
    const entry = feed.entries[rest[0]];
    return mapEntry(rest.slice(1), value, entry, feed, url);
  }
  return undefined;
}

function key(path: (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? 'N' : p)).join('.');
}

function mapFeed(path: (string | number)[], value: unknown, feed: ParsedFeed): Getter {
  switch (key(path)) {
    case 'title':
    case 'title_detail.value':
      return { actual: feed.title ?? '', expected: plain(value) };
    case 'link':
      return { actual: feed.link, expected: value };
    case 'subtitle':
    case 'tagline':
    case 'description':
    case 'subtitle_detail.value':
    case 'tagline_detail.value':
      return { actual: feed.description ?? '', expected: plain(value) };
    case 'language':
      return { actual: feed.language, expected: normaliseLanguage(String(value)) };
    case 'updated_parsed':
    case 'modified_parsed':
      return { actual: feed.updatedAt, expected: tupleToIso(value) };
    default:
      return undefined;
  }
}

function mapEntry(
  path: (string | number)[],
  value: unknown,
  entry: FeedEntry | undefined,
  feed: ParsedFeed,
  url: string,
): Getter {
  const e = entry;
  const k = key(path);
  switch (k) {
    case 'title':
    case 'title_detail.value':
      return { actual: e?.title, expected: plain(value) };
    case 'link':
      return { actual: e?.link, expected: value };
    case 'id':
    case 'guid':
      return { actual: e?.guid, expected: value };
    case 'summary':
    case 'description':
    case 'summary_detail.value':
      return { actual: e?.summary, expected: plain(value) };
    case 'content.N.value': {
      const expected = typeof value === 'string' ? htmlCanon(value, e?.link ?? url) : value;
      return {
        actual: e?.contentHtml === undefined ? undefined : htmlCanon(e.contentHtml, undefined),
        expected,
      };
    }
    case 'author':
    case 'author_detail.name':
      // feedparser's `author` is "Name (email)"; ours is the name alone (KNOWN.md).
      return {
        actual: e?.author,
        expected: typeof value === 'string' ? value.replace(/\s*\(\S+@\S+\)$/, '').trim() : value,
      };
    case 'tags.N.term':
    case 'category': {
      const idx = typeof path[1] === 'number' ? path[1] : 0;
      return {
        actual: e?.categories[idx],
        expected: typeof value === 'string' ? htmlToPlainText(value) : value,
      };
    }
    case 'published_parsed':
    case 'issued_parsed':
    case 'created_parsed':
      return { actual: e?.dateGuessed === false ? e.publishedAt : undefined, expected: tupleToIso(value) };
    case 'updated_parsed':
    case 'modified_parsed':
    case 'date_parsed':
      return {
        actual: e?.updatedAt ?? (e?.dateGuessed === false ? e.publishedAt : undefined),
        expected: tupleToIso(value),
      };
    case 'language':
      return { actual: e?.language ?? feed.language, expected: normaliseLanguage(String(value)) };
    case 'enclosures.N.href':
    case 'enclosures.N.url': {
      const idx = typeof path[1] === 'number' ? path[1] : 0;
      return { actual: e?.enclosures?.[idx]?.url, expected: value };
    }
    case 'enclosures.N.type': {
      const idx = typeof path[1] === 'number' ? path[1] : 0;
      return { actual: e?.enclosures?.[idx]?.type, expected: value };
    }
    case 'enclosures.N.length': {
      const idx = typeof path[1] === 'number' ? path[1] : 0;
      return { actual: String(e?.enclosures?.[idx]?.length ?? ''), expected: String(value) };
    }
    default:
      return undefined;
  }
}

export const run: SuiteRunner = async (corpusDir) => {
  const root = join(corpusDir, 'feedparser');
  const rows = readFileSync(join(root, 'expectations.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);
  const tallies = new Map<string, Tally>();
  for (const row of rows) {
    const name = suiteOf(row.file);
    const t = tallies.get(name) ?? tally();
    tallies.set(name, t);
    if (!row.convertible) {
      t.skipped += 1;
      continue;
    }
    const headers = Object.fromEntries(
      Object.entries(row.http_headers ?? {}).map(([h, v]) => [h.toLowerCase(), v]),
    );
    const docUrl = `http://127.0.0.1:8097/${row.file}`;
    let url = docUrl;
    if (headers['content-location'] !== undefined) {
      try {
        url = new URL(headers['content-location'], docUrl).href;
      } catch {
        // keep the document URL
      }
    }
    const outcome: Outcome = await parseFile(join(root, row.file), url, headers['content-type']);
    if (typeof row.bozo === 'boolean') {
      // Not well-formed = parsed leniently, refused as invalid, or bytes that broke XML's encoding rules (an
      // unknown declared charset, non-UTF-8 bytes with no declaration): fetch's decodeBody reports those.
      const bozo = outcome.ok
        ? outcome.feed.lenient || outcome.decodeWarning !== undefined
        : outcome.tipwire && outcome.code === 'PARSE_INVALID';
      check(t, bozo === row.bozo && (outcome.ok || outcome.tipwire), `${row.file} bozo`, () =>
        outcome.ok
          ? `lenient=${outcome.feed.lenient}, decode warning=${outcome.decodeWarning ?? 'none'}, expected bozo=${row.bozo}`
          : `${outcome.code}: ${outcome.message}`,
      );
    }
    for (const a of row.asserts ?? []) {
      if (!outcome.ok) {
        const mappable = map(a.path, a.value, emptyFeed, '', url) !== undefined;
        if (!mappable) t.skipped += 1;
        else check(t, false, `${row.file} ${a.path.join('.')}`, () => `${outcome.code}: ${outcome.message}`);
        continue;
      }
      const m = map(a.path, a.value, outcome.feed, outcome.encoding, url, outcome.ascii);
      if (m === undefined) {
        t.skipped += 1;
        continue;
      }
      const equal = JSON.stringify(m.actual) === JSON.stringify(m.expected);
      check(
        t,
        a.op === '!=' ? !equal : equal,
        `${row.file} ${a.path.join('.')}`,
        () => `got ${short(m.actual)}, expected ${short(m.expected)}`,
      );
    }
  }
  return [...tallies.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, t]): SuiteResult => ({ name, ...t }));
};

const emptyFeed: ParsedFeed = { format: 'rss2', entries: [], lenient: false, warnings: [] };
