// `npm run demo`: the whole pipeline offline in a minute. Serves the invented feeds in src/demo/feeds/ on
// 127.0.0.1, writes a config that points at them (topics from config/topics.yaml), polls, classifies, clusters,
// exports the feeds, adds two subscribers (English and Russian) and writes their digests. The demo has folders of
// its own, emptied on every run, so it never touches a real run's config/, data/ or out/ (nor they it):
//   data/demo/config/   its config (`tipwire serve --config data/demo/config` browses the result)
//   data/demo/tipwire.db
//   out/demo/feeds/     out/demo/outbox/
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

export interface DemoFeed {
  id: string;
  name: string;
  file: string;
  contentType: string;
  country?: string;
  languages: string[];
  homepage?: string;
}

const FEEDS_DIR = resolve(import.meta.dirname, 'feeds');

export function demoFeeds(): DemoFeed[] {
  return JSON.parse(readFileSync(join(FEEDS_DIR, 'manifest.json'), 'utf8')) as DemoFeed[];
}

/** Serves the demo feeds as files, with their content types; resolves to the origin URL and a close function. */
export async function serveDemoFeeds(): Promise<{ origin: string; close(): Promise<void> }> {
  const feeds = new Map(demoFeeds().map((feed) => [`/${feed.file}`, feed]));
  const server = createServer((req, res) => {
    const feed = feeds.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!feed) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not a demo feed');
      return;
    }
    res.writeHead(200, { 'content-type': feed.contentType }).end(readFileSync(join(FEEDS_DIR, feed.file)));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** The demo's own folders under a root (the working directory). */
export function demoPaths(root: string): { config: string; database: string; feeds: string; outbox: string } {
  return {
    config: join(root, 'data', 'demo', 'config'),
    database: join(root, 'data', 'demo', 'tipwire.db'),
    feeds: join(root, 'out', 'demo', 'feeds'),
    outbox: join(root, 'out', 'demo', 'outbox'),
  };
}

/** Empties the demo's folders and writes its config folder (data/demo/config); returns the folder's path. */
export function writeDemoConfig(root: string, origin: string, shippedConfigDir: string): string {
  const paths = demoPaths(root);
  const dir = paths.config;
  for (const old of [paths.feeds, paths.outbox, join(root, 'data', 'demo')])
    rmSync(old, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(shippedConfigDir, 'topics.yaml'), join(dir, 'topics.yaml'));
  const host = new URL(origin).host;
  writeFileSync(
    join(dir, 'sources.yaml'),
    `# Written by \`npm run demo\`: the demo feeds served on ${origin}.\n` +
      stringify({
        sources: demoFeeds().map((feed) => ({
          id: feed.id,
          name: feed.name,
          url: `${origin}/${feed.file}`,
          ...(feed.homepage ? { homepage: feed.homepage } : {}),
          ...(feed.country ? { country: feed.country } : {}),
          languages: feed.languages,
          tags: ['demo'],
        })),
      }),
  );
  writeFileSync(
    join(dir, 'tipwire.yaml'),
    `# Written by \`npm run demo\`.\n` +
      stringify({
        fetch: { allowPrivateHosts: [host] },
        store: { databaseUrl: `sqlite:${paths.database}` },
        paths: { data: join(root, 'data', 'demo'), feeds: paths.feeds, outbox: paths.outbox },
        // A key of its own, so the demo's links are signed and `serve` has no development key to warn about.
        digest: { secret: randomBytes(24).toString('hex') },
      }),
  );
  return dir;
}
