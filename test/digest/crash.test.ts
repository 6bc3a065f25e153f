// Crash safety: a digest run for 500 subscribers is killed with SIGKILL in the middle (a real child process, killed
// when the SMTP server has accepted its 200th message), then run again once the crashed run's lease has expired.
// Every subscriber must then hold exactly one digest at the server, except at most one — the message in flight at
// the kill — which may arrive twice (see src/jobs/digest.ts for why no design can do better over SMTP).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { seedStories, startSmtp } from './helpers.ts';
import { sampleStories } from './sample.ts';

const dir = mkdtempSync(join(tmpdir(), 'tipwire-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHILD = join(import.meta.dirname, 'crash-child.ts');
const NOW = '2026-11-30T06:00:00.000Z';
const LATER = '2026-11-30T06:20:00.000Z'; // after the 5-minute lease of the killed run

function runChild(
  db: string,
  smtpUrl: string,
  now: string,
  killAfter?: { smtp: Awaited<ReturnType<typeof startSmtp>>; count: number },
) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, smtpUrl, now], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    if (killAfter) {
      killAfter.smtp.onReceived = (count) => {
        if (count === killAfter.count) child.kill('SIGKILL');
      };
    }
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe('kill -9 in the middle of a digest run', () => {
  it('neither skips nor repeats a subscriber (at most the one in-flight message twice)', async () => {
    const smtp = await startSmtp();
    const db = join(dir, 'crash.db');
    const store = await openStore(`sqlite:${db}`);
    await seedStories(store, sampleStories(12, '2026-11-24T00:00:00.000Z', '2026-11-29T00:00:00.000Z'));
    const emails: string[] = [];
    for (let i = 0; i < 500; i += 1) {
      const email = `reader${String(i).padStart(3, '0')}@example.org`;
      emails.push(email);
      await store.digest.addSubscriber({
        email,
        locale: i % 2 ? 'ru' : 'en',
        timeZone: 'Asia/Tashkent',
        topics: [],
        countries: [],
        languages: [],
        frequency: 'weekly',
        status: 'active',
        createdAt: '2026-10-01T00:00:00.000Z',
        confirmedAt: '2026-10-01T00:00:00.000Z',
      });
    }
    await store.close();

    const killed = await runChild(db, smtp.url, NOW, { smtp, count: 200 });
    expect(killed.signal).toBe('SIGKILL');
    const before = smtp.messages.length;
    expect(before).toBeGreaterThanOrEqual(200);
    expect(before).toBeLessThan(500);

    // A restart before the lease expires leaves the in-flight row alone; after it, the row is taken over.
    smtp.onReceived = undefined;
    const restarted = await runChild(db, smtp.url, LATER);
    expect(restarted.code, restarted.out).toBe(0);
    const again = await runChild(db, smtp.url, LATER);
    expect(again.out).toContain('"sent":0');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await smtp.close();

    const counts = new Map<string, number>();
    for (const message of smtp.messages) counts.set(message.to, (counts.get(message.to) ?? 0) + 1);
    const missing = emails.filter((email) => !counts.has(email));
    const twice = [...counts.entries()].filter(([, n]) => n > 1);
    process.stderr.write(`crash: ${before} accepted before the kill, ${twice.length} repeated\n`);
    expect(missing).toEqual([]);
    expect(twice.length).toBeLessThanOrEqual(1);
    expect(twice.every(([, n]) => n === 2)).toBe(true);
    expect(counts.size).toBe(500);

    const check = await openStore(`sqlite:${db}`);
    expect((await check.digest.listDigests({ state: 'sent' })).length).toBe(500);
    await check.close();
  }, 120_000);
});
