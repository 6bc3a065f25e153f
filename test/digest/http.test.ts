// The subscriber pages in a real browser (Debian Chromium through playwright-core) against the real server, store
// and file mailer: the unsubscribe link shows a button and does nothing until it is clicked; RFC 8058 one-click POST
// works without a browser; sign-up sends a confirm mail whose link shows a button that activates the subscriber (a
// GET, as mail scanners send, changes nothing); re-sends to a pending
// address are rate-limited; cross-site POSTs are refused; every page carries the same strict CSP.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import type { Config } from '../../src/config/types.ts';
import { createFileMailer } from '../../src/digest/mailer.ts';
import { signToken } from '../../src/digest/tokens.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/http/layout.ts';
import { createRoutes } from '../../src/http/routes.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { createClientLimiter, isPlainEmail } from '../../src/jobs/subscribers.ts';
import type { Store } from '../../src/store/index.ts';
import { testApp } from '../helpers/app.ts';
import { sqliteKind } from '../helpers/stores.ts';
import { hasChromium, needs, launchChromium } from '../helpers/tools.ts';
import { testConfig } from './helpers.ts';

const withBrowser = needs(
  'Chromium',
  hasChromium,
  'the subscriber pages in a real browser',
  'apt-get install chromium',
);
const kind = sqliteKind();
const outbox = mkdtempSync(join(tmpdir(), 'tipwire-http-outbox-'));
let store: Store;
let server: RunningServer;
let config: Config;
let browser: Browser | undefined;

