// The parse pool: a feed read in a worker thread gives exactly what reading it in the poll's thread gives (items,
// judgements, format), and a feed the parser refuses comes back as the same TipwireError code, so a source fails
// the same way whichever thread read it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileClassifier } from '../../src/jobs/classify.ts';
import { createParsePool, type ParsePool } from '../../src/jobs/parse-pool.ts';
import { isTipwireError } from '../../src/core/errors.ts';
import type { Config } from '../../src/config/types.ts';
import { testConfig } from '../helpers/config.ts';

const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>Osh news</title><link>https://osh.example.kg/</link>
<item><title>Human trafficking ring broken up in Osh</title><link>https://osh.example.kg/1?utm_source=rss</link><description>Police freed &lt;b&gt;nine&lt;/b&gt; people.</description><pubDate>Fri, 27 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>Harvest festival opens</title><link>https://osh.example.kg/2</link><description>Farmers bring apricots.</description></item>
</channel></rss>`;

let config: Config;
let inWorker: ParsePool;
let inThread: ParsePool;

beforeAll(async () => {
  config = testConfig([{ id: 'osh', url: 'https://osh.example.kg/rss', country: 'KG' }]);
  const options = {
    rules: compileClassifier(config),
    classifier: { topics: config.topics, model: config.model },
    sources: config.sources,
    trackingParams: config.app.dedupe.trackingParams,
  };
  inWorker = await createParsePool({ ...options, threads: 1 });
  inThread = await createParsePool({ ...options, threads: 0 });
}, 60_000);

afterAll(async () => {
  await inWorker?.close();
  await inThread?.close();
});

const work = (text: string) => ({
  text,
  url: 'https://osh.example.kg/rss',
  fetchedAt: '2026-11-28T12:00:00.000Z',
  sourceId: 'osh',
});

describe('parse pool', () => {
  it('starts a worker thread', () => {
    expect(inWorker.threads).toBe(1);
    expect(inThread.threads).toBe(0);
  });

  it('reads a feed in a worker exactly as in this thread', async () => {
    const [a, b] = await Promise.all([inWorker.read(work(rss)), inThread.read(work(rss))]);
    expect(a).toEqual(b);
    expect(a.items.map((item) => item.link)).toEqual([
      'https://osh.example.kg/1',
      'https://osh.example.kg/2',
    ]);
    expect(a.judgements[0]?.classification.topics.map((t) => t.topic)).toContain('trafficking');
  });

  it('a refused feed fails with the same error code in a worker', async () => {
    const page = '<!doctype html><html><head><title>x</title></head><body>not a feed</body></html>';
    const errors = await Promise.all(
      [inWorker, inThread].map((pool) =>
        pool.read(work(page)).then(
          () => undefined,
          (err: unknown) => err,
        ),
      ),
    );
    for (const err of errors) expect(isTipwireError(err, 'PARSE_NOT_A_FEED')).toBe(true);
  });
});
