// decodeBody and fetchFeed on real-world charset cases from other projects' test data, read where they lie in the
// shared corpus (TIPWIRE_CORPUS, else <repo>/../shared/corpus). Skipped when the corpus is absent: our own
// fixtures in decode.test.ts and fetch.test.ts cover the same rules without it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody, fetchFeed } from '../../src/fetch/index.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = process.env['TIPWIRE_CORPUS'] ?? resolve(repo, '..', 'shared', 'corpus');
const present = existsSync(join(corpus, 'miniflux')) && existsSync(join(corpus, 'node-feedparser'));

// file (relative to the corpus) → strings that must appear in the decoded text
const CASES: [string, string[]][] = [
  ['miniflux/encoding/testdata/invalid-prolog.xml', ['테스트 피드', 'Café']],
  ['miniflux/encoding/testdata/iso-8859-1-meta-after-1024.html', ['Frédéric', 'Café']],
  ['miniflux/encoding/testdata/iso-8859-1.html', ['Frédéric', 'Café']],
  ['miniflux/encoding/testdata/iso-8859-1.xml', ['Café', 'Présentation']],
  ['miniflux/encoding/testdata/koi8r.xml', ['Пример RSS ленты', 'Тестовая лента в кодировке KOI8-R']],
  ['miniflux/encoding/testdata/utf8-incorrect-prolog.xml', ['테스트 피드', 'Café']],
  ['miniflux/encoding/testdata/utf8-meta-after-1024.html', ['Frédéric', 'Café']],
  ['miniflux/encoding/testdata/utf8.html', ['Café']],
  ['miniflux/encoding/testdata/utf8.xml', ['테스트 피드', 'Café']],
  ['miniflux/encoding/testdata/windows-1252-incorrect-prolog.xml', ['Euro €']],
  ['miniflux/encoding/testdata/windows-1252.xml', ['Euro €']],
  ['miniflux/xml/testdata/iso88591.xml', ['Anaïs', 'Jürgen']],
  ['miniflux/xml/testdata/iso88591_utf8_mismatch.xml', ['Anaïs', 'Jürgen']],
  ['miniflux/xml/testdata/koi8r.xml', ['Пример RSS ленты']],
  ['miniflux/parser/testdata/encoding_WINDOWS-1251.xml', ['Новый цитатник Рунета']],
  ['miniflux/parser/testdata/encoding_ISO-8859-1.xml', ['wünschen', 'künftig']],
  ['miniflux/parser/testdata/no_encoding_ISO-8859-1.xml', ['développementaux']],
  ['miniflux/parser/testdata/rdf_UTF8.xml', ['Vorsichtsmaßnahmen']],
  ['miniflux/parser/testdata/urdu_UTF8.xml', ['پاکستان']],
  ['node-feedparser/feeds/iconv.xml', ['Новости Оренбурга и области']],
];

// Signs of a wrong decoding: the replacement character, or UTF-8 read as Latin-1/Cyrillic single-byte.
const MOJIBAKE = /\uFFFD|Ã[\u0080-\u00BF]|Ð[\u0080-\u00BF]|Ñ[\u0080-\u00BF]|Р[ЃЉЊЋЌЎЏ°±]/;

describe.skipIf(!present)(`charset corpus at ${corpus}`, () => {
  it.each(CASES)('%s', (file, expected) => {
    const { text } = decodeBody(readFileSync(join(corpus, file)));
    for (const piece of expected) expect(text).toContain(piece);
    expect(text).not.toMatch(MOJIBAKE);
  });

  describe('over HTTP', () => {
    let server: FeedServer;
    beforeAll(async () => {
      const feeds = join(corpus, 'node-feedparser', 'feeds');
      server = await startFeedServer({
        // The upstream gzip of iconv.xml, served as a gzip-encoded response with a lying UTF-8 header.
        '/compressed': (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-encoding': 'gzip' });
          res.end(readFileSync(join(feeds, 'compressed.xml')));
        },
        '/iconv': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.end(readFileSync(join(feeds, 'iconv.xml')));
        },
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    it.each(['/compressed', '/iconv'])('%s decodes windows-1251', async (path) => {
      const result = await fetchFeed(
        { url: server.url(path) },
        {
          userAgent: 'tipwire-test',
          connectTimeoutMs: 1000,
          totalTimeoutMs: 5000,
          maxBytes: 10 * 1024 * 1024,
          maxRedirects: 5,
          allowPrivateHosts: [`127.0.0.1:${server.port}`],
        },
      );
      if (result.kind !== 'ok') throw new Error('expected a body');
      expect(result.encoding).toBe('windows-1251');
      expect(result.text).toContain('Новости Оренбурга и области');
      expect(result.text).not.toMatch(MOJIBAKE);
    });
  });
});
