// A subscriber's whole path in a real browser (Debian Chromium through playwright-core, 390 px wide), against the
// real server, SQLite store, file mailer and digest job, with one clock for all of them:
// sign up (the zone follows the chosen country, no script) → the confirm link shows a button and confirms only on
// the click → preferences: zone, day and hour → the digest is sent at that hour, and its "view in your browser" link
// shows the same digest on its archive page (same period, same stories), which the archive index lists →
// unsubscribe shows the masked address and unsubscribes on the click. No page breaks its Content-Security-Policy
// or scrolls sideways.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.ts';
import type { ClassifiedItem } from '../../src/core/types.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createFileMailer } from '../../src/digest/mailer.ts';
import { createRoutes } from '../../src/http/routes.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { runDigests } from '../../src/jobs/digest.ts';
import { createClientLimiter } from '../../src/jobs/subscribers.ts';
import type { Store } from '../../src/store/index.ts';
import { testConfig } from '../digest/helpers.ts';
import { testApp } from '../helpers/app.ts';
import { sqliteKind } from '../helpers/stores.ts';
import { hasChromium, needs, launchChromium } from '../helpers/tools.ts';

const withBrowser = needs(
  'Chromium',
  hasChromium,
  'the subscriber journey in a real browser',
  'apt-get install chromium',
);
const kind = sqliteKind();
const outbox = mkdtempSync(join(tmpdir(), 'tipwire-journey-outbox-'));
let store: Store;
let server: RunningServer;
let config: Config;
let browser: Browser | undefined;
let clock = new Date('2026-11-30T10:00:00.000Z'); // Monday
const mailer = createFileMailer(outbox, silentLogger);
const app = () => testApp({ config: () => config, store, mailer, now: () => clock });

