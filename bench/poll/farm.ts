// For profiling by hand: serves N generated feeds and writes a config folder for them, then waits for Ctrl-C.
//   npx tsx bench/poll/farm.ts 1000 /tmp/farm &
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bin/tipwire.js --config /tmp/farm poll --all
import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { buildFeeds, serveFeeds } from './feeds.ts';
import { writeBenchConfig } from './config.ts';

const count = Number(process.argv[2] ?? '250');
const dir = process.argv[3] ?? '/tmp/tipwire-farm';
mkdirSync(dir, { recursive: true });
const farm = await serveFeeds(buildFeeds(count, Date.now()), 8);
writeBenchConfig(dir, farm, count);
process.stdout.write(`serving ${count} feeds on ${farm.hosts[0]}…:${farm.port}; config in ${dir}\n`);
await once(process, 'SIGINT');
await farm.close();
