// renderFeed over a fixed set of stories stored in a real SQLite store: byte snapshots of the three formats, and
// every output read by real consumers (feedparser, xmllint + the Atom RELAX NG schema, ajv + JSON Feed 1.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoryView } from '../../src/core/types.ts';
import {
  renderFeed,
  renderOpml,
  storyEntryId,
  type OutputFormat,
  type FeedMeta,
} from '../../src/publish/index.ts';
import { feedMetaFor } from '../../src/jobs/publish.ts';
import { makeSlice } from '../../src/publish/slices.ts';
import type { Store } from '../../src/store/index.ts';
import { sqliteKind } from '../helpers/stores.ts';
import {
  feedparser,
  hasAtomRng,
  hasXmllint,
  jsonFeedProblems,
  xmllintAtom,
  xmlWellFormed,
} from './checkers.ts';
import { BASE_URL, HOSTILE_TITLE, seedStore, sources, testConfig } from './fixtures.ts';
import { needs } from '../helpers/tools.ts';

const xmllint = needs(
  'xmllint',
  hasXmllint,
  'XML well-formedness and RELAX NG checks of the feeds',
  'apt-get install libxml2-utils',
);
const atomSchema = needs(
  'the Atom RELAX NG schema',
  hasAtomRng,
  'Atom validation against RFC 4287',
  `../shared/corpus/schemas/atom-rfc4287.rng`,
);

const kind = sqliteKind();
let store: Store;
let stories: StoryView[];
const config = testConfig({ hub: 'https://hub.example/websub' });
const meta: FeedMeta = feedMetaFor(config, makeSlice('all'));
const outputs = {} as Record<OutputFormat, string>;

beforeAll(async () => {
  store = await kind.open();
  await seedStore(store);
  stories = await store.listStories({});
  for (const format of ['rss', 'atom', 'json'] as const) outputs[format] = renderFeed(stories, meta, format);
});
afterAll(async () => {
  await store.close();
  await kind.cleanup();
});

describe('snapshots', () => {
  it.each(['rss', 'atom', 'json'] as const)('%s matches its golden file', async (format) => {
    await expect(outputs[format]).toMatchFileSnapshot(`../fixtures/publish/snapshots/all.${format}`);
  });

  it('renders the same bytes twice (ETags and the export rely on it)', () => {
    for (const format of ['rss', 'atom', 'json'] as const)
      expect(renderFeed(stories, meta, format)).toBe(outputs[format]);
  });
});