beforeAll(async () => {
  store = await kind.open();
  let current = testConfig();
  server = await startServer(
    testApp({ config: () => current, store, mailer: createFileMailer(outbox, silentLogger) }),
    // Room for the tests' own sign-ups from 127.0.0.1; the per-client limit has a test of its own below.
    { host: '127.0.0.1', port: 0, routes: createRoutes({ signups: createClientLimiter(1000) }) },
  );
  current = testConfig({ server: { baseUrl: server.url } });
  config = current;
  if (withBrowser) {
    browser = await launchChromium();
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  await kind.cleanup();
  rmSync(outbox, { recursive: true, force: true });
});

const addActive = (email: string, locale = 'en') =>
  store.digest.addSubscriber({
    email,
    locale,
    timeZone: 'Asia/Almaty',
    topics: [],
    countries: [],
    languages: [],
    frequency: 'weekly',
    status: 'active',
  });

describe('subscriber pages in Chromium', () => {
  it.skipIf(!withBrowser)('unsubscribe: the link shows a button; only the click unsubscribes', async () => {
    const s = await addActive('leaving@example.org');
    const link = `${server.url}/unsubscribe?token=${signToken(config.app.digest.secret, 'unsubscribe', s.id, new Date())}`;
    const page = await browser!.newPage();
    await page.goto(link);
    const button = page.getByRole('button', { name: 'Unsubscribe' });
    await expect(button.isVisible()).resolves.toBe(true);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect((await store.digest.getSubscriber(s.id))?.status).toBe('active'); // opening the page did nothing
    await button.click();
    await page.waitForSelector('[role=status]');
    expect(await page.textContent('main')).toContain('You are unsubscribed');
    expect((await store.digest.getSubscriber(s.id))?.status).toBe('unsubscribed');
    await page.close();
  });

  it.skipIf(!withBrowser)('sign-up → confirm mail → confirm link activates (Russian page)', async () => {
    const page = await browser!.newPage({ locale: 'ru-RU', extraHTTPHeaders: { 'Accept-Language': 'ru' } });
    await page.goto(`${server.url}/subscribe`);
    await page.getByLabel('Адрес электронной почты').fill('novyi@example.org');
    await page.getByLabel('Торговля людьми').check();
    await page.getByLabel('Киргизия').check();
    await page.selectOption('#locale', 'ru');
    await page.getByRole('button', { name: 'Подписаться' }).click();
    await page.waitForSelector('[role=status]');
    expect(await page.textContent('main')).toContain('письмо для подтверждения');
    const pending = await store.digest.getSubscriberByEmail('novyi@example.org');
    expect(pending).toMatchObject({
      status: 'pending',
      topics: ['trafficking'],
      countries: ['kg'],
      locale: 'ru',
    });

    const file = readdirSync(outbox).find((name) => name.startsWith(`confirm-${pending!.id}`));
    expect(file).toBeDefined();
    const mail = await simpleParser(readFileSync(join(outbox, file!)));
    expect(mail.subject).toBe('Подтвердите подписку на дайджест tipwire');
    const confirmUrl = /(http:\/\/127\.0\.0\.1:\d+\/confirm\?token=\S+)/.exec(mail.text ?? '')?.[1];
    expect(confirmUrl).toBeDefined();
    // Opening the link (as a mail scanner would) shows who and a button; only the click confirms.
    await page.goto(confirmUrl!);
    expect(await page.textContent('main')).toContain('n***@example.org');
    expect((await store.digest.getSubscriber(pending!.id))?.status).toBe('pending');
    await page.getByRole('button', { name: 'Подтвердить подписку' }).click();
    await page.waitForSelector('[role=status]');
    expect(await page.textContent('main')).toContain('Подписка подтверждена');
    expect((await store.digest.getSubscriber(pending!.id))?.status).toBe('active');
    await page.close();
  });
});

describe('subscriber endpoints over plain HTTP', () => {
  it('one-click POST (RFC 8058) unsubscribes; a bad token changes nothing', async () => {
    const s = await addActive('oneclick@example.org');
    const token = signToken(config.app.digest.secret, 'unsubscribe', s.id, new Date());
    const bad = await fetch(`${server.url}/unsubscribe?token=${token.slice(0, -3)}xyz`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
    });
    expect(bad.status).toBe(400);
    expect((await store.digest.getSubscriber(s.id))?.status).toBe('active');
    const get = await fetch(`${server.url}/unsubscribe?token=${token}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await store.digest.getSubscriber(s.id))?.status).toBe('active');
    const res = await fetch(`${server.url}/unsubscribe?token=${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect((await store.digest.getSubscriber(s.id))?.status).toBe('unsubscribed');
  });

  it('a confirm token cannot unsubscribe, and an unsubscribed address cannot be re-confirmed by an old link', async () => {
    const s = await addActive('mixed@example.org');
    const confirm = signToken(config.app.digest.secret, 'confirm', s.id, new Date());
    expect((await fetch(`${server.url}/unsubscribe?token=${confirm}`, { method: 'POST' })).status).toBe(400);
    const unsub = signToken(config.app.digest.secret, 'unsubscribe', s.id, new Date());
    await fetch(`${server.url}/unsubscribe?token=${unsub}`, { method: 'POST' });
    const again = await fetch(`${server.url}/confirm?token=${confirm}`);
    expect(await again.text()).toContain('already confirmed');
    const posted = await fetch(`${server.url}/confirm?token=${confirm}`, { method: 'POST' });
    expect(await posted.text()).toContain('already confirmed');
    expect((await store.digest.getSubscriber(s.id))?.status).toBe('unsubscribed');
  });

  it('a confirm link fetched (as mail scanners do) confirms nothing; the POST of its button does', async () => {
    const s = await store.digest.addSubscriber({
      email: 'scanned@example.org',
      locale: 'en',
      timeZone: 'Asia/Bishkek',
      topics: [],
      countries: [],
      languages: [],
      frequency: 'weekly',
      status: 'pending',
    });
    const link = `${server.url}/confirm?token=${signToken(config.app.digest.secret, 'confirm', s.id, new Date())}`;
    for (const method of ['GET', 'HEAD', 'GET']) {
      expect((await fetch(link, { method, redirect: 'manual' })).status).toBe(200);
    }
    const page = await (await fetch(link)).text();
    expect(page).toContain('s***@example.org');
    expect(page).toContain('<form method="post"');
    expect((await store.digest.getSubscriber(s.id))?.status).toBe('pending');
    const confirmed = await fetch(link, { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin' } });
    expect(await confirmed.text()).toContain('Your subscription is confirmed');
    expect((await store.digest.getSubscriber(s.id))?.status).toBe('active');
  });

  it('refuses header-injection and malformed addresses at sign-up', async () => {
    const res = await fetch(`${server.url}/subscribe`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'a@example.org\r\nBcc: victim@example.org' }).toString(),
    });
    expect(res.status).toBe(400);
    expect(await store.digest.getSubscriberByEmail('a@example.org')).toBeUndefined();
  });

  it.each([
    ['plain', 'name@example.org', true],
    ['subdomain', 'a.b+tag@mail.example.co.uk', true],
    ['display name', 'Name <name@example.org>', false],
    ['CRLF', 'a@example.org\r\nBcc: x@example.org', false],
    ['two addresses', 'a@example.org,b@example.org', false],
    ['no domain dot', 'a@localhost', false],
  ])('isPlainEmail: %s', (_name, value, ok) => expect(isPlainEmail(value)).toBe(ok));

  it('preferences: the signed link shows the choices and saves new ones; an unknown choice is refused by name', async () => {
    const s = await addActive('prefs@example.org');
    const token = signToken(config.app.digest.secret, 'preferences', s.id, new Date());
    const form = await fetch(`${server.url}/preferences?token=${token}`);
    expect(await form.text()).toContain('name="topics" value="trafficking"');
    const refused = await fetch(`${server.url}/preferences?token=${token}`, {
      method: 'POST',
      body: new URLSearchParams([
        ['topics', 'border'],
        ['topics', 'bogus'],
      ]),
    });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('bogus');
    expect(page).toContain('trafficking');
    expect((await store.digest.getSubscriber(s.id))?.topics).toEqual([]);
    const body = new URLSearchParams([
      ['topics', 'border'],
      ['countries', 'tj'],
      ['locale', 'ru'],
      ['frequency', 'daily'],
    ]);
    const saved = await fetch(`${server.url}/preferences?token=${token}`, { method: 'POST', body });
    expect(await saved.text()).toContain('Выбор сохранён');
    expect(await store.digest.getSubscriber(s.id)).toMatchObject({
      topics: ['border'],
      countries: ['tj'],
      locale: 'ru',
      frequency: 'daily',
      status: 'active',
    });
  });
});

const confirmMails = (id: string): string[] =>
  readdirSync(outbox).filter((name) => name.startsWith(`confirm-${id}-`));

const signUp = (email: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/subscribe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ email, locale: 'en', frequency: 'weekly' }).toString(),
  });

