// A full disk under the file outbox (issue 16, item 3): the write fails with ENOSPC from the kernel (the message's
// temporary file is a link to /dev/full), no truncated `.eml.partial` is left behind, the digest is deferred for a
// retry, and the run reports it; the other subscriber's digest is written whole. Real SQLite, real file mailer.
import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { createFileMailer } from '../../src/digest/mailer.ts';
import { compileTemplates } from '../../src/digest/render.ts';
import { DEFAULT_TEMPLATES_DIR, runDigests } from '../../src/jobs/digest.ts';
import { sqliteKind } from '../helpers/stores.ts';
import { seedStories, testConfig } from './helpers.ts';
import { sampleStories } from './sample.ts';

const kind = sqliteKind();
afterAll(() => kind.cleanup());

const person = (email: string) => ({
  email,
  locale: 'en',
  timeZone: 'Asia/Bishkek',
  topics: [],
  countries: [],
  languages: [],
  frequency: 'weekly' as const,
  status: 'active' as const,
  createdAt: '2026-10-01T00:00:00.000Z',
  confirmedAt: '2026-10-01T00:00:00.000Z',
});

describe.skipIf(!existsSync('/dev/full'))('file outbox on a full disk', () => {
  it('removes the partial file, defers the digest and counts it; the other digest is written', async () => {
    const store = await kind.open();
    const dir = mkdtempSync(join(tmpdir(), 'tipwire-outbox-'));
    const mailer = createFileMailer(dir, silentLogger);
    await seedStories(store, sampleStories(10, '2026-11-23T05:00:00.000Z', '2026-11-30T00:00:00.000Z'));
    const full = await store.digest.addSubscriber(person('full@example.org'));
    await store.digest.addSubscriber(person('fine@example.org'));
    // The period of 2026-11-30 06:00 UTC in Bishkek is ISO week 48; the job names the file `${period}-${id}`.
    symlinkSync('/dev/full', join(dir, `2026-W48-${full.id}.eml.partial`));

    const summary = await runDigests(
      {
        store,
        mailer,
        config: testConfig(),
        log: silentLogger,
        templates: await compileTemplates(DEFAULT_TEMPLATES_DIR),
      },
      { now: new Date('2026-11-30T06:00:00.000Z') },
    );
    expect(summary).toMatchObject({ sent: 1, deferred: 1, failed: 0 });
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    await mailer.close();
    await store.close();
  });
});
