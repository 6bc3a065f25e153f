// The reader site in a real browser (Debian Chromium through playwright-core), at 1280 and 390 px, against the real
// server and a real SQLite store: navigation through the header and the links, filters and search as a reader uses
// them (labels, keyboard, no script), the hostile story shown as text with nothing run (CSP and escaping), nothing
// wider than the screen, landmarks, labels and contrast.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { testApp } from '../helpers/app.ts';
import { ATTACK_TITLE, SITE_NOW, seedSite, testConfig } from './site-fixtures.ts';
import { hasChromium, launchChromium, needs } from '../helpers/tools.ts';

const withBrowser = needs('Chromium', hasChromium, 'the site in Chromium', 'apt-get install chromium');

const tmp = mkdtempSync(join(tmpdir(), 'tipwire-site-browser-'));
let store: Store;
let server: RunningServer;
let browser: Browser | undefined;

beforeAll(async () => {
  store = await openStore(`sqlite:${join(tmp, 'site.db')}`);
  await seedSite(store);
  let current = testConfig();
  server = await startServer(testApp({ config: () => current, store, now: () => SITE_NOW }), {
    host: '127.0.0.1',
    port: 0,
  });
  current = testConfig({ baseUrl: server.url });
  if (withBrowser) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** A page that records console errors and failed requests, and runs no script of ours (there is none). */
async function open(width: number, height: number): Promise<{ page: Page; problems: string[] }> {
  const page = await browser!.newPage({ viewport: { width, height } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  return { page, problems };
}

/** Nothing sticks out sideways: the document is no wider than the window. */
// (Expressions as strings: the project's type-check has no DOM library, and the browser runs them, not node.)
const scrollWidth = async (page: Page): Promise<number> =>
  Number(await page.evaluate('document.documentElement.scrollWidth'));
const inPage = (page: Page, expression: string): Promise<unknown> => page.evaluate(expression);

/** WCAG relative-luminance contrast of an element's text colour on white. */
async function contrastOnWhite(page: Page, selector: string): Promise<number> {
  const color = String(
    await inPage(page, `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).color`),
  );
  const rgb = color.match(/\d+/g)?.map(Number) ?? [0, 0, 0];
  const lin = (c: number): number => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(rgb[0] ?? 0) + 0.7152 * lin(rgb[1] ?? 0) + 0.0722 * lin(rgb[2] ?? 0);
  return 1.05 / (l + 0.05);
}

for (const size of WIDTHS) {
  describe.skipIf(!withBrowser)(`the site in Chromium at ${size.width} px`, () => {
    it('home → a topic → a story → back home, through links and the header', async () => {
      const { page, problems } = await open(size.width, size.height);
      await page.goto(`${server.url}/`);
      expect(await page.title()).toBe('Latest stories · tipwire');
      for (const landmark of ['banner', 'main', 'contentinfo'])
        expect(await page.getByRole(landmark as 'banner').count()).toBe(1);
      expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(1);
      await page.locator('article').first().getByRole('link', { name: 'Human trafficking' }).click();
      await page.waitForURL(`${server.url}/topic/trafficking`);
      expect(await page.locator('h1').textContent()).toBe('Human trafficking');
      await page
        .getByRole('link', { name: 'UNODC trains Turkmen prosecutors on trafficking in persons' })
        .click();
      await page.waitForURL(`${server.url}/story/st-unodc`);
      expect(await page.getByRole('heading', { name: 'Every version and copy' }).isVisible()).toBe(true);
      expect(await page.locator('dl.versions dt').count()).toBe(3);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feeds' }).click();
      await page.waitForURL(`${server.url}/feeds`);
      expect(await page.getByRole('table', { name: 'By topic' }).isVisible()).toBe(true);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Latest' }).click();
      await page.waitForURL(`${server.url}/`);
      expect(
        await page.getByRole('contentinfo').getByRole('link', { name: 'Status' }).getAttribute('href'),
      ).toBe('/status');
      expect(await scrollWidth(page)).toBeLessThanOrEqual(size.width);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('filters work with labels and no script, and pages on to older stories', async () => {
      const { page, problems } = await open(size.width, size.height);
      await page.goto(`${server.url}/`);
      expect(await inPage(page, 'document.scripts.length')).toBe(0);
      await page.getByLabel('Country', { exact: true }).selectOption('kg');
      await page.getByLabel('Language', { exact: true }).selectOption('ru');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(/country=kg/);
      expect(new URL(page.url()).searchParams.get('lang')).toBe('ru');
      const titles = await page.locator('article h2').allTextContents();
      expect(titles[0]).toContain('Smugglers');
      expect(titles.length).toBeGreaterThan(3);
      await page.getByRole('link', { name: 'Clear the filters' }).click();
      await page.waitForURL(`${server.url}/`);
      await page.getByRole('link', { name: 'Older stories →' }).click();
      await page.waitForURL(`${server.url}/?page=2`);
      expect(await page.locator('article').count()).toBeGreaterThan(0);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(size.width);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('search from the keyboard: skip link, type the words, Enter; the results offer their feed', async () => {
      const { page, problems } = await open(size.width, size.height);
      await page.goto(`${server.url}/search`);
      await page.keyboard.press('Tab');
      expect(await inPage(page, 'document.activeElement?.textContent')).toBe('Skip to the content');
      await page.keyboard.press('Enter');
      expect(await inPage(page, 'document.activeElement?.id')).toBe('content');
      await page.getByLabel('Words to find').fill('казакстан');
      await page.keyboard.press('Enter');
      await page.waitForURL(/q=/);
      expect(await page.locator('h1').textContent()).toBe('Search: казакстан');
      expect(await page.locator('article h2').allTextContents()).toEqual([
        'Адам саудасына қарсы күрес: жаңа заң',
      ]);
      const feed = page.getByRole('link', { name: 'Atom' });
      expect(await feed.getAttribute('href')).toBe(
        `${server.url}/search.atom?q=%D0%BA%D0%B0%D0%B7%D0%B0%D0%BA%D1%81%D1%82%D0%B0%D0%BD`,
      );
      expect(await scrollWidth(page)).toBeLessThanOrEqual(size.width);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('a story with hostile title and summary shows them as text and runs nothing', async () => {
      const { page, problems } = await open(size.width, size.height);
      for (const path of ['/', '/story/s-attack', `/search?q=${encodeURIComponent('trafficking ring')}`]) {
        await page.goto(`${server.url}${path}`);
        expect(await inPage(page, 'window.__pwned')).toBeUndefined();
        expect(await inPage(page, 'document.scripts.length')).toBe(0);
        expect(await page.locator('main img, main iframe, main [onerror], main [onload]').count()).toBe(0);
        expect(await page.locator('main a[href^="javascript:"]').count()).toBe(0);
      }
      await page.goto(`${server.url}/story/s-attack`);
      expect(await page.locator('h1').textContent()).toBe(ATTACK_TITLE);
      expect(await page.locator('main').textContent()).toContain('<script>window.__pwned=3</script>');
      // The page's only foreign bytes are the stylesheet of its own origin: CSP refused nothing because nothing asked.
      expect(problems).toEqual([]);
      await page.close();
    });

    it('charts fit the screen, are images with a name and a description, and keep their numbers in a table', async () => {
      const { page, problems } = await open(size.width, size.height);
      await page.goto(`${server.url}/`);
      const chart = page.getByRole('img', { name: 'Stories per week by topic' });
      expect(await chart.isVisible()).toBe(true);
      const box = await chart.boundingBox();
      expect(box?.width ?? 0).toBeLessThanOrEqual(size.width);
      expect(box?.width ?? 0).toBeGreaterThan(300);
      // The smallest text of the chart stays readable on a phone.
      const smallest = await page.$$eval('svg[role=img] text', (texts) =>
        Math.min(...texts.map((t) => t.getBoundingClientRect().height)),
      );
      expect(smallest).toBeGreaterThanOrEqual(8);
      await page.getByText('The numbers behind the chart').first().click();
      expect(await page.getByRole('table', { name: /Stories per week by topic/ }).isVisible()).toBe(true);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(size.width);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('every control has a label, the language is declared, and text has enough contrast', async () => {
      const { page } = await open(size.width, size.height);
      for (const path of ['/', '/search?q=migrant', '/story/s-undated', '/feeds']) {
        await page.goto(`${server.url}${path}`);
        expect(await page.getAttribute('html', 'lang')).toBe('en');
        const unlabelled = await inPage(
          page,
          `[...document.querySelectorAll('input, select, button')]
            .filter((c) => !(c.id && document.querySelector('label[for="' + c.id + '"]'))
              && !c.getAttribute('aria-label') && !c.textContent.trim())
            .map((c) => c.outerHTML)`,
        );
        expect(unlabelled, path).toEqual([]);
        expect(await page.locator('h1').count()).toBe(1);
      }
      await page.goto(`${server.url}/`);
      expect(await contrastOnWhite(page, 'main h1')).toBeGreaterThanOrEqual(7);
      expect(await contrastOnWhite(page, 'article .meta')).toBeGreaterThanOrEqual(4.5);
      expect(await contrastOnWhite(page, 'article h2 a')).toBeGreaterThanOrEqual(4.5);
      expect(await contrastOnWhite(page, 'p.feeds a')).toBeGreaterThanOrEqual(4.5);
      await page.close();
    });
  });
}
