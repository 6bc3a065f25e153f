// bench/site: how long the server takes to answer the reader site's pages with 50 stories on them, beside two
// baselines measured in the same run:
//   static     the same bytes served by a bare node:http handler (what any answer over loopback costs);
//   template   the same 50 stories (already loaded) written as a bare list of escaped titles and summaries, in
//              process: the least work any server-rendered list does.
// "ours" is a GET through the real server, route table and layout: the store query, the facets and chart counts
// (cached per minute; the first request computes them and is shown apart), the charts, and the HTML.
// Goal (issue 13): under 20 ms for a page of 50 stories. Wall time on a shared machine swings with other people's
// work, so each row also gives the CPU time this process spent per request (server and client are in this process;
// the bare handler's row shows what the client side and node:http cost by themselves).
//
//   npm run bench -- site                   2,000 stories of 3 items each in a SQLite file
//   npm run bench -- site --stories=N
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Classification, Item, Story } from '../src/core/types.ts';
import { escapeHtml } from '../src/core/html.ts';
import { startServer } from '../src/http/server.ts';
import { openStore } from '../src/store/index.ts';
import { testApp } from '../test/helpers/app.ts';
import { testConfig } from '../test/publish/fixtures.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined =>
  args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const STORIES = Number(flag('stories') ?? (args.includes('--quick') ? 500 : 2_000));
const RUNS = 60;
const NOW = new Date('2026-06-30T12:00:00.000Z');

const TOPICS = ['trafficking', 'migration'];
const COUNTRIES = ['kg', 'kz', 'uz', 'tj', 'tm'];
const SOURCES = ['unodc', 'unodc-ru', 'turkmenportal', '24kg', 'kun-uz', 'tengri'];
const LANGUAGES = ['en', 'ru', 'en', 'ru', 'uz', 'kk'];

