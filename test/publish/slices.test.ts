// Table tests for the pure parts: feed paths and filters, URL and text hygiene, encoding negotiation.
import { describe, expect, it } from 'vitest';
import { parseFeedRequest, exportSlices } from '../../src/publish/slices.ts';
import { cleanText, safeUrl } from '../../src/publish/text.ts';
import { storyEntryId, tagUri } from '../../src/publish/entries.ts';
import { chooseEncoding } from '../../src/http/feeds.ts';

const topics = ['trafficking', 'migration'];

describe('parseFeedRequest', () => {
  const cases: { name: string; path: string; query?: string; expect: unknown }[] = [
    { name: 'not a feed path', path: '/status', expect: undefined },
    {
      name: 'the whole feed',
      path: '/feeds/all.atom',
      expect: { ok: true, format: 'atom', slice: { kind: 'all', path: '/feeds/all', query: '' } },
    },
    {
      name: 'a topic',
      path: '/feeds/topic/trafficking.rss',
      expect: {
        ok: true,
        format: 'rss',
        slice: { kind: 'topic', value: 'trafficking', topics: ['trafficking'] },
      },
    },
    {
      name: 'a country, upper case',
      path: '/feeds/country/KG.json',
      expect: { ok: true, slice: { path: '/feeds/country/kg', countries: ['kg'] } },
    },
    { name: 'a language', path: '/feeds/lang/ru.atom', expect: { ok: true, slice: { languages: ['ru'] } } },
    {
      name: 'combined filters, normalised and sorted',
      path: '/feeds/all.rss',
      query: 'lang=ru&topic=trafficking&country=KG,uz&utm_source=x',
      expect: {
        ok: true,
        slice: {
          topics: ['trafficking'],
          countries: ['kg', 'uz'],
          languages: ['ru'],
          query: '?topic=trafficking&country=kg,uz&lang=ru',
        },
      },
    },
    {
      name: 'a filter of another kind on a slice',
      path: '/feeds/topic/migration.json',
      query: 'country=tj',
      expect: { ok: true, slice: { topics: ['migration'], countries: ['tj'] } },
    },
    {
      name: 'unknown topic',
      path: '/feeds/topic/cats.rss',
      expect: { ok: false, message: expect.stringContaining('Unknown topic "cats"') },
    },
    {
      name: 'unknown topic in a filter',
      path: '/feeds/all.rss',
      query: 'topic=cats',
      expect: { ok: false, message: expect.stringContaining('Unknown topic') },
    },
    {
      name: 'bad country code',
      path: '/feeds/country/kyrgyzstan.rss',
      expect: { ok: false, message: expect.stringContaining('not a country code') },
    },
    {
      name: 'bad language filter',
      path: '/feeds/all.rss',
      query: 'lang=russian',
      expect: { ok: false, message: expect.stringContaining('not a language code') },
    },
    {
      name: 'unknown format',
      path: '/feeds/all.xml',
      expect: { ok: false, message: expect.stringContaining('Unknown feed format ".xml"') },
    },
    {
      name: 'unknown slice kind',
      path: '/feeds/source/24kg.rss',
      expect: { ok: false, message: expect.stringContaining('No feed at /feeds/source/24kg.rss') },
    },
    {
      name: 'same kind in path and filter',
      path: '/feeds/topic/migration.rss',
      query: 'topic=trafficking',
      expect: { ok: false, message: expect.stringContaining('/feeds/all.rss?topic=trafficking') },
    },
  ];
  it.each(cases)('$name', ({ path, query, expect: expected }) => {
    const result = parseFeedRequest(path, new URLSearchParams(query ?? ''), topics);
    if (expected === undefined) expect(result).toBeUndefined();
    else expect(result).toMatchObject(expected as object);
  });
});

describe('exportSlices', () => {
  it('exports all, configured topics with stories, and each country and language present', () => {
    const slices = exportSlices(
      {
        topics: ['trafficking', 'migration', 'not-configured'],
        countries: ['kg', 'tj', 'BAD!'],
        languages: ['ru', 'en', 'tg'],
      },
      topics,
    );
    expect(slices.map((s) => s.path)).toEqual([
      '/feeds/all',
      '/feeds/topic/trafficking',
      '/feeds/topic/migration',
      '/feeds/country/kg',
      '/feeds/country/tj',
      '/feeds/lang/en',
      '/feeds/lang/ru',
      '/feeds/lang/tg',
    ]);
  });
});

describe('safeUrl', () => {
  it.each([
    ['https://example.org/a b', undefined],
    ['https://example.org/a?x=1&y=<2>', 'https://example.org/a?x=1&y=%3C2%3E'],
    ['javascript:alert(1)', undefined],
    ['data:text/html,hi', undefined],
    ['/relative/path', undefined],
    ['ht!tp://bad', undefined],
    ['  https://example.org/\u0001x  ', 'https://example.org/x'],
    ['http://пример.рф/новости', 'http://xn--e1afmkfd.xn--p1ai/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8'],
    [undefined, undefined],
  ])('%s → %s', (input, expected) => expect(safeUrl(input)).toBe(expected));
});

describe('cleanText', () => {
  it.each([
    ['tab, newline and CR stay', 'a\tb\nc\rd', 'a\tb\nc\rd'],
    ['C0 controls go', 'a\u0000b\u0001c\u000bd\u001fe', 'abcde'],
    ['C1 controls go', 'a\u0085b\u009fc', 'abc'],
    ['non-characters go', 'a\uFFFEb\uFFFFc', 'abc'],
    ['lone surrogates go, pairs stay', 'a\uD800b🚨c\uDC00', 'ab🚨c'],
    ['Cyrillic stays', 'Кыргызстан «24.kg»', 'Кыргызстан «24.kg»'],
  ])('%s', (_name, input, expected) => expect(cleanText(input)).toBe(expected));
});

describe('entry ids', () => {
  it.each([
    [
      'a DNS host and a path',
      'https://tipwire.example/news/',
      'st-1',
      'tag:tipwire.example,2026:/news/story/st-1',
    ],
    [
      'a host with a port (the port is not part of a tag authority)',
      'http://127.0.0.1:8080',
      'x',
      'tag:127.0.0.1,2026:/story/x',
    ],
    [
      'an IPv6 host falls back to a urn',
      'http://[::1]:8080/',
      'x',
      'urn:tipwire:%5B%3A%3A1%5D%3A8080:story:x',
    ],
  ])('%s', (_name, base, id, expected) => expect(storyEntryId(base, id)).toBe(expected));

  it('the feed id follows the same scheme', () =>
    expect(tagUri('https://tipwire.example', '/feeds/all?lang=ru')).toBe(
      'tag:tipwire.example,2026:/feeds/all?lang=ru',
    ));
});

describe('chooseEncoding', () => {
  it.each([
    ['no header', undefined, 10_000, 'identity'],
    ['small body', 'br, gzip', 100, 'identity'],
    ['brotli preferred', 'gzip, deflate, br', 10_000, 'br'],
    ['gzip only', 'gzip', 10_000, 'gzip'],
    ['br refused with q=0', 'br;q=0, gzip;q=0.5', 10_000, 'gzip'],
    ['wildcard', '*', 10_000, 'br'],
    ['identity only', 'identity', 10_000, 'identity'],
  ])('%s', (_name, header, size, expected) => expect(chooseEncoding(header, size)).toBe(expected));
});