describe('sign-up abuse (issue 16.1)', () => {
  it('twenty sign-ups for one pending address send one confirmation mail, and every answer reads the same', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const res = await signUp('flooded@example.org', { Origin: server.url });
      expect(res.status).toBe(200);
      answers.push(await res.text());
    }
    const subscriber = await store.digest.getSubscriberByEmail('flooded@example.org');
    expect(subscriber?.status).toBe('pending');
    expect(confirmMails(subscriber!.id)).toHaveLength(1);
    expect(new Set(answers).size).toBe(1);
    // An active address gets the same answer and no mail.
    const active = await addActive('already@example.org');
    const res = await signUp('already@example.org');
    expect(await res.text()).toBe(answers[0]);
    expect(confirmMails(active.id)).toHaveLength(0);
  });

  it('the next confirmation mail goes after an hour, the one after that only after two more', async () => {
    let now = new Date('2026-03-02T10:00:00Z');
    const app = testApp({ config, store, mailer: createFileMailer(outbox, silentLogger), now: () => now });
    const { subscribe } = await import('../../src/jobs/subscribers.ts');
    const mailed = async (): Promise<boolean> => {
      const outcome = await subscribe(app, { email: 'later@example.org' });
      return outcome.status === 'accepted' && outcome.mailed;
    };
    expect(await mailed()).toBe(true);
    now = new Date('2026-03-02T10:59:00Z');
    expect(await mailed()).toBe(false);
    now = new Date('2026-03-02T11:00:00Z');
    expect(await mailed()).toBe(true);
    now = new Date('2026-03-02T12:59:00Z');
    expect(await mailed()).toBe(false);
    now = new Date('2026-03-02T13:00:00Z');
    expect(await mailed()).toBe(true);
  });

  it('cross-site POSTs to /subscribe and /preferences are refused and change nothing', async () => {
    const evil = await signUp('victim@example.org', { Origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    const fetchSite = await signUp('victim@example.org', { 'Sec-Fetch-Site': 'cross-site' });
    expect(fetchSite.status).toBe(403);
    expect(await store.digest.getSubscriberByEmail('victim@example.org')).toBeUndefined();

    const s = await addActive('target@example.org');
    const token = signToken(config.app.digest.secret, 'preferences', s.id, new Date());
    const res = await fetch(`${server.url}/preferences?token=${token}`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example' },
      body: new URLSearchParams([['frequency', 'daily']]),
    });
    expect(res.status).toBe(403);
    expect((await store.digest.getSubscriber(s.id))?.frequency).toBe('weekly');
    // The same form from our own origin is accepted.
    const ours = await fetch(`${server.url}/preferences?token=${token}`, {
      method: 'POST',
      headers: { Origin: server.url, 'Sec-Fetch-Site': 'same-origin' },
      body: new URLSearchParams([['frequency', 'daily']]),
    });
    expect(ours.status).toBe(200);
    expect((await store.digest.getSubscriber(s.id))?.frequency).toBe('daily');
  });

  it('one client is held back after its sign-up allowance, whatever the address', async () => {
    const limited = await startServer(
      testApp({ config, store, mailer: createFileMailer(outbox, silentLogger) }),
      { host: '127.0.0.1', port: 0, routes: createRoutes({ signups: createClientLimiter(3) }) },
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const res = await fetch(`${limited.url}/subscribe`, {
          method: 'POST',
          body: new URLSearchParams({ email: `many${i}@example.org` }),
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(await store.digest.getSubscriberByEmail('many4@example.org')).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});

describe('one Content-Security-Policy for every page (issue 16.6)', () => {
  it.each(['/stories', '/subscribe', '/status', '/confirm?token=x', '/feeds/all.atom', '/nothing-here'])(
    '%s',
    async (path) => {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
      expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    },
  );
});
