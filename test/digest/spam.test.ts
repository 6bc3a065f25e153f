// SpamAssassin (Debian `spamassassin`, local tests only: -L -t) scores a sample digest below 1.0. Skipped, with a line
// saying so, when the binary is absent; CI installs it and fails without it (test/helpers/tools.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { createFileMailer } from '../../src/digest/mailer.ts';
import { compileTemplates } from '../../src/digest/render.ts';
import { DEFAULT_TEMPLATES_DIR, runDigests } from '../../src/jobs/digest.ts';
import { sqliteKind } from '../helpers/stores.ts';
import { needs } from '../helpers/tools.ts';
import { seedStories, testConfig } from './helpers.ts';
import { sampleStories } from './sample.ts';

const SPAMASSASSIN = '/usr/bin/spamassassin';
const present = needs(
  'SpamAssassin',
  existsSync(SPAMASSASSIN),
  'the spam score of sample digests',
  'apt-get install spamassassin',
);

describe('SpamAssassin', () => {
  it.skipIf(!present)(
    'scores sample digests (English and Russian) below 1.0',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tipwire-spam-'));
      const kind = sqliteKind();
      try {
        const store = await kind.open();
        await seedStories(store, sampleStories(14, '2026-11-23T05:00:00.000Z', '2026-11-30T00:00:00.000Z'));
        for (const [email, locale] of [
          ['reader@example.org', 'en'],
          ['chitatel@example.org', 'ru'],
        ] as const) {
          await store.digest.addSubscriber({
            email,
            name: locale === 'ru' ? 'Айгуль Маратовна' : 'Ann Reader',
            locale,
            timeZone: 'Asia/Bishkek',
            topics: [],
            countries: [],
            languages: [],
            frequency: 'weekly',
            status: 'active',
            createdAt: '2026-10-01T00:00:00.000Z',
            confirmedAt: '2026-10-01T00:00:00.000Z',
          });
        }
        const mailer = createFileMailer(dir, silentLogger);
        const templates = await compileTemplates(DEFAULT_TEMPLATES_DIR);
        await runDigests(
          { store, mailer, config: testConfig(), log: silentLogger, templates },
          { now: new Date('2026-11-30T06:00:00.000Z') },
        );
        const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
        expect(files).toHaveLength(2);
        for (const file of files) {
          const report = execFileSync(SPAMASSASSIN, ['-L', '-t'], {
            input: readFileSync(join(dir, file)),
            maxBuffer: 16 * 1024 * 1024,
          }).toString();
          const score = Number(/X-Spam-Status: \w+, score=(-?[\d.]+)/.exec(report)?.[1]);
          expect(Number.isFinite(score), report.slice(0, 2000)).toBe(true);
          process.stderr.write(`spamassassin ${file}: score ${score}\n`);
          expect(score, report.split('Content analysis details:')[1]?.slice(0, 3000)).toBeLessThan(1.0);
        }
        await mailer.close();
        await store.close();
      } finally {
        await kind.cleanup();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
