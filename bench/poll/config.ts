// The config folder of a bench poll: N sources (feed i on the farm), the shipped topics, SQLite and output paths
// inside the folder, the farm's addresses allowed past the private-address guard. urls.txt is the minimal pipeline's
// list of the same feeds.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { FeedFarm } from './feeds.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export function writeBenchConfig(dir: string, farm: FeedFarm, count: number): void {
  writeFileSync(join(dir, 'topics.yaml'), readFileSync(join(ROOT, 'config/topics.yaml')));
  writeFileSync(
    join(dir, 'sources.yaml'),
    stringify({
      sources: Array.from({ length: count }, (_, i) => ({
        id: `s${i}`,
        name: `Outlet ${i}`,
        url: farm.url(i),
        country: ['KG', 'UZ', 'KZ', 'TJ', 'TM'][i % 5],
        languages: [i % 3 === 2 ? 'ru' : 'en'],
      })),
    }),
  );
  writeFileSync(
    join(dir, 'tipwire.yaml'),
    stringify({
      fetch: { allowPrivateHosts: farm.allow },
      store: { databaseUrl: `sqlite:${join(dir, 'tipwire.db')}` },
      paths: { data: join(dir, 'data'), feeds: join(dir, 'feeds'), outbox: join(dir, 'outbox') },
    }),
  );
  writeFileSync(join(dir, 'urls.txt'), Array.from({ length: count }, (_, i) => farm.url(i)).join('\n'));
}