function get(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ ms: performance.now() - started, bytes, status: res.statusCode ?? 0 }));
    })
      .on('error', reject)
      .end();
  });
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function stats(times: number[]): { median: number; p95: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tipwire-bench-site-'));
  const store = await openStore(`sqlite:${join(dir, 'site.db')}`);
  try {
    // Six months of stories, three items each (main version, a translation, a copy), with evidence.
    const items: Item[] = [];
    const stories: Story[] = [];
    const assign: { itemId: string; storyId: string }[] = [];
    const classes: [string, Classification][] = [];
    for (let i = 0; i < STORIES; i += 1) {
      const at = new Date(NOW.getTime() - (i / STORIES) * 183 * 86_400_000).toISOString();
      const topic = TOPICS[i % TOPICS.length] ?? 'trafficking';
      for (let copy = 0; copy < 3; copy += 1) {
        const id = `i${i}-${copy}`;
        const language = LANGUAGES[(i + copy) % LANGUAGES.length] ?? 'en';
        items.push({
          id,
          sourceId: SOURCES[(i + copy) % SOURCES.length] ?? 'unodc',
          url: `https://news.example/${i}/${copy}`,
          title: `Story ${i}: labour migrants & trafficking in persons — Кыргызстан «${copy}» <b>`,
          summary: `Summary of story ${i}, copy ${copy}: ${'about labour migrants and trafficking in persons, '.repeat(4)}`,
          categories: [],
          publishedAt: at,
          fetchedAt: at,
          language,
          country: COUNTRIES[i % COUNTRIES.length],
        });
        classes.push([
          id,
          {
            language,
            topics: [
              {
                topic,
                score: 3,
                evidence: [{ term: 'traffick*', field: 'title', match: 'trafficking in persons', weight: 3 }],
              },
            ],
            countries: [COUNTRIES[i % COUNTRIES.length] ?? 'kg'],
          },
        ]);
        assign.push({ itemId: id, storyId: `s${i}` });
      }
      stories.push({
        id: `s${i}`,
        representativeItemId: `i${i}-0`,
        topics: [topic],
        countries: [COUNTRIES[i % COUNTRIES.length] ?? 'kg'],
        languages: [...new Set([0, 1, 2].map((c) => LANGUAGES[(i + c) % LANGUAGES.length] ?? 'en'))],
        firstSeenAt: at,
        updatedAt: at,
      });
    }
    for (let i = 0; i < items.length; i += 1000) await store.upsertItems(items.slice(i, i + 1000));
    for (const [id, c] of classes) await store.saveClassification(id, c, 'bench');
    for (let i = 0; i < stories.length; i += 500)
      await store.saveStories(
        stories.slice(i, i + 500),
        assign.filter((a) => Number(a.storyId.slice(1)) >= i && Number(a.storyId.slice(1)) < i + 500),
      );

    let config = testConfig({ maxItems: 50 });
    const server = await startServer(testApp({ config: () => config, store, now: () => NOW }), {
      host: '127.0.0.1',
      port: 0,
    });
    config = testConfig({ baseUrl: server.url, maxItems: 50 });

    const pages = [
      '/',
      '/?country=kg&lang=ru',
      '/topic/trafficking',
      '/story/s10',
      `/search?q=${encodeURIComponent('migrants trafficking')}`,
      '/feeds',
    ];
    console.log(
      `${STORIES.toLocaleString('en')} stories (${items.length.toLocaleString('en')} items); ${RUNS} requests per page after one warm-up`,
    );
    const first = await get(`${server.url}/`);
    const rows: { path: string; median: number; p95: number; cpu: number; bytes: number }[] = [];
    for (const path of pages) {
      await get(`${server.url}${path}`);
      const times: number[] = [];
      let bytes = 0;
      const cpu = process.cpuUsage();
      for (let i = 0; i < RUNS; i += 1) {
        const answer = await get(`${server.url}${path}`);
        if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
        times.push(answer.ms);
        bytes = answer.bytes;
      }
      rows.push({ path, ...stats(times), cpu: cpuMs(cpu) / RUNS, bytes });
    }

    // Baseline 1: the home page's bytes from a bare handler.
    const html = await (await fetch(`${server.url}/`)).text();
    const bare: Server = createServer((_, res) => {
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(html),
      });
      res.end(html);
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
    await get(bareUrl);
    const staticTimes: number[] = [];
    const staticCpu = process.cpuUsage();
    for (let i = 0; i < RUNS; i += 1) staticTimes.push((await get(bareUrl)).ms);
    const staticCpuMs = cpuMs(staticCpu) / RUNS;
    bare.close();

    // Baseline 2: the same 50 stories, loaded, as a bare escaped list.
    const loaded = await store.listStories({ order: 'published', limit: 50 });
    const templateTimes: number[] = [];
    for (let i = 0; i < RUNS + 1; i += 1) {
      const started = performance.now();
      const list = loaded
        .map(
          (s) =>
            `<article><h2><a href="/story/${escapeHtml(s.id)}">${escapeHtml(s.representative.title)}</a></h2><p>${escapeHtml(s.representative.summary)}</p></article>`,
        )
        .join('\n');
      if (list.length === 0) throw new Error('no stories');
      if (i > 0) templateTimes.push(performance.now() - started);
    }
    const stat = stats(staticTimes);
    const template = stats(templateTimes);
    const fmt = (ms: number): string => ms.toFixed(2);
    console.log('');
    console.log(
      'page'.padEnd(40),
      'median ms'.padStart(10),
      'p95 ms'.padStart(8),
      'CPU ms'.padStart(8),
      'KB'.padStart(6),
      'CPU ÷ static'.padStart(13),
    );
    for (const row of rows)
      console.log(
        row.path.padEnd(40),
        fmt(row.median).padStart(10),
        fmt(row.p95).padStart(8),
        fmt(row.cpu).padStart(8),
        (row.bytes / 1024).toFixed(0).padStart(6),
        `${(row.cpu / staticCpuMs).toFixed(1)}×`.padStart(13),
      );
    console.log('/ first request (facets, chart counts)'.padEnd(40), fmt(first.ms).padStart(10));
    console.log(
      'baseline: same bytes, bare handler'.padEnd(40),
      fmt(stat.median).padStart(10),
      fmt(stat.p95).padStart(8),
      fmt(staticCpuMs).padStart(8),
    );
    console.log(
      'baseline: 50 stories as a bare list'.padEnd(40),
      fmt(template.median).padStart(10),
      fmt(template.p95).padStart(8),
    );
    const home = rows[0];
    console.log(
      `\nhome with 50 stories: ${fmt(home?.median ?? 0)} ms median, ${fmt(home?.cpu ?? 0)} ms CPU per request (goal < 20 ms); ` +
        `${((home?.cpu ?? 0) / staticCpuMs).toFixed(1)}× the CPU of the bare handler serving the same bytes`,
    );
    await server.close();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
