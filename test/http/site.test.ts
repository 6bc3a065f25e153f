// The reader site over a real node:http server on 127.0.0.1 and a real SQLite store (the pages in Chromium are in
// site.browser.test.ts): lists in the order stories happened with the guessed dates said, filters and their
// mistakes, slice pages that announce their feeds, feeds whose rel="alternate" leads to those pages, a story with
// every version and the words that chose it, search as a page and as a feed, the feeds index and its OPML, the old
// /stories address, empty feeds dated by the store, and hostile text escaped on every page.
import { XMLValidator } from 'fast-xml-parser';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/http/layout.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { testApp } from '../helpers/app.ts';
import { feedparser } from '../publish/checkers.ts';
import { ATTACK_TITLE, GENERATED, SITE_NOW, seedSite, testConfig } from './site-fixtures.ts';

const tmp = mkdtempSync(join(tmpdir(), 'tipwire-site-'));
let store: Store;
let server: RunningServer;

beforeAll(async () => {
  store = await openStore(`sqlite:${join(tmp, 'site.db')}`);
  await seedSite(store);
  let current = testConfig();
  server = await startServer(testApp({ config: () => current, store, now: () => SITE_NOW }), {
    host: '127.0.0.1',
    port: 0,
  });
  current = testConfig({ baseUrl: server.url });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function page(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Story ids of the list on a page, in order. */
const listed = (html: string): string[] =>
  [...html.matchAll(/<h2[^>]*><a href="\/story\/([^"]+)"/g)].map((m) => decodeURIComponent(m[1] ?? ''));

describe('lists', () => {
  it('the home page lists stories by first publication, newest first, 50 a page, and says when a date was guessed', async () => {
    const home = await page('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const first = listed(home.text);
    expect(first).toHaveLength(50);
    // The attack (7 Mar), the undated story (fetched 6 Mar), then the fixtures by publication: the generated
    // stories were all "first seen" on 6 Mar by one batch poll, yet they sit where they were published.
    expect(first.slice(0, 7)).toEqual([
      's-attack',
      's-undated',
      'st-linkonly',
      'st-badlinks',
      'st-hostile',
      'st-unodc',
      's-g000',
    ]);
    expect(home.text).toContain('first seen Mar 6, 2026 (the outlet gave no date)');
    expect(home.text).toContain('<a rel="next" href="/?page=2">Older stories →</a>');
    const second = await page('/?page=2');
    const rest = listed(second.text);
    expect(rest).toHaveLength(6 + GENERATED - 50 + 0);
    expect(new Set([...first, ...rest]).size).toBe(first.length + rest.length);
    expect(second.text).toContain('<a rel="prev" href="/">← Newer stories</a>');
  });

  it('filters by topic, country, language and period, and reports what it could not use', async () => {
    const migration = listed((await page('/?topic=migration')).text);
    expect(migration).toContain('st-badlinks');
    expect(migration).not.toContain('st-unodc');
    expect(listed((await page('/?country=kg&lang=ru')).text).slice(0, 2)).toEqual(['st-hostile', 's-g000']);
    // Seven days before 10 Mar 12:00: the Osh story of 3 Mar 06:30 is just out.
    expect(listed((await page('/?period=7d')).text)).toEqual([
      's-attack',
      's-undated',
      'st-linkonly',
      'st-badlinks',
    ]);
    const wrong = await page('/?topic=nonsense&country=kyrgyzstan');
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('“nonsense” is not a known topic: that filter was left out.');
    expect(wrong.text).toContain('“kyrgyzstan” is not a known country');
    expect(listed(wrong.text)).toHaveLength(50);
    // The chosen values stay selected in the form, which is a GET form (works without script).
    const chosen = await page('/?country=kg');
    expect(chosen.text).toMatch(/<form method="get" action="\/"/);
    expect(chosen.text).toContain('<option value="kg" selected>Kyrgyzstan</option>');
    expect(chosen.text).toContain('href="http://127.0.0.1');
    expect(chosen.text).toContain(`/feeds/all.atom?country=kg"`);
  });

  it('speaks Russian to a Russian browser', async () => {
    const ru = await page('/', { 'Accept-Language': 'ru-RU,ru;q=0.9,en;q=0.5' });
    expect(ru.text).toContain('<html lang="ru">');
    expect(ru.text).toContain('Последние материалы');
    expect(ru.text).toContain('впервые замечено');
    expect(ru.text).toContain('Материалов в неделю по темам');
  });
});

describe('slice pages and their feeds', () => {
  it.each([
    ['/topic/trafficking', 'Human trafficking', '/feeds/topic/trafficking'],
    ['/country/kg', 'Kyrgyzstan', '/feeds/country/kg'],
    ['/lang/ru', 'Русский', '/feeds/lang/ru'],
  ])('%s has its title, its stories and announces its feeds', async (path, title, feed) => {
    const slice = await page(path);
    expect(slice.status).toBe(200);
    expect(slice.text).toContain(`<h1>${title}</h1>`);
    for (const [type, ext] of [
      ['application/atom+xml', 'atom'],
      ['application/rss+xml', 'rss'],
      ['application/feed+json', 'json'],
    ])
      expect(slice.text).toContain(
        `<link rel="alternate" type="${type}" title="tipwire test feed — ${title}" href="${server.url}${feed}.${ext}">`,
      );
    expect(listed(slice.text).length).toBeGreaterThan(0);
  });

  it('each feed says its web page is the slice page, and that page exists', async () => {
    for (const [feed, pagePath] of [
      ['/feeds/all.atom', '/'],
      ['/feeds/topic/trafficking.atom', '/topic/trafficking'],
      ['/feeds/country/kg.rss', '/country/kg'],
      ['/feeds/lang/ru.rss', '/lang/ru'],
      ['/feeds/all.atom?country=kg', '/?country=kg'],
    ] as const) {
      const parsed = feedparser(Buffer.from((await page(feed)).text));
      const alternate = parsed.feed.links.find((l) => l.rel === 'alternate')?.href;
      expect(alternate, feed).toBe(`${server.url}${pagePath}`);
      expect((await page(pagePath)).status, pagePath).toBe(200);
    }
    const json = JSON.parse((await page('/feeds/lang/ru.json')).text) as { home_page_url?: string };
    expect(json.home_page_url).toBe(`${server.url}/lang/ru`);
  });

  it('an unknown topic or a malformed code is a 404 page, not an empty list', async () => {
    for (const path of ['/topic/nonsense', '/country/kgz', '/lang/r'] as const) {
      const missing = await page(path);
      expect(missing.status).toBe(404);
      expect(missing.text).toContain('<main id="content"');
    }
  });

  it('dates a feed with no story by the store’s creation, the same bytes each time, not 1970', async () => {
    const created = await store.createdAt();
    const one = await page('/feeds/topic/unused.atom');
    expect(one.text).toContain(`<updated>${created}</updated>`);
    expect(one.text).not.toContain('1970');
    expect(one.headers.get('last-modified')).toBe(
      new Date(Math.floor(Date.parse(created) / 1000) * 1000).toUTCString(),
    );
    expect((await page('/feeds/topic/unused.rss')).text).not.toContain('1970');
  });
});

describe('one story', () => {
  it('shows every version and copy, its countries and languages, and the words that chose it', async () => {
    const story = await page('/story/st-unodc');
    expect(story.status).toBe(200);
    expect(story.text).toContain('<h1>UNODC trains Turkmen prosecutors on trafficking in persons</h1>');
    expect(story.text).toContain('Main version · UNODC Central Asia');
    expect(story.text).toContain('In another language · УНП ООН Центральная Азия · Русский');
    expect(story.text).toContain('Copy · Turkmenportal');
    expect(story.text).toContain('<a href="/country/tm">Turkmenistan</a>');
    expect(story.text).toContain('<a href="/lang/ru">Русский</a>');
    expect(story.text).toContain('<q lang="en">trafficking in persons</q> in the headline');
    expect(story.text).toContain('<q lang="ru">торговли людьми</q> in the headline');
  });

  it('says what the relevance model weighed, in words, and links the story it follows; never rule syntax', async () => {
    const story = await page('/story/s-undated');
    expect(story.text).toContain('The relevance model gives it 93%.');
    expect(story.text).toContain('the topic word “адам саудасы”');
    expect(story.text).toContain('a topic word in the headline');
    expect(story.text).toContain('“күрес…” next to a topic word');
    expect(story.text).toContain('This follows an earlier story: <a href="/story/st-unodc">');
    const generated = await page('/story/s-g001');
    expect(generated.text).toContain('<q lang="en">Migrant workers</q> in the headline');
    expect(generated.text).not.toMatch(/Migran\*|traffick\*/);
  });

  it('an unknown story is a 404 page', async () => {
    expect((await page('/story/nothing-here')).status).toBe(404);
    expect((await page('/story/%E0%A4%A')).status).toBe(404);
  });
});

describe('search', () => {
  it('finds stories with folded letters and the page filters, and offers the search as a feed', async () => {
    const ru = await page(`/search?q=${encodeURIComponent('мигрант')}&lang=ru`);
    expect(ru.status).toBe(200);
    const found = listed(ru.text);
    expect(found.length).toBeGreaterThan(10);
    expect(found[0]).toBe('s-g000');
    expect(ru.text).toContain('<option value="ru" selected>');
    const kk = listed((await page(`/search?q=${encodeURIComponent('адам саудасына')}`)).text);
    expect(kk).toEqual(['s-undated']);
    expect(listed((await page(`/search?q=${encodeURIComponent('казакстанда')}`)).text)).toEqual([
      's-undated',
    ]);
    expect(ru.text).toContain(
      `<link rel="alternate" type="application/atom+xml" title="tipwire test feed — мигрант" href="${server.url}/search.atom?q=%D0%BC%D0%B8%D0%B3%D1%80%D0%B0%D0%BD%D1%82&amp;lang=ru">`,
    );
    const none = await page('/search?q=zzzzqqq');
    expect(none.text).toContain('No story matches.');
  });

  it('an outlet named in the words searches its stories', async () => {
    const named = await page('/search?q=Tengrinews');
    expect(named.text).toContain('Stories from Tengrinews.');
    expect(listed(named.text)).toEqual(['s-undated', 'st-linkonly']);
  });

  it('/search.atom is a feed a reader can subscribe to, valid for feedparser, with the same stories', async () => {
    const feed = await page(`/search.atom?q=${encodeURIComponent('мигрант')}&lang=ru`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const parsed = feedparser(Buffer.from(feed.text));
    expect(parsed.bozo).toBe(0);
    expect(parsed.entries.length).toBeGreaterThan(10);
    expect(parsed.entries[0]?.title).toBe('Мигранты из региона, выпуск 0');
    const empty = await page('/search.atom?q=zzzzqqq');
    expect(feedparser(Buffer.from(empty.text)).bozo).toBe(0);
    expect(empty.text).toContain(`<updated>${await store.createdAt()}</updated>`);
  });
});

describe('feeds index and old addresses', () => {
  it('/feeds lists every feed with its page; /feeds.opml is the same as OPML', async () => {
    const index = await page('/feeds');
    expect(index.status).toBe(200);
    expect(index.text).toContain(`<a href="/topic/trafficking">Human trafficking</a>`);
    expect(index.text).toContain(`href="${server.url}/feeds/country/kg.rss"`);
    expect(index.text).toContain(`href="${server.url}/feeds/lang/uz.json"`);
    const opml = await page('/feeds.opml');
    expect(opml.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
    expect(XMLValidator.validate(opml.text)).toBe(true);
    expect(opml.text).toContain(
      `xmlUrl="${server.url}/feeds/topic/migration.atom" htmlUrl="${server.url}/topic/migration"`,
    );
  });

  it('/stories moves to / with its filters', async () => {
    const moved = await page('/stories?topic=trafficking&lang=ru,en&utm_source=x');
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/?topic=trafficking&lang=ru');
  });
});

describe('hostile text', () => {
  it.each([
    '/',
    '/story/s-attack',
    `/search?q=${encodeURIComponent('Trafficking ring')}`,
    '/topic/trafficking',
    '/country/uz',
  ])('%s shows it as text and carries no script of its own or of the feed', async (path) => {
    const html = (await page(path)).text;
    // No element the feed's text could have made: no script, no handler attribute in any tag, no script URL.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(img|svg)[^>]*\son\w+=/i);
    expect(html).not.toMatch(/<[^>]*\son\w+=/i);
    expect(html).not.toMatch(/href="javascript:/i);
    if (path !== '/country/uz' || html.includes('s-attack'))
      expect(html).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
  });

  it('the story page title is the headline, escaped, and its bad link is not offered', async () => {
    const html = (await page('/story/s-attack')).text;
    expect(html).toContain(
      `<h1>${ATTACK_TITLE.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</h1>`,
    );
    expect(html).not.toContain('Read it at');
  });
});

describe('charts', () => {
  it('home shows stories per week by topic and by country as accessible inline SVG with its numbers', async () => {
    const html = (await page('/')).text;
    const svgs = [...html.matchAll(/<svg role="img" aria-labelledby="([^"]+)"/g)];
    expect(svgs.map((m) => m[1])).toEqual(['chart-topic-t chart-topic-d', 'chart-country-t chart-country-d']);
    expect(html).toContain('<title id="chart-topic-t">Stories per week by topic</title>');
    expect(html).toMatch(
      /<desc id="chart-topic-d">weeks of Sep 15, 2025 to Mar 9, 2026\. Human trafficking: \d+ stories/,
    );
    expect(html).toContain('<summary>The numbers behind the chart</summary>');
    expect(html).not.toContain('style=');
    // The topic page draws its countries.
    expect((await page('/topic/migration')).text).toContain('Stories per week by country');
  });
});
