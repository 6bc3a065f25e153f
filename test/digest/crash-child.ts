// Child process of crash.test.ts: runs one digest send against the given SQLite file and SMTP server, so the test
// can kill it with SIGKILL mid-run. Arguments: DB_FILE SMTP_URL NOW_ISO.
import { silentLogger } from '../../src/core/log.ts';
import { createSmtpMailer } from '../../src/digest/mailer.ts';
import { runDigests } from '../../src/jobs/digest.ts';
import { openStore } from '../../src/store/index.ts';
import { testConfig } from './helpers.ts';

const [dbFile, smtpUrl, now] = process.argv.slice(2);
const store = await openStore(`sqlite:${dbFile}`);
const mailer = createSmtpMailer({
  url: smtpUrl ?? '',
  maxConnections: 1,
  rateLimitPerSecond: 0,
  timeoutMs: 5000,
  log: silentLogger,
});
const summary = await runDigests(
  { store, mailer, config: testConfig(), log: silentLogger },
  { now: new Date(now ?? ''), onProgress: (done, total) => process.stdout.write(`${done}/${total}\n`) },
);
process.stdout.write(`${JSON.stringify(summary)}\n`);
await mailer.close();
await store.close();
