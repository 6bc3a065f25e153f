// The digest job end to end against a real SMTP server (smtp-server on 127.0.0.1, read back with mailparser):
// content per preferences, list headers, the text part, Cyrillic subjects (RFC 2047), idempotence, the next
// week's window, SMTP faults (421/451 then success, 550 → bounced, a dropped connection), and the file outbox
// across a daylight-saving change.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { createFileMailer, createSmtpMailer } from '../../src/digest/mailer.ts';
import type { NewSubscriber } from '../../src/digest/port.ts';
import { compileTemplates, type DigestTemplates } from '../../src/digest/render.ts';
import { verifyToken } from '../../src/digest/tokens.ts';
import { DEFAULT_TEMPLATES_DIR, runDigests } from '../../src/jobs/digest.ts';
import { sqliteKind } from '../helpers/stores.ts';
import { seedStories, settle, startSmtp, testConfig, type TestSmtp } from './helpers.ts';
import { sampleStories } from './sample.ts';

const kind = sqliteKind();
let templates: DigestTemplates;
let smtp: TestSmtp;

beforeAll(async () => {
  templates = await compileTemplates(DEFAULT_TEMPLATES_DIR);
});
afterEach(async () => smtp?.close());
afterAll(() => kind.cleanup());

const person = (email: string, overrides: Partial<NewSubscriber> = {}): NewSubscriber => ({
  email,
  locale: 'en',
  timeZone: 'Asia/Bishkek',
  topics: [],
  countries: [],
  languages: [],
  frequency: 'weekly',
  status: 'active',
  createdAt: '2026-10-01T00:00:00.000Z',
  confirmedAt: '2026-10-01T00:00:00.000Z',
  ...overrides,
});

