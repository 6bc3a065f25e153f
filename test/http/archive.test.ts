// The digest archive over plain HTTP, against the real server, SQLite store, file mailer and digest job: a sent
// period is a page named like its mails, a period nobody was sent is not; filters are checked like a subscriber's
// choices; a forged or foreign view token gives the public edition, never someone's digest; hostile feed text comes
// out as text.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createFileMailer } from '../../src/digest/mailer.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { runDigests } from '../../src/jobs/digest.ts';
import type { Store } from '../../src/store/index.ts';
import { seedStories, testConfig } from '../digest/helpers.ts';
import { hostileStory, sampleStories } from '../digest/sample.ts';
import { testApp } from '../helpers/app.ts';
import { sqliteKind } from '../helpers/stores.ts';

const kind = sqliteKind();
const outbox = mkdtempSync(join(tmpdir(), 'tipwire-archive-outbox-'));
let store: Store;
let server: RunningServer;
let config: Config;
let subject = '';
let viewUrl = '';

beforeAll(async () => {
  store = await kind.open();
  config = testConfig();
  const mailer = createFileMailer(outbox, silentLogger);
  server = await startServer(testApp({ config: () => config, store, mailer }), {
    host: '127.0.0.1',
    port: 0,
  });
  config = testConfig({ server: { baseUrl: server.url } });
  await seedStories(store, [
    ...sampleStories(12, '2026-11-23T05:00:00.000Z', '2026-11-29T00:00:00.000Z'),
    hostileStory('2026-11-26T10:00:00.000Z'),
  ]);
  await store.digest.addSubscriber({
    email: 'reader@example.org',
    locale: 'ru',
    timeZone: 'UTC',
    topics: ['trafficking'],
    countries: [],
    languages: [],
    frequency: 'weekly',
    status: 'active',
    createdAt: '2026-10-01T00:00:00.000Z',
    confirmedAt: '2026-10-01T00:00:00.000Z',
  });
  await runDigests(
    { store, mailer, config, log: silentLogger },
    { now: new Date('2026-11-30T08:00:00.000Z') },
  );
  const file = readdirSync(outbox).find((name) => name.endsWith('.eml'))!;
  const mail = await simpleParser(readFileSync(join(outbox, file)));
  subject = mail.subject ?? '';
  viewUrl = /Открыть в браузере: (\S+)/.exec(mail.text ?? '')?.[1] ?? '';
});

afterAll(async () => {
  await server?.close();
  await store?.close();
  await kind.cleanup();
  rmSync(outbox, { recursive: true, force: true });
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(path.startsWith('http') ? path : `${server.url}${path}`, { headers });
  return { status: res.status, html: await res.text(), headers: res.headers };
};

const heading = (html: string): string => /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '';

describe('the digest archive', () => {
  it('the mail’s view link shows that digest, named as its subject names it, kept from search engines', async () => {
    expect(viewUrl).toMatch(/\/digest\/2026-W48\?view=view\./);
    const page = await get(viewUrl);
    expect(page.status).toBe(200);
    const period = /, (\d.*): \d+ материал/.exec(subject)?.[1];
    expect(period).toBeDefined();
    expect(heading(page.html)).toBe(`Дайджест: торговля людьми и миграция, ${period}`);
    expect(page.html).toContain('<html lang="ru">');
    expect(page.html).toContain('<meta name="robots" content="noindex">');
    expect(page.html).not.toContain('reader@example.org');
    expect(page.html).not.toContain('id="topic-labour-migration"'); // the subscriber chose one topic
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('the public edition: every topic, in the reader’s language; hostile text stays text', async () => {
    const page = await get('/digest/2026-W48', { 'Accept-Language': 'en' });
    expect(page.status).toBe(200);
    expect(heading(page.html)).toMatch(/^Trafficking &amp; migration digest, \d/);
    for (const topic of ['trafficking', 'labour-migration', 'border'])
      expect(page.html).toContain(`id="topic-${topic}"`);
    expect(page.html).not.toContain('<script>');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.html).not.toContain('javascript:');
    expect(page.html).toMatch(/<meter min="0" max="\d+" value="\d+">/);
  });

  it.each([
    ['a forged view token', '/digest/2026-W48?view=view.tid.1796000400.forged', 200],
    ['a period nobody was sent', '/digest/2026-W47', 404],
    ['no period at all', '/digest/latest', 404],
    ['an unknown topic', '/digest/2026-W48?topic=nope', 400],
  ])('%s', async (_name, path, status) => {
    const page = await get(path, { 'Accept-Language': 'en' });
    expect(page.status).toBe(status);
    if (status === 200) expect(page.html).not.toContain('noindex');
    if (status === 400) expect(page.html).toContain('nope is not offered');
  });

  it('filters narrow the public edition and say so', async () => {
    const page = await get('/digest/2026-W48?topic=border&country=tm', { 'Accept-Language': 'en' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('id="topic-border"');
    expect(page.html).not.toContain('id="topic-trafficking"');
    expect(page.html).toContain('All stories of this digest');
  });

  it('the index lists the period under the name its page has', async () => {
    const index = await get('/digest', { 'Accept-Language': 'en' });
    const edition = await get('/digest/2026-W48', { 'Accept-Language': 'en' });
    const name = heading(edition.html).replace('Trafficking &amp; migration digest, ', '');
    expect(index.html).toContain(`<a href="/digest/2026-W48">${name}</a>`);
  });
});
