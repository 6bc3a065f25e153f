// Screenshots of the reader site for the README, taken with the Debian Chromium (never a downloaded browser):
// the server with the test suite's site fixtures (fixed dates, so the pictures only change when the pages do), at
// 1280 and 390 px, the visible window only (small files).
//
//   npx tsx scripts/screenshots.ts            writes docs/screenshots/*.png
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../src/http/server.ts';
import { openStore } from '../src/store/index.ts';
import { testApp } from '../test/helpers/app.ts';
import { SITE_NOW, seedSite, testConfig } from '../test/http/site-fixtures.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'docs', 'screenshots');
const SHOTS = [
  { file: 'home-1280.png', path: '/?topic=migration', width: 1280, height: 860 },
  { file: 'home-390.png', path: '/?country=kz', width: 390, height: 844 },
  { file: 'story-1280.png', path: '/story/s-undated', width: 1280, height: 860 },
  {
    file: 'search-390.png',
    path: `/search?q=${encodeURIComponent('мигрант')}&lang=ru`,
    width: 390,
    height: 844,
  },
  { file: 'chart-390.png', path: '/#chart', width: 390, height: 700, scrollTo: 'figure.chart' },
];

const tmp = mkdtempSync(join(tmpdir(), 'tipwire-shots-'));
const store = await openStore(`sqlite:${join(tmp, 'site.db')}`);
await seedSite(store);
let config = testConfig();
const server = await startServer(testApp({ config: () => config, store, now: () => SITE_NOW }), {
  host: '127.0.0.1',
  port: 0,
});
config = testConfig({ baseUrl: server.url });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  mkdirSync(out, { recursive: true });
  for (const shot of SHOTS) {
    const page = await browser.newPage({ viewport: { width: shot.width, height: shot.height } });
    await page.goto(`${server.url}${shot.path}`);
    if (shot.scrollTo) await page.locator(shot.scrollTo).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(out, shot.file) });
    await page.close();
    console.log(`wrote docs/screenshots/${shot.file}`);
  }
} finally {
  await browser.close();
  await server.close();
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
}
