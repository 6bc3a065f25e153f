// Table tests for canonicalUrl and identityKey: each case names the rule it checks.
import { describe, expect, it } from 'vitest';
import { canonicalUrl, identityKey } from '../../src/dedupe/index.ts';

const opts = { trackingParams: ['fbclid', 'gclid', 'yclid', 'mc_cid', 'mc_eid', 'ref', 'from', 'rss'] };

const cases: [name: string, input: string, expected: string | undefined][] = [
  [
    'lower-case scheme and host',
    'HTTPS://24.KG/English/123_Trafficking/',
    'https://24.kg/English/123_Trafficking',
  ],
  ['http becomes https', 'http://24.kg/english/1/', 'https://24.kg/english/1'],
  ['default port dropped', 'https://example.org:443/a', 'https://example.org/a'],
  ['http default port dropped', 'http://example.org:80/a', 'https://example.org/a'],
  ['other port kept', 'http://example.org:8080/a', 'https://example.org:8080/a'],
  [
    'www removed',
    'https://www.rferl.org/a/kyrgyz-migrants/3321.html',
    'https://rferl.org/a/kyrgyz-migrants/3321.html',
  ],
  ['mobile host removed', 'https://m.akipress.com/news:123/', 'https://akipress.com/news:123'],
  ['amp host removed', 'https://amp.theguardian.com/world/2024/x', 'https://theguardian.com/world/2024/x'],
  [
    'amp trailing segment',
    'https://kun.uz/en/news/2024/05/01/story/amp',
    'https://kun.uz/en/news/2024/05/01/story',
  ],
  ['amp leading segment', 'https://example.org/amp/news/55', 'https://example.org/news/55'],
  ['amp file suffix', 'https://example.org/news/55.amp.html', 'https://example.org/news/55.html'],
  ['amp query flag', 'https://example.org/news/55?amp=1', 'https://example.org/news/55'],
  ['fragment removed', 'https://example.org/a#comments', 'https://example.org/a'],
  ['trailing slash removed', 'https://example.org/a/b/', 'https://example.org/a/b'],
  ['root keeps its slash', 'https://example.org', 'https://example.org/'],
  ['double slashes collapsed', 'https://example.org//a///b', 'https://example.org/a/b'],
  ['index file removed', 'https://example.org/news/index.html', 'https://example.org/news'],
  ['query sorted', 'https://example.org/p?b=2&a=1', 'https://example.org/p?a=1&b=2'],
  [
    'utm removed',
    'https://example.org/p?id=5&utm_source=rss&utm_medium=feed&UTM_Campaign=x',
    'https://example.org/p?id=5',
  ],
  [
    'listed params removed case-insensitively',
    'https://example.org/p?FBCLID=abc&id=5&yclid=1',
    'https://example.org/p?id=5',
  ],
  [
    'ordinary params kept',
    'https://example.org/index.php?newsid=42&lang=ru',
    'https://example.org/?lang=ru&newsid=42',
  ],
  [
    'google alerts wrapper',
    'https://www.google.com/url?rct=j&sa=t&url=https://www.unodc.org/centralasia/en/news/2024/training.html%3Futm_source%3Dx&ct=ga&cd=CAIyG&usg=AOv',
    'https://unodc.org/centralasia/en/news/2024/training.html',
  ],
  [
    'google news url wrapper',
    'https://news.google.com/news/url?sa=t&url=https://kun.uz/en/news/1',
    'https://kun.uz/en/news/1',
  ],
  [
    'google news article id with the URL inside',
    `https://news.google.com/rss/articles/${Buffer.from('\x08\x13\x22\x2ahttps://24.kg/english/300000_x/\xd2\x01\x00', 'latin1').toString('base64url')}?oc=5`,
    'https://24.kg/english/300000_x',
  ],
  [
    'facebook wrapper',
    'https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.azattyq.org%2Fa%2F123.html&h=AT0',
    'https://azattyq.org/a/123.html',
  ],
  [
    'vk wrapper',
    'https://vk.com/away.php?to=https%3A%2F%2Fasiaplustj.info%2Fru%2Fnews%2F1&cc_key=',
    'https://asiaplustj.info/ru/news/1',
  ],
  [
    'nested wrappers',
    'https://www.google.com/url?url=https%3A%2F%2Fl.facebook.com%2Fl.php%3Fu%3Dhttps%253A%252F%252Fexample.org%252Fa',
    'https://example.org/a',
  ],
  [
    'feedproxy with a target param',
    'http://feedproxy.google.com/~r/x/~3/abc/?url=https%3A%2F%2Fexample.org%2Fz',
    'https://example.org/z',
  ],
  [
    'feedproxy without target stays',
    'http://feedproxy.google.com/~r/Trend/~3/abc/story',
    'https://feedproxy.google.com/~r/Trend/~3/abc/story',
  ],
  ['mailto refused', 'mailto:someone@example.org', undefined],
  ['javascript refused', 'javascript:alert(1)', undefined],
  ['garbage refused', 'not a url', undefined],
  ['ftp refused', 'ftp://example.org/file', undefined],
  ['bare public suffix not stripped', 'https://m.kg/a', 'https://m.kg/a'],
];

describe('canonicalUrl', () => {
  for (const [name, input, expected] of cases) {
    it(name, () => {
      expect(canonicalUrl(input, opts)).toBe(expected);
    });
  }
  it('is idempotent on every case', () => {
    for (const [, input] of cases) {
      const once = canonicalUrl(input, opts);
      if (once !== undefined) expect(canonicalUrl(once, opts)).toBe(once);
    }
  });
});

describe('identityKey', () => {
  const base = { title: 'UNODC trains Turkmen prosecutors', publishedAt: '2025-03-04T10:00:00.000Z' };
  it('prefers the canonical URL, whatever the source or tracking', () => {
    const a = identityKey({ ...base, url: 'https://www.unodc.org/a?utm_source=x', guid: 'g1' }, 'src-a');
    const b = identityKey({ ...base, url: 'http://unodc.org/a/', guid: 'other' }, 'src-b');
    expect(a).toBe('url:https://unodc.org/a');
    expect(b).toBe(a);
  });
  it('falls back to the GUID within the source', () => {
    expect(identityKey({ ...base, url: 'mailto:x@y', guid: ' 1234 ' }, 'src-a')).toBe('guid:src-a:1234');
    expect(identityKey({ ...base, guid: '1234' }, 'src-b')).not.toBe(
      identityKey({ ...base, guid: '1234' }, 'src-a'),
    );
  });
  it('falls back to title and day', () => {
    const a = identityKey(base, 'src-a');
    expect(a).toMatch(/^title:src-a:[a-z2-7]+$/);
    expect(
      identityKey(
        { ...base, title: '  unodc TRAINS turkmen  prosecutors ', publishedAt: '2025-03-04T23:00:00Z' },
        'src-a',
      ),
    ).toBe(a);
    expect(identityKey({ ...base, publishedAt: '2025-03-05T10:00:00.000Z' }, 'src-a')).not.toBe(a);
    expect(identityKey({ ...base, title: 'Another title' }, 'src-a')).not.toBe(a);
  });
});