describe('digest job over SMTP', () => {
  it('sends each subscriber their stories once, with list headers, text part and Cyrillic subject', async () => {
    smtp = await startSmtp();
    const store = await kind.open();
    const config = testConfig();
    const mailer = createSmtpMailer({
      url: smtp.url,
      maxConnections: 2,
      rateLimitPerSecond: 0,
      timeoutMs: 5000,
      log: silentLogger,
    });
    await seedStories(store, sampleStories(30, '2026-11-23T05:00:00.000Z', '2026-11-30T00:00:00.000Z'));
    const en = await store.digest.addSubscriber(person('reader@example.org', { name: 'Reader' }));
    const ru = await store.digest.addSubscriber(
      person('chitatel@example.org', {
        name: 'Читатель Тестов',
        locale: 'ru',
        timeZone: 'Europe/Moscow',
        topics: ['trafficking'],
        languages: ['ru'],
      }),
    );
    const deps = { store, mailer, config, log: silentLogger, templates };
    const now = new Date('2026-11-30T06:00:00.000Z');
    expect(await runDigests(deps, { now })).toMatchObject({ sent: 2, failed: 0, bounced: 0, planned: 2 });
    await settle(smtp);
    expect(smtp.messages.map((m) => m.to).sort()).toEqual(['chitatel@example.org', 'reader@example.org']);

    const enMail = smtp.messages.find((m) => m.to === 'reader@example.org')!.parsed;
    // The last story was published at 00:49 on 30 Nov in Bishkek, before the 07:00 send.
    expect(enMail.subject).toBe('Trafficking & migration digest, 23–30 Nov 2026: 30 stories');
    expect(enMail.messageId).toBe(`<digest.2026-W48.${en.id}@tipwire.example>`);
    expect(enMail.date).toBeInstanceOf(Date);
    const listUnsubscribe = enMail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
    expect(listUnsubscribe).toMatch(
      /<https:\/\/tipwire\.example\/unsubscribe\?token=[^>]+>,\s*<mailto:unsubscribe@tipwire\.example\?subject=unsubscribe%20/,
    );
    expect(enMail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(enMail.headerLines.find((h) => h.key === 'list-id')?.line).toContain('<digest.tipwire.example>');
    const token = /unsubscribe\?token=([^>&\s]+)/.exec(listUnsubscribe)?.[1] ?? '';
    expect(verifyToken(config.app.digest.secret, token, 'unsubscribe')).toBe(en.id);
    expect(enMail.text).toContain('== Trafficking in persons ==');
    expect(enMail.text).toContain('Unsubscribe: https://tipwire.example/unsubscribe?token=');
    expect(enMail.html).toContain('Borders and asylum');

    const ruRaw = smtp.messages.find((m) => m.to === 'chitatel@example.org')!;
    expect(ruRaw.raw.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im); // RFC 2047 encoded word
    expect(ruRaw.raw.toString('latin1')).toMatch(
      /^To: =\?UTF-8\?[BQ]\?[^\r\n]*(\r\n [^\r\n]*)*<chitatel@example.org>/im,
    );
    const ruMail = ruRaw.parsed;
    expect(ruMail.subject).toMatch(
      /^Дайджест о торговле людьми и миграции, 23–\d\d ноября 2026 г\.: \d+ материал/,
    );
    expect(ruMail.to && 'text' in ruMail.to ? ruMail.to.text : '').toContain('Читатель Тестов');
    expect(ruMail.text).toContain('== Торговля людьми ==');
    expect(ruMail.text).not.toContain('== Трудовая миграция ==');
    expect(ruMail.html).not.toContain('Labour migration');
    expect(ruMail.text).not.toMatch(/^\* (UNODC|Remittances|New hotline|Border guards|Court|IOM)/m); // only Russian versions shown

    // The same run again sends nothing; the next week holds only the next week's stories.
    expect(await runDigests(deps, { now })).toMatchObject({ sent: 0, planned: 0 });
    const nextWeek = sampleStories(3, '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z').filter(
      (s) => !s.topics.includes('trafficking'),
    );
    await seedStories(
      store,
      nextWeek.map((s) => ({
        ...s,
        id: `next-${s.id}`,
        items: s.items.map((i) => ({
          ...i,
          id: `next-${i.id}`,
          url: `${i.url}-next`,
          storyId: `next-${s.id}`,
        })),
        representativeItemId: `next-${s.representativeItemId}`,
        representative: {
          ...s.representative,
          id: `next-${s.representative.id}`,
          url: `${s.representative.url}-next`,
        },
      })),
    );
    const week2 = await runDigests(deps, { now: new Date('2026-12-07T06:00:00.000Z') });
    expect(week2).toMatchObject({ sent: 1, skippedEmpty: 1 }); // the Russian reader's choices matched nothing new
    await settle(smtp);
    const second = smtp.messages.filter((m) => m.to === 'reader@example.org').at(-1)!.parsed;
    // Both stories of the week were published on 1 Dec.
    expect(second.subject).toBe('Trafficking & migration digest, 1 Dec 2026: 2 stories');
    expect(await store.digest.getDigest(ru.id, '2026-W49')).toMatchObject({ state: 'skipped' });
    await mailer.close();
    await store.close();
  });

  it('retries 421/451 and a dropped connection, and bounces an address after two 550s', async () => {
    smtp = await startSmtp();
    // nodemailer's pool itself re-sends once on a fresh connection after a 421 or a dropped connection, so those
    // faults last two attempts here to reach our own backoff.
    smtp.fault = (to, attempt) => {
      if (to.startsWith('busy') && attempt <= 2)
        return { code: 421, message: 'Service not available, try later' };
      if (to.startsWith('greylist') && attempt === 1) return { code: 451, message: 'Greylisted, try again' };
      if (to.startsWith('gone')) return { code: 550, message: 'No such user' };
      if (to.startsWith('drop') && attempt <= 2) return 'drop';
      return undefined;
    };
    const store = await kind.open();
    const config = testConfig({ digest: { bounceAfter: 2, retryBaseSeconds: 60 } });
    const mailer = createSmtpMailer({
      url: smtp.url,
      maxConnections: 1,
      rateLimitPerSecond: 0,
      timeoutMs: 5000,
      log: silentLogger,
    });
    await seedStories(store, sampleStories(5, '2026-11-24T00:00:00.000Z', '2026-11-29T00:00:00.000Z'));
    const emails = [
      'busy@example.org',
      'greylist@example.org',
      'gone@example.org',
      'drop@example.org',
      'fine@example.org',
    ];
    for (const email of emails) await store.digest.addSubscriber(person(email));
    const deps = { store, mailer, config, log: silentLogger, templates };

    const first = await runDigests(deps, { now: new Date('2026-11-30T06:00:00.000Z') });
    expect(first).toMatchObject({ sent: 1, deferred: 4, bounced: 0, failed: 0 });
    // Not due yet (backoff 60 s): nothing happens a few seconds later.
    expect(await runDigests(deps, { now: new Date('2026-11-30T06:00:10.000Z') })).toMatchObject({
      sent: 0,
      deferred: 0,
    });
    const second = await runDigests(deps, { now: new Date('2026-11-30T06:05:00.000Z') });
    expect(second).toMatchObject({ sent: 3, bounced: 1, deferred: 0 });
    await settle(smtp);
    const count = (email: string) => smtp.messages.filter((m) => m.to === email).length;
    expect(emails.map(count)).toEqual([1, 1, 0, 1, 1]);
    expect((await store.digest.getSubscriberByEmail('gone@example.org'))?.status).toBe('bounced');
    const busy = await store.digest.getSubscriberByEmail('busy@example.org');
    expect(await store.digest.getDigest(busy!.id, '2026-W48')).toMatchObject({ state: 'sent', attempts: 2 });
    expect(
      (
        await store.digest.getDigest(
          (await store.digest.getSubscriberByEmail('gone@example.org'))!.id,
          '2026-W48',
        )
      )?.lastError,
    ).toMatch(/550/);
    await mailer.close();
    await store.close();
  });
});

describe('digest job with the file outbox across a DST change', () => {
  it('sends at 07:00 Berlin time before and after the end of summer time, once per week', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tipwire-outbox-'));
    try {
      const store = await kind.open();
      const config = testConfig({ digest: { sendEmpty: true } });
      const mailer = createFileMailer(dir, silentLogger);
      const s = await store.digest.addSubscriber(person('berlin@example.org', { timeZone: 'Europe/Berlin' }));
      await seedStories(store, sampleStories(4, '2026-10-13T00:00:00.000Z', '2026-10-25T12:00:00.000Z'));
      const deps = { store, mailer, config, log: silentLogger, templates };
      const run = async (iso: string) => (await runDigests(deps, { now: new Date(iso) })).sent;
      const files = () =>
        readdirSync(dir)
          .filter((f) => f.endsWith('.eml'))
          .sort();

      expect(await run('2026-10-12T05:00:00.000Z')).toBe(1); // Mon 12 Oct 07:00 CEST
      expect(await run('2026-10-19T04:59:00.000Z')).toBe(0); // 06:59 local
      expect(await run('2026-10-19T05:00:00.000Z')).toBe(1); // 07:00 CEST
      expect(await run('2026-10-26T05:00:00.000Z')).toBe(0); // 06:00 CET: summer time ended on Sunday
      expect(await run('2026-10-26T05:59:00.000Z')).toBe(0);
      expect(await run('2026-10-26T06:00:00.000Z')).toBe(1); // 07:00 CET
      expect(files()).toEqual([`2026-W41-${s.id}.eml`, `2026-W42-${s.id}.eml`, `2026-W43-${s.id}.eml`]);
      const rows = await store.digest.listDigests({ subscriberId: s.id });
      expect(rows.map((r) => [r.period, r.windowStart, r.windowEnd])).toEqual([
        ['2026-W41', '2026-10-05T05:00:00.000Z', '2026-10-12T05:00:00.000Z'],
        ['2026-W42', '2026-10-12T05:00:00.000Z', '2026-10-19T05:00:00.000Z'],
        ['2026-W43', '2026-10-19T05:00:00.000Z', '2026-10-26T06:00:00.000Z'],
      ]);
      // The .eml files are real RFC 5322 messages with CRLF line ends.
      const raw = readFileSync(join(dir, files()[2]!));
      expect(raw.includes('\r\n')).toBe(true);
      const parsed = await simpleParser(raw);
      // The week's two stories were published on 19 and 22 Oct: the subject names those days.
      expect(parsed.subject).toBe('Trafficking & migration digest, 19–22 Oct 2026: 2 stories');
      expect(parsed.text).toContain('19–22 Oct 2026');
      await mailer.close();
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
