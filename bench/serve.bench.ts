// bench/serve: how fast the feed server answers a storm of conditional GETs (304s) and full GETs (200s), against
// the same bytes from a minimal static file server (node:http + fs, ETag from size and mtime) in the same run; and
// how long rendering every feed takes for 10,000 stories (the goal: well under a second).
// Load generator: wrk when /usr/bin/wrk exists (a few seconds per scenario), else a Node keep-alive loop with a
// fixed number of requests. Env: BENCH_STORIES (stories in the served store, default 2000), BENCH_SECONDS (3).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassifiedItem, Item, Story, StoryView } from '../src/core/types.ts';
import { silentLogger } from '../src/core/log.ts';
import { createFeedPages } from '../src/http/feeds.ts';
import { createRoutes } from '../src/http/routes.ts';
import { testApp } from '../test/helpers/app.ts';
import { startServer } from '../src/http/server.ts';
import { feedMetaFor, publishFeeds } from '../src/jobs/publish.ts';
import {
  FEED_FORMATS,
  buildEntries,
  entryContext,
  exportSlices,
  renderEntries,
  type PublishedEntry,
} from '../src/publish/index.ts';
import { openStore } from '../src/store/index.ts';
import { testConfig } from '../test/publish/fixtures.ts';

const STORIES = Number(process.env.BENCH_STORIES ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const NODE_REQUESTS = 20_000;
const CONNECTIONS = 32;

const topics = ['trafficking', 'migration'];
const countries = ['tm', 'uz', 'kz', 'kg', 'tj'];
const languages = ['en', 'ru', 'uz', 'kk', 'ky', 'tg', 'tk'];
const sourceIds = ['unodc', 'unodc-ru', 'turkmenportal', '24kg', 'kun-uz', 'tengri'];

function makeItem(i: number, copy = 0): Item {
  const at = new Date(Date.UTC(2026, 2, 1) + i * 60_000 + copy * 1000).toISOString();
  const language = languages[(i + copy) % languages.length] ?? 'en';
  return {
    id: `item-${i}-${copy}`,
    sourceId: sourceIds[(i + copy) % sourceIds.length] ?? 'unodc',
    url: `https://news.example/${i}/${copy}?a=1&b=2`,
    title: `Story ${i}: trafficking & migration — Кыргызстан «${copy}» 🚨`,
    summary: `Summary of story ${i}, copy ${copy}, about labour migrants and trafficking in persons.`,
    contentHtml: `<p>Body of <b>story ${i}</b> with a <a href="https://news.example/${i}">link</a>.</p><p>Second paragraph.</p>`,
    author: 'Desk',
    categories: [],
    publishedAt: at,
    fetchedAt: at,
    language,
    country: countries[i % countries.length],
  };
}

function makeStory(i: number): { story: Story; items: Item[] } {
  const items = [makeItem(i, 0), makeItem(i, 1), makeItem(i, 2)];
  const first = items[0] as Item;
  return {
    items,
    story: {
      id: `story-${i}`,
      representativeItemId: first.id,
      topics: i % 3 === 0 ? ['trafficking', 'migration'] : [topics[i % 2] ?? 'migration'],
      countries: [countries[i % countries.length] ?? 'kg'],
      languages: [...new Set(items.map((it) => it.language ?? 'en'))],
      firstSeenAt: first.publishedAt,
      updatedAt: first.publishedAt,
    },
  };
}

function storyViews(n: number): StoryView[] {
  const views: StoryView[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const { story, items } = makeStory(i);
    const classified: ClassifiedItem[] = items.map((item) => ({
      ...item,
      classification: {
        language: item.language ?? 'en',
        topics: story.topics.map((topic) => ({
          topic,
          score: 2,
          evidence: [{ term: topic, field: 'title', match: topic, weight: 2 }],
        })),
        countries: story.countries,
      },
    }));
    views.push({ ...story, representative: classified[0] as ClassifiedItem, items: classified });
  }
  return views;
}

// --- load generation ---------------------------------------------------------------------------------------------

interface Load {
  rps: number;
  statuses: string;
}

// Asynchronous on purpose: the server under test runs in this process, and a blocking spawn would starve it.
const execFileAsync = promisify(execFile);

async function wrk(url: string, headers: Record<string, string>): Promise<Load> {
  const args = ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  const result = await execFileAsync('/usr/bin/wrk', [...args, url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(result.stdout)?.[1] ?? 0);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(result.stdout)?.[1];
  return { rps, statuses: non2xx ? `${non2xx} errors` : 'ok' };
}

async function nodeLoop(url: string, headers: Record<string, string>): Promise<Load> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const counts = new Map<number, number>();
  let sent = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(url, { agent, headers }, (res) => {
        counts.set(res.statusCode ?? 0, (counts.get(res.statusCode ?? 0) ?? 0) + 1);
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  const started = performance.now();
  const deadline = started + SECONDS * 1000 * 2;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (sent < NODE_REQUESTS && performance.now() < deadline) {
        sent += 1;
        await one();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { rps: sent / seconds, statuses: [...counts].map(([s, n]) => `${s}×${n}`).join(' ') };
}

const useWrk = existsSync('/usr/bin/wrk');
const load = (url: string, headers: Record<string, string> = {}): Promise<Load> =>
  useWrk ? wrk(url, headers) : nodeLoop(url, headers);

function staticServer(file: string, type: string): Promise<Server> {
  const server = createServer((req, res) => {
    const stat = statSync(file);
    const etag = `"${stat.size.toString(16)}-${stat.mtimeMs.toString(16)}"`;
    const headers = {
      ETag: etag,
      'Last-Modified': stat.mtime.toUTCString(),
      'Content-Type': type,
      'Cache-Control': 'public, max-age=300',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': stat.size });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function getOnce(url: string): Promise<{ etag: string; body: Buffer }> {
  const response = await fetch(url);
  return { etag: response.headers.get('etag') ?? '', body: Buffer.from(await response.arrayBuffer()) };
}

// --- run ---------------------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'tipwire-bench-'));
const config = testConfig({ feedsDir: join(dir, 'feeds') });
try {
  // 1. rendering every feed for 10,000 stories, in memory (what the export does after a poll)
  const views = storyViews(10_000);
  const ctxSources = config.sources;
  const renderAll = (): { files: number; bytes: number } => {
    const ctx = entryContext(config.app.server.baseUrl, ctxSources, config.topics.topics);
    const memo = new Map<string, PublishedEntry>();
    let files = 0;
    let bytes = 0;
    const tags = {
      topics: [...new Set(views.flatMap((s) => s.topics))],
      countries: [...new Set(views.flatMap((s) => s.countries))],
      languages: [...new Set(views.flatMap((s) => s.languages))],
    };
    // In memory, to time rendering alone (the export itself asks the store per slice: see part 2).
    const shares = (wanted: string[], have: string[]): boolean =>
      wanted.length === 0 || wanted.some((v) => have.includes(v));
    for (const slice of exportSlices(tags, topics)) {
      const inSlice = (s: StoryView): boolean =>
        shares(slice.topics, s.topics) &&
        shares(slice.countries, s.countries) &&
        shares(slice.languages, s.languages);
      const entries = buildEntries(views.filter(inSlice).slice(0, config.app.publish.maxItems), ctx, memo);
      for (const format of FEED_FORMATS) {
        bytes += renderEntries(entries, feedMetaFor(config, slice), format).length;
        files += 1;
      }
    }
    return { files, bytes };
  };
  // The first pass is what a fresh process pays (JIT, sanitising every story's HTML); later passes are what a
  // long-running service pays after each poll.
  let t0 = performance.now();
  renderAll();
  const firstRender = performance.now() - t0;
  const renders: number[] = [];
  let shape = { files: 0, bytes: 0 };
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    shape = renderAll();
    renders.push(performance.now() - t);
  }
  renders.sort((a, b) => a - b);

  // 2. a store with STORIES stories, through the Store API
  const store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
  const made = Array.from({ length: STORIES }, (_, i) => makeStory(i));
  await store.upsertItems(made.flatMap((m) => m.items));
  for (const m of made) {
    for (const item of m.items) {
      await store.saveClassification(
        item.id,
        {
          language: item.language ?? 'en',
          topics: m.story.topics.map((topic) => ({ topic, score: 2, evidence: [] })),
          countries: m.story.countries,
        },
        'bench',
      );
    }
  }
  await store.saveStories(
    made.map((m) => m.story),
    made.flatMap((m) => m.items.map((item) => ({ itemId: item.id, storyId: m.story.id }))),
  );
  t0 = performance.now();
  const cold = await publishFeeds(store, config, {
    now: new Date('2026-03-20T00:00:00Z'),
    log: silentLogger,
  });
  const exportCold = performance.now() - t0;
  t0 = performance.now();
  await publishFeeds(store, config, { now: new Date('2026-03-20T00:00:00Z'), log: silentLogger });
  const exportWarm = performance.now() - t0;

  // 3. the storm
  const routes = createFeedPages({ now: () => new Date('2026-03-20T00:00:00Z') });
  const app = await startServer(testApp({ config, store }), {
    host: '127.0.0.1',
    port: 0,
    routes: createRoutes({ feeds: routes }),
  });
  const feedPath = '/feeds/all.atom';
  const first = await getOnce(`${app.url}${feedPath}`);
  const file = join(dir, 'all.atom');
  writeFileSync(file, first.body);
  const stat = await staticServer(file, 'application/atom+xml; charset=utf-8');
  const statUrl = `http://127.0.0.1:${(stat.address() as AddressInfo).port}/all.atom`;
  const statEtag = (await getOnce(statUrl)).etag;

  const rendersBefore = routes.renders;
  const ours304 = await load(`${app.url}${feedPath}`, { 'If-None-Match': first.etag });
  const static304 = await load(statUrl, { 'If-None-Match': statEtag });
  const ours200 = await load(`${app.url}${feedPath}`);
  const static200 = await load(statUrl);
  const oursGzip = await load(`${app.url}${feedPath}`, { 'Accept-Encoding': 'gzip' });
  const rendersDuring = routes.renders - rendersBefore;

  const fmt = (n: number): string => n.toFixed(0).padStart(9);
  const line = (name: string, ours: Load, base?: Load): string =>
    `| ${name.padEnd(34)} | ${fmt(ours.rps)} | ${base ? fmt(base.rps) : '        -'} | ${base ? (ours.rps / base.rps).toFixed(2).padStart(5) : '    -'} | ${ours.statuses}`;
  const out = [
    `serve bench: ${STORIES} stories in SQLite, feed ${feedPath} = ${first.body.length} bytes, ${CONNECTIONS} connections, ` +
      `${useWrk ? `wrk ${SECONDS}s per row` : `Node keep-alive loop, ${NODE_REQUESTS} requests per row`}`,
    '',
    '| scenario                           | tipwire/s | static/s  | ratio | statuses',
    '|------------------------------------|-----------|-----------|-------|---------',
    line('conditional GET → 304 (ETag)', ours304, static304),
    line('full GET → 200', ours200, static200),
    line('full GET → 200, gzip (cached)', oursGzip),
    '',
    `renders during the storm: ${rendersDuring} (one per (slice, format, marker); a storm must add none after the first)`,
    '',
    `render every feed, 10,000 stories in memory (${shape.files} files, ${(shape.bytes / 1e6).toFixed(1)} MB): ` +
      `first ${firstRender.toFixed(0)} ms, then median ${(renders[2] ?? 0).toFixed(0)} ms, best ${(renders[0] ?? 0).toFixed(0)} ms, worst ${(renders[4] ?? 0).toFixed(0)} ms`,
    `publishFeeds from the store (${STORIES} stories, ${cold.files} files): first ${exportCold.toFixed(0)} ms (all written), ` +
      `again ${exportWarm.toFixed(0)} ms (${cold.files} unchanged)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  await app.close();
  await new Promise((resolve) => stat.close(resolve));
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
