// bench/limits: how fast the fetch and parse guards give up, which tests must not assert on (a loaded machine makes
// any fixed limit flaky). Each case is timed over several runs and printed with its ratio to a baseline measured in
// the same run: a timeout against the timeout it was given, an abort against the delay before it, a refused gzip
// bomb and a refused billion-laughs document against fetching/parsing a normal feed of similar size.
//   npm run bench -- limits            (--runs=N, default 5)
import { fetchFeed, type FetchOptions } from '../src/fetch/index.ts';
import { parseFeed } from '../src/parse/index.ts';
import { gzipBomb, hang, serveFeed, startFeedServer, trickle } from '../test/helpers/feed-server.ts';

const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? '5');

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${'<item><title>Trafficking ring jailed</title><description>Prosecutors in Ashgabat.</description></item>'.repeat(200)}</channel></rss>`;

function laughs(levels: number): string {
  const decls = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i <= levels; i += 1) decls.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?><!DOCTYPE rss [${decls.join('')}]><rss version="2.0"><channel><title>&lol${levels};</title></channel></rss>`;
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await fn().catch(() => undefined);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

const server = await startFeedServer({
  '/feed': serveFeed(FEED),
  '/hang': hang(),
  '/trickle': trickle(200),
  '/bomb': gzipBomb(),
});
const opts = (extra: Partial<FetchOptions> = {}): FetchOptions => ({
  userAgent: 'tipwire-bench/1.0',
  connectTimeoutMs: 1000,
  totalTimeoutMs: 3000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  allowPrivateHosts: [`127.0.0.1:${server.port}`],
  ...extra,
});

const rows: [string, number, string, number, string][] = [];
try {
  const normalFetch = await median(() => fetchFeed({ url: server.url('/feed') }, opts()));
  const hangCut = await median(() => fetchFeed({ url: server.url('/hang') }, opts({ totalTimeoutMs: 300 })));
  rows.push(['no answer, totalTimeoutMs 300', hangCut, 'the timeout', 300, 'close to 1×']);
  const trickleCut = await median(() =>
    fetchFeed({ url: server.url('/trickle') }, opts({ totalTimeoutMs: 600 })),
  );
  rows.push(['slow trickle, totalTimeoutMs 600', trickleCut, 'the timeout', 600, 'close to 1×']);
  const aborted = await median(() => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutdown')), 100);
    return fetchFeed({ url: server.url('/trickle') }, opts({ signal: controller.signal }));
  });
  rows.push(['caller aborts after 100 ms', aborted, 'the abort delay', 100, 'close to 1×']);
  const bomb = await median(() => fetchFeed({ url: server.url('/bomb') }, opts()));
  rows.push(['gzip bomb cut at 10 MB', bomb, 'fetching a 20 KB feed', normalFetch, 'tens, not thousands']);
  const context = { url: 'https://hostile.tipwire.test/feed', fetchedAt: '2026-03-05T10:00:00.000Z' };
  const normalParse = await median(() => parseFeed(FEED, context));
  const refused = await median(() => parseFeed(laughs(9), context));
  rows.push(['billion laughs refused', refused, 'parsing a 200-item feed', normalParse, '≤ 1×']);
} finally {
  await server.close();
}

console.log(`median of ${runs} runs, wall time`);
console.log('| case | ms | baseline | baseline ms | ratio | expected |');
console.log('|---|---|---|---|---|---|');
for (const [name, ms, baseline, baseMs, expected] of rows)
  console.log(
    `| ${name} | ${ms.toFixed(1)} | ${baseline} | ${baseMs.toFixed(1)} | ${(ms / baseMs).toFixed(2)}× | ${expected} |`,
  );