beforeAll(async () => {
  store = await kind.open();
  config = testConfig();
  server = await startServer(app(), {
    host: '127.0.0.1',
    port: 0,
    routes: createRoutes({ signups: createClientLimiter(1000) }),
  });
  config = testConfig({ server: { baseUrl: server.url } });
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

/** The newest mail in the outbox whose file name starts with prefix. */
async function lastMail(prefix: string): Promise<ParsedMail> {
  const file = readdirSync(outbox)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.eml'))
    .sort()
    .at(-1);
  expect(file, `a mail ${prefix}* in the outbox`).toBeDefined();
  return simpleParser(readFileSync(join(outbox, file!)));
}

const link = (text: string | undefined, label: string): string => {
  const url = new RegExp(`${label}:\\s+(http://127\\.0\\.0\\.1:\\d+/\\S+)`).exec(text ?? '')?.[1];
  expect(url, `"${label}: URL" in the text part`).toBeDefined();
  return url!;
};

/** Every page: no CSP violation reported, nothing wider than the 390 px viewport. */
async function checkPage(page: Page, problems: string[]): Promise<void> {
  const width = await page.evaluate<number>('document.documentElement.scrollWidth');
  expect(width, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(390);
  expect(problems, page.url()).toEqual([]);
}

async function seedWeek(): Promise<void> {
  // Published 25–27 Nov, found by polls on 1 and 2 Dec: inside the subscriber's first window.
  const stories = [
    {
      id: 'j-court',
      title: 'Court jails recruiter who sent Kyrgyz women to the Emirates',
      topics: ['trafficking'],
      countries: ['kg', 'ae'],
      published: '2026-11-25T09:00:00.000Z',
      seen: '2026-12-01T09:00:00.000Z',
    },
    {
      id: 'j-hotline',
      title: 'Hotline for victims of trafficking opens in Osh',
      topics: ['trafficking'],
      countries: ['kg'],
      published: '2026-11-27T09:00:00.000Z',
      seen: '2026-12-02T09:00:00.000Z',
    },
  ];
  const items: ClassifiedItem[] = stories.map((s) => ({
    id: `${s.id}-i`,
    sourceId: '24kg-en',
    url: `https://news.example/${s.id}`,
    link: `https://news.example/${s.id}`,
    title: s.title,
    summary: `${s.title}. Details in the article.`,
    categories: [],
    publishedAt: s.published,
    language: 'en',
    country: 'kg',
    fetchedAt: s.seen,
  }));
  await store.upsertItems(items);
  for (const s of stories)
    await store.saveClassification(
      `${s.id}-i`,
      {
        language: 'en',
        topics: s.topics.map((topic) => ({ topic, score: 2, evidence: [] })),
        countries: s.countries,
      },
      'test',
    );
  await store.saveStories(
    stories.map((s) => ({
      id: s.id,
      representativeItemId: `${s.id}-i`,
      topics: s.topics,
      countries: [...s.countries].sort(),
      languages: ['en'],
      firstSeenAt: s.seen,
      updatedAt: s.seen,
    })),
    stories.map((s) => ({ itemId: `${s.id}-i`, storyId: s.id })),
  );
}

describe('a subscriber’s path in Chromium', () => {
  it.skipIf(!withBrowser)(
    'subscribe → confirm (POST) → preferences (zone, day, hour) → digest and its archive page → unsubscribe',
    async () => {
      const context = await browser!.newContext({
        viewport: { width: 390, height: 844 },
        locale: 'en-GB',
        extraHTTPHeaders: { 'Accept-Language': 'en-GB,en;q=0.8' },
      });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
      });
      page.on('pageerror', (err) => problems.push(err.message));

      // 1. Sign up: the zone list opens on "automatic", naming the browser's guess; kg is chosen, so Bishkek.
      await page.goto(`${server.url}/subscribe`);
      await checkPage(page, problems);
      const auto = page.locator('#timeZone option:checked');
      expect(await auto.getAttribute('value')).toBe('auto');
      expect(await auto.textContent()).toContain('Europe/London');
      expect(await page.locator('#sendDay option:checked').textContent()).toBe('Monday');
      expect(await page.locator('#sendHour option:checked').textContent()).toBe('07:00');
      await page.getByLabel('E-mail address').fill('journey@example.org');
      await page.getByLabel('Trafficking in persons').check();
      await page.getByLabel('Kyrgyzstan').check();
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.waitForSelector('[role=status]');
      const pending = await store.digest.getSubscriberByEmail('journey@example.org');
      expect(pending).toMatchObject({
        status: 'pending',
        timeZone: 'Asia/Bishkek',
        countries: ['kg'],
        sendDay: 1,
        sendHour: 7,
      });

      // 2. The confirm link: who (masked) and a button; opening it confirms nothing, the click does.
      const confirmMail = await lastMail(`confirm-${pending!.id}`);
      await page.goto(link(confirmMail.text, 'Confirm my subscription'));
      await checkPage(page, problems);
      expect(await page.textContent('main')).toContain('j***@example.org');
      expect(await page.textContent('main')).not.toContain('journey@');
      expect((await store.digest.getSubscriber(pending!.id))?.status).toBe('pending');
      await page.getByRole('button', { name: 'Confirm my subscription' }).click();
      await page.waitForSelector('[role=status]');
      expect(await page.textContent('main')).toContain('every Monday at 07:00, Asia/Bishkek time');
      expect((await store.digest.getSubscriber(pending!.id))?.status).toBe('active');

      // 3. Preferences, reached from the confirmation: Tashkent, Fridays at 18:00.
      await page.getByRole('link', { name: 'Change your choices' }).click();
      await checkPage(page, problems);
      expect(await page.locator('#timeZone option:checked').getAttribute('value')).toBe('Asia/Bishkek');
      await page.selectOption('#timeZone', 'Asia/Tashkent');
      await page.selectOption('#sendDay', '5');
      await page.selectOption('#sendHour', '18');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForSelector('[role=status]');
      expect(await page.textContent('main')).toContain('every Friday at 18:00, Asia/Tashkent time');
      expect(await store.digest.getSubscriber(pending!.id)).toMatchObject({
        timeZone: 'Asia/Tashkent',
        sendDay: 5,
        sendHour: 18,
      });

      // 4. The digest goes out on Friday 4 Dec at 18:00 in Tashkent (13:00 UTC), not before.
      await seedWeek();
      const deps = { store, mailer, config, log: silentLogger };
      clock = new Date('2026-12-04T12:59:00.000Z');
      expect(await runDigests(deps, { now: clock })).toMatchObject({ sent: 0 });
      clock = new Date('2026-12-04T13:00:00.000Z');
      expect(await runDigests(deps, { now: clock })).toMatchObject({ sent: 1 });
      const digest = await lastMail('2026-W49-');
      expect(digest.subject).toBe('Trafficking & migration digest, 25–27 Nov 2026: 2 stories');

      // Its web view: the same period and stories, the subscriber's choices, not their address.
      await page.goto(link(digest.text, 'View in your browser'));
      await checkPage(page, problems);
      expect(await page.textContent('h1')).toBe('Trafficking & migration digest, 25–27 Nov 2026');
      const main = (await page.textContent('main')) ?? '';
      expect(main).toContain('Court jails recruiter who sent Kyrgyz women to the Emirates');
      expect(main).toContain('Hotline for victims of trafficking opens in Osh');
      expect(main).toContain('Also about: United Arab Emirates');
      expect(main).toContain('as it was sent to one subscriber');
      expect(main).not.toContain('journey@');
      expect(await page.locator('table.counts tbody tr').count()).toBe(1); // the one chosen topic

      // The archive lists the period under the same name; its public page names it alike.
      await page.goto(`${server.url}/digest`);
      await checkPage(page, problems);
      await page.getByRole('link', { name: '25–27 Nov 2026' }).click();
      await checkPage(page, problems);
      expect(await page.textContent('h1')).toBe('Trafficking & migration digest, 25–27 Nov 2026');
      expect(page.url()).toBe(`${server.url}/digest/2026-W49`);

      // 5. Unsubscribe from the mail: the masked address, a button; the click unsubscribes.
      await page.goto(link(digest.text, 'Unsubscribe'));
      await checkPage(page, problems);
      expect(await page.textContent('main')).toContain(
        'Stop sending the tipwire digest to j***@example.org?',
      );
      expect((await store.digest.getSubscriber(pending!.id))?.status).toBe('active');
      await page.getByRole('button', { name: 'Unsubscribe' }).click();
      await page.waitForSelector('[role=status]');
      expect(await page.textContent('main')).toContain('No more digests will be sent to j***@example.org');
      expect((await store.digest.getSubscriber(pending!.id))?.status).toBe('unsubscribed');
      await context.close();
    },
    60_000,
  );
});
