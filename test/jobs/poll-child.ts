// Child process of poll-leases.test.ts: one poll of the config folder given, as a worker process of its own (its
// own lease owner), so a test can run several at once or kill one with SIGKILL mid-poll. Arguments: CONFIG_DIR.
// Env: TIPWIRE_DATABASE_URL (the shared database); TIPWIRE_TEST_BARRIER, a file to wait for after printing "ready"
// (so that several workers start polling together). Prints "done SOURCE OUTCOME" per source, then a JSON summary.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { compileClassifier } from '../../src/jobs/classify.ts';
import { loadConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createHostLimiter } from '../../src/fetch/index.ts';
import { runPoll } from '../../src/jobs/poll.ts';
import { processWorker } from '../../src/jobs/worker.ts';
import { openStore } from '../../src/store/index.ts';

const config = loadConfig(process.argv[2] ?? '', process.env);
const store = await openStore(config.app.store.databaseUrl);
const rules = compileClassifier(config);
const barrier = process.env.TIPWIRE_TEST_BARRIER;
if (barrier) {
  process.stdout.write('ready\n');
  while (!existsSync(barrier)) await sleep(10);
}
const report = await runPoll(
  {
    store,
    config,
    rules,
    log: silentLogger,
    limiter: createHostLimiter({ concurrency: config.app.poll.concurrency, perHost: 8 }),
  },
  { onSource: (result) => process.stdout.write(`done ${result.sourceId} ${result.outcome}\n`) },
);
const polled = report.sources.filter((r) => !['skipped', 'disabled', 'leased'].includes(r.outcome));
process.stdout.write(
  `${JSON.stringify({ owner: processWorker.owner, polled: polled.length, inserted: polled.reduce((n, r) => n + r.inserted, 0) })}\n`,
);
await store.close();
