// publishFeeds against a real SQLite store and a real folder: which files, atomic writes, unchanged files keep
// their mtime, stale slices are emptied, every file is valid, and a real local HTTP server plays the WebSub hub.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { createPublishMarker } from '../../src/jobs/context.ts';
import { publishFeeds } from '../../src/jobs/publish.ts';
import type { Store } from '../../src/store/index.ts';
import { sqliteKind } from '../helpers/stores.ts';
import { feedparser, hasAtomRng, hasXmllint, jsonFeedProblems, xmllintAtom } from './checkers.ts';
import { BASE_URL, NOW, seedStore, stories, testConfig } from './fixtures.ts';
import { needs } from '../helpers/tools.ts';

const atomChecks =
  needs(
    'xmllint',
    hasXmllint,
    'RELAX NG validation of the exported Atom files',
    'apt-get install libxml2-utils',
  ) &&
  needs(
    'the Atom RELAX NG schema',
    hasAtomRng,
    'RELAX NG validation of the exported Atom files',
    '../shared/corpus',
  );

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

const kind = sqliteKind();
let store: Store;
let dir: string;
let hub: Server;
let hubUrl: string;
const pings: { contentType: string | undefined; body: URLSearchParams }[] = [];

beforeAll(async () => {
  store = await kind.open();
  await seedStore(store);
  dir = mkdtempSync(join(tmpdir(), 'tipwire-feeds-'));
  hub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pings.push({
        contentType: req.headers['content-type'],
        body: new URLSearchParams(Buffer.concat(chunks).toString()),
      });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/hub`;
});
afterAll(async () => {
  await new Promise((resolve) => hub.close(resolve));
  await store.close();
  await kind.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('publishFeeds', () => {
  it('writes every slice with stories in three formats, plus sources.opml, and pings the hub for each feed', async () => {
    // A file from an earlier export whose slice has no stories now.
    mkdirSync(join(dir, 'country'), { recursive: true });
    writeFileSync(join(dir, 'country', 'zz.rss'), 'stale');
    const config = testConfig({ feedsDir: dir, hub: hubUrl });
    const published = createPublishMarker();
    const report = await publishFeeds(store, config, { now: NOW, log: silentLogger, published });
    const slices = [
      'all',
      'topic/trafficking',
      'topic/migration',
      'country/kg',
      'country/kz',
      'country/tm',
      'country/uz',
      'country/zz',
    ];
    const langs = ['lang/en', 'lang/kk', 'lang/ru', 'lang/uz'];
    const expected = [...slices, ...langs]
      .flatMap((s) => ['rss', 'atom', 'json'].map((f) => `${s}.${f}`))
      .concat('sources.opml');
    expect(listFiles(dir)).toEqual(expected.sort());
    expect(report).toMatchObject({
      files: expected.length,
      written: expected.length,
      unchanged: 0,
      pinged: expected.length - 1,
    });
    expect(published.generation).toBe(1);
    expect(
      pings.every(
        (p) => p.contentType === 'application/x-www-form-urlencoded' && p.body.get('hub.mode') === 'publish',
      ),
    ).toBe(true);
    expect(pings.map((p) => p.body.get('hub.url'))).toContain(`${BASE_URL}/feeds/topic/trafficking.atom`);
    expect(readFileSync(join(dir, 'all.atom'), 'utf8')).toContain(`<link rel="hub" href="${hubUrl}"/>`);
  });

  it('leaves no temp files behind', () => {
    expect(listFiles(dir).filter((f) => f.includes('.tmp') || f.split('/').pop()?.startsWith('.'))).toEqual(
      [],
    );
  });

  it('empties a stale slice instead of leaving old stories in it', () => {
    const stale = feedparser(readFileSync(join(dir, 'country', 'zz.rss')));
    expect(stale.bozo).toBe(0);
    expect(stale.entries).toEqual([]);
  });

  it('dates an emptied slice by the store’s creation, not 1970 (so the next export leaves its bytes alone)', async () => {
    const created = await store.createdAt();
    expect(readFileSync(join(dir, 'country', 'zz.atom'), 'utf8')).toContain(`<updated>${created}</updated>`);
    expect(readFileSync(join(dir, 'country', 'zz.rss'), 'utf8')).not.toContain('1970');
  });

  it('slices hold only their stories', () => {
    const kg = JSON.parse(readFileSync(join(dir, 'country', 'kg.json'), 'utf8')) as {
      items: { id: string }[];
    };
    expect(kg.items.map((i) => i.id.split('/').pop())).toEqual(['st-hostile']);
    const all = JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8')) as { items: unknown[] };
    expect(all.items).toHaveLength(stories.length);
  });

  it('every exported file is valid for its consumers', () => {
    for (const file of listFiles(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      if (file.endsWith('.json')) expect(jsonFeedProblems(text), file).toEqual([]);
      if (file.endsWith('.rss') || file.endsWith('.atom')) {
        const parsed = feedparser(text);
        expect(parsed.bozo, `${file}: ${parsed.bozo_exception}`).toBe(0);
        for (const entry of parsed.entries)
          expect(
            [entry.title, entry.link, entry.id, entry.published ?? entry.updated].every(Boolean),
            file,
          ).toBe(true);
      }
      if (file.endsWith('.atom') && atomChecks) expect(xmllintAtom(text), file).toBe('');
    }
  });

  it('does not rewrite unchanged files (mtimes stay) and does not ping the hub', async () => {
    const past = new Date('2020-01-01T00:00:00Z');
    for (const file of listFiles(dir)) utimesSync(join(dir, file), past, past);
    pings.length = 0;
    const report = await publishFeeds(store, testConfig({ feedsDir: dir, hub: hubUrl }), {
      now: NOW,
      log: silentLogger,
    });
    expect(report).toMatchObject({ written: 0, pinged: 0 });
    expect(report.unchanged).toBe(report.files);
    for (const file of listFiles(dir))
      expect(statSync(join(dir, file)).mtime.toISOString(), file).toBe(past.toISOString());
    expect(pings).toEqual([]);
  });

  it('rewrites only the files a changed story appears in', async () => {
    const past = new Date('2020-01-01T00:00:00Z');
    const story = stories.find((s) => s.id === 'st-badlinks');
    if (!story) throw new Error('fixture story missing');
    await store.saveStories([{ ...story, updatedAt: '2026-03-06T00:00:00.000Z' }], []);
    pings.length = 0;
    const report = await publishFeeds(store, testConfig({ feedsDir: dir, hub: hubUrl }), {
      now: NOW,
      log: silentLogger,
    });
    const changed = listFiles(dir).filter(
      (file) => statSync(join(dir, file)).mtime.getTime() !== past.getTime(),
    );
    const expected = ['all', 'topic/migration', 'country/uz', 'lang/uz']
      .flatMap((s) => ['atom', 'json', 'rss'].map((f) => `${s}.${f}`))
      .sort();
    expect(changed).toEqual(expected);
    expect(report.written).toBe(expected.length);
    expect(pings.map((p) => p.body.get('hub.url')).sort()).toEqual(
      expected.map((f) => `${BASE_URL}/feeds/${f}`).sort(),
    );
  });

  it('a failing hub is logged, not thrown', async () => {
    const story = stories.find((s) => s.id === 'st-linkonly');
    if (!story) throw new Error('fixture story missing');
    await store.saveStories([{ ...story, updatedAt: '2026-03-07T00:00:00.000Z' }], []);
    const report = await publishFeeds(store, testConfig({ feedsDir: dir, hub: 'http://127.0.0.1:1/hub' }), {
      now: NOW,
      log: silentLogger,
    });
    expect(report.written).toBeGreaterThan(0);
    expect(report.pinged).toBe(0);
  });
});
