// The subscriber pages in a real browser (Debian Chromium through playwright-core) against the real server with
// the subscriber route: the unsubscribe link shows a button and does nothing until it is clicked; RFC 8058 one-click
// POST works without a browser; sign-up sends a confirm mail (file outbox) whose link activates the subscriber.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import type { Config } from '../../src/config/types.ts';
import { createFileMailer } from '../../src/digest/mailer.ts';
import { signToken } from '../../src/digest/tokens.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { createSubscriberRoutes, isPlainEmail } from '../../src/http/subscribers.ts';
import type { SqlStore } from '../../src/store/index.ts';
import { sqliteKind } from '../helpers/stores.ts';
import { testConfig } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const kind = sqliteKind();
const outbox = mkdtempSync(join(tmpdir(), 'tipwire-http-outbox-'));
let store: SqlStore;
let server: RunningServer;
let config: Config;
let browser: Browser | undefined;

beforeAll(async () => {
  store = await kind.open();
  let current = testConfig();
  server = await startServer(
    { config: () => current, store, log: silentLogger },
    [createSubscriberRoutes({ mailer: createFileMailer(outbox, silentLogger) })],
    { host: '127.0.0.1', port: 0 },
  );
  current = testConfig({ server: { baseUrl: server.url } });
  config = current;
  if (existsSync(CHROMIUM)) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
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
  it.skipIf(!existsSync(CHROMIUM))(
    'unsubscribe: the link shows a button; only the click unsubscribes',
    async () => {
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
    },
  );

  it.skipIf(!existsSync(CHROMIUM))(
    'sign-up → confirm mail → confirm link activates (Russian page)',
    async () => {
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
      await page.goto(confirmUrl!);
      expect(await page.textContent('main')).toContain('Подписка подтверждена');
      expect((await store.digest.getSubscriber(pending!.id))?.status).toBe('active');
      await page.close();
    },
  );
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
    expect((await store.digest.getSubscriber(s.id))?.status).toBe('unsubscribed');
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

  it('preferences: the signed link shows the choices and saves new ones', async () => {
    const s = await addActive('prefs@example.org');
    const token = signToken(config.app.digest.secret, 'preferences', s.id, new Date());
    const form = await fetch(`${server.url}/preferences?token=${token}`);
    expect(await form.text()).toContain('name="topics" value="trafficking"');
    const body = new URLSearchParams([
      ['topics', 'border'],
      ['topics', 'bogus'],
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