describe('read by feedparser', () => {
  it.each(['rss', 'atom'] as const)(
    '%s: bozo 0, and every entry has title, link, id and a date',
    (format) => {
      const parsed = feedparser(outputs[format]);
      expect(parsed.bozo_exception).toBe('');
      expect(parsed.bozo).toBe(0);
      expect(parsed.version).toBe(format === 'rss' ? 'rss20' : 'atom10');
      expect(parsed.entries).toHaveLength(4);
      for (const entry of parsed.entries) {
        expect(entry.title).toBeTruthy();
        expect(entry.link).toMatch(/^https?:\/\//);
        expect(entry.id).toMatch(/^tag:tipwire\.example,2026:\/news\/story\//);
        expect(entry.published ?? entry.updated).toBeTruthy();
      }
      expect(parsed.entries.map((e) => e.id)).toEqual(stories.map((s) => storyEntryId(BASE_URL, s.id)));
    },
  );

  it.each(['rss', 'atom'] as const)(
    '%s: self, alternate and hub links, categories, language and source',
    (format) => {
      const parsed = feedparser(outputs[format]);
      const rels = Object.fromEntries(parsed.feed.links.map((l) => [l.rel, l.href]));
      expect(rels['self']).toBe(`${BASE_URL}/feeds/all.${format}`);
      expect(rels['hub']).toBe('https://hub.example/websub');
      // The feed's web page is the site's home page (a slice's own page for a slice feed).
      expect(rels['alternate']).toBe(`${BASE_URL}/`);
      const unodc = parsed.entries.find((e) => e.id?.endsWith('/story/st-unodc'));
      expect(unodc?.tags).toEqual(['trafficking', 'tm']);
      expect(unodc?.source).toBe('UNODC Central Asia');
      expect(unodc?.link).toBe(
        'https://www.unodc.org/centralasia/en/news/training-turkmen-prosecutors.html?utm_source=rss',
      );
      expect(unodc?.content.join('')).toContain('Why: trafficking (trafficking in persons, title)');
      expect(unodc?.content.join('')).toContain('Also reported by');
      if (format === 'atom') {
        expect(unodc?.language).toBe('en');
        expect(unodc?.links).toContainEqual(
          expect.objectContaining({
            rel: 'alternate',
            hreflang: 'ru',
            href: 'https://www.unodc.org/centralasia/ru/news/training-turkmen-prosecutors.html',
          }),
        );
        expect(unodc?.links).toContainEqual(
          expect.objectContaining({
            rel: 'related',
            href: 'https://turkmenportal.com/en/blog/12345?a=1&b=2',
          }),
        );
      }
    },
  );

  it.each(['rss', 'atom'] as const)(
    '%s: the hostile story comes out as inert text with its Cyrillic, quotes and emoji',
    (format) => {
      const hostile = feedparser(outputs[format]).entries.find((e) => e.id?.endsWith('/story/st-hostile'));
      expect(hostile?.title).toBe(
        'Smugglers &amp; &quot;brokers&quot; &lt;arrested&gt; in Osh — «Кыргызстан» 🚨',
      );
      expect(hostile?.title_type).toBe('text/html');
      const html = `${hostile?.summary ?? ''}${hostile?.content.join('') ?? ''}`;
      expect(html).not.toMatch(/<script|onerror|onclick|javascript:|<iframe/i);
      expect(html).toContain('Five people');
    },
  );
});

describe('no active content anywhere', () => {
  it.each(['rss', 'atom', 'json'] as const)(
    '%s has no script, handler, javascript: URL or XML-invalid character',
    (format) => {
      const text = outputs[format];
      expect(text).not.toMatch(/<script|onerror=|onclick=|javascript:|<iframe/i);
      expect(text).not.toMatch(/\\u003cscript/i);
      // eslint-disable-next-line no-control-regex -- the point of the check
      expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
      expect(text).not.toMatch(/\\u000[0-8b-f]|\\u001[0-9a-f]/i);
      expect(text).not.toContain('alert(');
    },
  );

  it('keeps the hostile title as text in JSON (JSON Feed titles are plain text)', () => {
    const doc = JSON.parse(outputs.json) as { items: { id: string; title: string }[] };
    const item = doc.items.find((i) => i.id.endsWith('/story/st-hostile'));
    expect(item?.title).toBe(HOSTILE_TITLE.replace('\u0001', '').trim());
  });
});

describe('validators', () => {
  it.skipIf(!xmllint)('RSS and Atom are well-formed XML', () => {
    expect(xmlWellFormed(outputs.rss)).toBe('');
    expect(xmlWellFormed(outputs.atom)).toBe('');
  });

  it.skipIf(!xmllint || !atomSchema)('Atom validates against the RFC 4287 RELAX NG schema', () => {
    expect(xmllintAtom(outputs.atom)).toBe('');
    const lang = renderFeed(stories.slice(0, 1), feedMetaFor(config, makeSlice('lang', 'kk')), 'atom');
    expect(xmllintAtom(lang)).toBe('');
    expect(xmllintAtom(renderFeed([], meta, 'atom'))).toBe('');
  });

  it('JSON Feed validates against the JSON Feed 1.1 schema and ours', () => {
    expect(jsonFeedProblems(outputs.json)).toEqual([]);
    expect(jsonFeedProblems(renderFeed([], meta, 'json'))).toEqual([]);
  });

  it('our JSON schema catches a JSON Feed 1.0 document (the jsonfeed-schema package alone accepts it)', () => {
    const doc = JSON.parse(outputs.json) as Record<string, unknown>;
    doc.version = 'https://jsonfeed.org/version/1';
    expect(jsonFeedProblems(JSON.stringify(doc)).join('\n')).toMatch(/tipwire schema: \/version/);
  });

  it('JSON carries language, tags and the _tipwire explanation', () => {
    const doc = JSON.parse(outputs.json) as { hubs: unknown; items: Record<string, unknown>[] };
    expect(doc.hubs).toEqual([{ type: 'WebSub', url: 'https://hub.example/websub' }]);
    const unodc = doc.items.find((i) => String(i.id).endsWith('/story/st-unodc')) as Record<
      string,
      unknown
    > & {
      _tipwire: Record<string, unknown>;
    };
    expect(unodc.language).toBe('en');
    expect(unodc.tags).toEqual(['trafficking', 'country:tm']);
    expect(unodc._tipwire.why).toBe('trafficking (trafficking in persons, title)');
    expect(unodc._tipwire.translations).toEqual([
      {
        language: 'ru',
        url: 'https://www.unodc.org/centralasia/ru/news/training-turkmen-prosecutors.html',
        title: 'УНП ООН обучает туркменских прокуроров по вопросам торговли людьми',
        source: 'УНП ООН Центральная Азия',
      },
    ]);
    expect(unodc._tipwire.also_reported_by).toEqual([
      {
        source_id: 'turkmenportal',
        name: 'Turkmenportal',
        url: 'https://turkmenportal.com/en/blog/12345?a=1&b=2',
      },
    ]);
  });
});

describe('entries', () => {
  it('a story whose links are all invalid falls back to its source homepage, and the feed still renders', () => {
    const json = JSON.parse(outputs.json) as { items: { id: string; url: string }[] };
    expect(json.items.find((i) => i.id.endsWith('/story/st-badlinks'))?.url).toBe('https://kun.uz/');
  });

  it('an item given only a link still gets an id', () => {
    const atom = feedparser(outputs.atom).entries.find(
      (e) => e.link === 'https://tengrinews.kz/kazakhstan_news/migranty-555/',
    );
    expect(atom?.id).toBe(storyEntryId(BASE_URL, 'st-linkonly'));
  });

  it('keeps its id and stays one entry when the story gains a copy', async () => {
    const before = renderFeed(stories, meta, 'json');
    await store.upsertItems([
      {
        id: 'i-new-copy',
        sourceId: 'kun-uz',
        url: 'https://kun.uz/news/2026/03/04/smugglers',
        title: 'Smugglers arrested in Osh',
        summary: 'Copy.',
        categories: [],
        publishedAt: '2026-03-04T12:00:00.000Z',
        fetchedAt: '2026-03-04T12:00:00.000Z',
        language: 'ru',
      },
    ]);
    await store.saveClassification(
      'i-new-copy',
      { language: 'ru', topics: [{ topic: 'trafficking', score: 2, evidence: [] }], countries: ['kg'] },
      'test-rules',
    );
    const story = stories.find((s) => s.id === 'st-hostile');
    if (!story) throw new Error('fixture story missing');
    await store.saveStories(
      [{ ...story, updatedAt: '2026-03-04T12:05:00.000Z' }],
      [{ itemId: 'i-new-copy', storyId: 'st-hostile' }],
    );
    const after = renderFeed(await store.listStories({}), meta, 'json');
    type Doc = { items: { id: string; _tipwire: { also_reported_by: { name: string }[] } }[] };
    const ids = (doc: Doc): string[] => doc.items.map((i) => i.id);
    expect(ids(JSON.parse(after) as Doc)).toEqual(ids(JSON.parse(before) as Doc));
    const hostile = (JSON.parse(after) as Doc).items.find(
      (i) => i.id === storyEntryId(BASE_URL, 'st-hostile'),
    );
    expect(hostile?._tipwire.also_reported_by.map((c) => c.name)).toEqual(['Kun.uz']);
  });

  it('a language slice says its language at feed level', () => {
    const sliceMeta = feedMetaFor(config, makeSlice('lang', 'ru'));
    expect(renderFeed([], sliceMeta, 'rss')).toContain('<language>ru</language>');
    expect(renderFeed([], sliceMeta, 'atom')).toContain(
      '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ru">',
    );
    expect(JSON.parse(renderFeed([], sliceMeta, 'json'))).toMatchObject({
      language: 'ru',
      title: 'tipwire test feed — Русский',
    });
  });

  it('a language feed shows each story in its language, and leaves out stories without a version in it', () => {
    const ru = JSON.parse(renderFeed(stories, feedMetaFor(config, makeSlice('lang', 'ru')), 'json')) as {
      items: {
        id: string;
        language: string;
        title: string;
        _tipwire: { translations: { language: string }[] };
      }[];
    };
    const unodc = ru.items.find((i) => i.id === storyEntryId(BASE_URL, 'st-unodc'));
    expect(unodc?.language).toBe('ru');
    expect(unodc?._tipwire.translations.map((t) => t.language)).toEqual(['en']);
    // Uzbek- and Kazakh-only stories have no Russian version: not in the Russian feed.
    expect(ru.items.map((i) => i.id)).not.toContain(storyEntryId(BASE_URL, 'st-badlinks'));
    expect(ru.items.map((i) => i.id)).not.toContain(storyEntryId(BASE_URL, 'st-linkonly'));
  });

  it('an empty feed is valid and byte-stable (its updated time is not the clock)', () => {
    expect(feedparser(renderFeed([], meta, 'rss')).bozo).toBe(0);
    expect(renderFeed([], meta, 'atom')).toContain('<updated>1970-01-01T00:00:00.000Z</updated>');
  });
});

describe('renderOpml', () => {
  const opml = renderOpml(sources, { title: 'tipwire & co', baseUrl: BASE_URL });

  it('lists the enabled sources with escaped names and URLs, as well-formed OPML 2.0', async () => {
    await expect(opml).toMatchFileSnapshot('../fixtures/publish/snapshots/sources.opml');
    if (xmllint) expect(xmlWellFormed(opml)).toBe('');
    expect(opml).toContain('xmlUrl="https://turkmenportal.com/rss?lang=en&amp;x=1"');
    expect(opml).toContain('text="24.kg &amp; «Новости»"');
    expect(opml).not.toContain('off.example');
  });
});
