// Real consumers and validators of our feeds, shared by the publish and HTTP tests:
// - Debian's python3-feedparser (bozo must be 0; each entry needs title, link, id and a date);
// - xmllint against the RFC 4287 RELAX NG schema in the shared corpus (skipped when the corpus is absent);
// - ajv with the `jsonfeed-schema` package's JSON Feed 1.1 schema, plus our own schema for what 1.1 leaves open
//   (version must be 1.1, ids/urls/dates required, the `_tipwire` extension's shape).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

export const corpusDir = process.env.TIPWIRE_CORPUS ?? resolve(root, '../shared/corpus');
export const atomRng = join(corpusDir, 'schemas', 'atom-rfc4287.rng');
export const hasAtomRng = existsSync(atomRng);

// Debian's feedparser lives in the system Python; a pyenv or venv python3 earlier on PATH may not have it.
const python =
  process.env.TIPWIRE_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const FEEDPARSER_SCRIPT = `
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
out = {"bozo": int(bool(d.bozo)), "bozo_exception": str(d.get("bozo_exception", "")), "version": d.version,
       "feed": {"title": d.feed.get("title"), "links": [dict(l) for l in d.feed.get("links", [])], "language": d.feed.get("language")},
       "entries": []}
for e in d.entries:
    out["entries"].append({
        "title": e.get("title"), "title_type": e.get("title_detail", {}).get("type"), "link": e.get("link"), "id": e.get("id"),
        "published": e.get("published"), "updated": e.get("updated"),
        "summary": e.get("summary"), "content": [c.get("value") for c in e.get("content", [])],
        "tags": [t.get("term") for t in e.get("tags", [])], "author": e.get("author"),
        "language": (e.get("title_detail") or {}).get("language"),
        "source": dict(e.get("source", {})).get("title"),
        "links": [dict(l) for l in e.get("links", [])],
    })
json.dump(out, sys.stdout)
`;

export interface ParsedEntry {
  title?: string;
  title_type?: string;
  link?: string;
  id?: string;
  published?: string;
  updated?: string;
  summary?: string;
  content: string[];
  tags: string[];
  author?: string;
  language?: string;
  source?: string;
  links: { rel?: string; href?: string; hreflang?: string }[];
}

export interface FeedparserResult {
  bozo: number;
  bozo_exception: string;
  version: string;
  feed: { title?: string; links: { rel?: string; href?: string }[]; language?: string };
  entries: ParsedEntry[];
}

export function feedparser(text: string | Buffer): FeedparserResult {
  const result = spawnSync(python, ['-c', FEEDPARSER_SCRIPT], { input: text, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`feedparser failed: ${result.stderr.toString()}`);
  return JSON.parse(result.stdout.toString()) as FeedparserResult;
}

/** xmllint's verdict on an Atom document: "" when valid, else its messages. */
export function xmllintAtom(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tipwire-atom-'));
  try {
    const file = join(dir, 'feed.atom');
    writeFileSync(file, text);
    const result = spawnSync('xmllint', ['--noout', '--relaxng', atomRng, file], { encoding: 'utf8' });
    return result.status === 0 ? '' : `${result.stderr}${result.stdout}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Well-formedness alone (any XML), by xmllint. */
export function xmlWellFormed(text: string): string {
  const result = spawnSync('xmllint', ['--noout', '-'], { input: text, encoding: 'utf8' });
  return result.status === 0 ? '' : result.stderr;
}

const require = createRequire(import.meta.url);
const jsonFeedSchema = require('jsonfeed-schema/v1.1') as Record<string, unknown>;
const ourSchema = JSON.parse(
  readFileSync(resolve(root, 'test/fixtures/publish/jsonfeed-1.1-tipwire.schema.json'), 'utf8'),
) as Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const validateJsonFeed = ajv.compile(jsonFeedSchema);
const validateOurs = ajv.compile(ourSchema);

/** Problems found by the JSON Feed 1.1 schema and by ours; empty when valid. */
export function jsonFeedProblems(text: string): string[] {
  const doc: unknown = JSON.parse(text);
  const problems: string[] = [];
  if (!validateJsonFeed(doc))
    problems.push(
      ...(validateJsonFeed.errors ?? []).map((e) => `jsonfeed-schema: ${e.instancePath} ${e.message ?? ''}`),
    );
  if (!validateOurs(doc))
    problems.push(
      ...(validateOurs.errors ?? []).map((e) => `tipwire schema: ${e.instancePath} ${e.message ?? ''}`),
    );
  return problems;
}

export const hasXmllint = (() => {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
