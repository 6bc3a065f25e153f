// decodeBody: named cases for each rule of the charset precedence, with bytes produced here by iconv-lite.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { codecFor, decodeBody, type EncodingSource } from '../../src/fetch/index.ts';
import { stripMarkup } from '../../src/fetch/decode.ts';

const RU = 'Торговля людьми: семинар для прокуроров в Ашхабаде прошёл при поддержке УНП ООН и МОМ';
const FR = 'Présentation: Café, crème brûlée — «façade» à Noël';
const rss = (title: string, prolog?: string): string =>
  `${prolog === undefined ? '' : `<?xml version="1.0" encoding="${prolog}"?>\n`}<rss version="2.0"><channel>` +
  `<title>${title}</title><item><title>${title}</title><description><![CDATA[<p>${title}</p>]]></description>` +
  `</item></channel></rss>`;
const html = (title: string, meta: string): string =>
  `<!DOCTYPE html><html><head>${meta}<title>${title}</title></head><body><p>${title}</p></body></html>`;
const enc = (text: string, encoding: string): Buffer => iconv.encode(text, encoding);
const BOM8 = Buffer.from([0xef, 0xbb, 0xbf]);

interface Case {
  name: string;
  bytes: Buffer;
  contentType?: string;
  expectText: string;
  encoding: string;
  source: EncodingSource;
}

const cases: Case[] = [
  {
    name: 'UTF-8 with header and prolog',
    bytes: enc(rss(RU, 'utf-8'), 'utf-8'),
    contentType: 'application/rss+xml; charset=utf-8',
    expectText: RU,
    encoding: 'utf-8',
    source: 'header',
  },
  {
    name: 'windows-1251 declared by the prolog only',
    bytes: enc(rss(RU, 'windows-1251'), 'windows-1251'),
    contentType: 'application/rss+xml',
    expectText: RU,
    encoding: 'windows-1251',
    source: 'xml-prolog',
  },
  {
    name: 'KOI8-R declared by the header (quoted label, upper case)',
    bytes: enc(rss(RU), 'koi8-r'),
    contentType: 'text/xml; charset="KOI8-R"',
    expectText: RU,
    encoding: 'koi8-r',
    source: 'header',
  },
  {
    name: 'header says utf-8, body is windows-1251 with a prolog: the prolog wins',
    bytes: enc(rss(RU, 'windows-1251'), 'windows-1251'),
    contentType: 'text/xml; charset=utf-8',
    expectText: RU,
    encoding: 'windows-1251',
    source: 'xml-prolog',
  },
  {
    name: 'header says utf-8, windows-1251 body without any declaration: detector',
    bytes: enc(rss(RU), 'windows-1251'),
    contentType: 'text/xml; charset=utf-8',
    expectText: RU,
    encoding: 'windows-1251',
    source: 'detected',
  },
  {
    name: 'KOI8-R without any declaration: detector',
    bytes: enc(rss(RU), 'koi8-r'),
    expectText: RU,
    encoding: 'koi8-r',
    source: 'detected',
  },
  {
    name: 'UTF-8 body under a windows-1251 prolog: UTF-8 wins',
    bytes: enc(rss(RU, 'windows-1251'), 'utf-8'),
    expectText: RU,
    encoding: 'utf-8',
    source: 'detected',
  },
  {
    name: 'UTF-8 body under an ISO-8859-1 header: UTF-8 wins',
    bytes: enc(rss(FR), 'utf-8'),
    contentType: 'text/xml; charset=iso-8859-1',
    expectText: FR,
    encoding: 'utf-8',
    source: 'detected',
  },
  {
    name: 'server-default ISO-8859-1 header yields to a windows-1251 prolog',
    bytes: enc(rss(RU, 'windows-1251'), 'windows-1251'),
    contentType: 'text/xml; charset=ISO-8859-1',
    expectText: RU,
    encoding: 'windows-1251',
    source: 'xml-prolog',
  },
  {
    name: 'a specific header (koi8-r) beats a different prolog (windows-1251)',
    bytes: enc(rss(RU, 'windows-1251'), 'koi8-r'),
    contentType: 'text/xml; charset=koi8-r',
    expectText: RU,
    encoding: 'koi8-r',
    source: 'header',
  },
  {
    name: 'ISO-8859-1 prolog decodes Latin-1 letters',
    bytes: enc(rss(FR.replace('—', '-').replace('«', '"').replace('»', '"'), 'ISO-8859-1'), 'latin1'),
    expectText: 'Présentation: Café, crème brûlée',
    encoding: 'windows-1252',
    source: 'xml-prolog',
  },
  {
    name: 'windows-1252 0x80 is the euro sign (Node 20 TextDecoder gets this wrong)',
    bytes: Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="windows-1252"?><t>Euro '),
      Buffer.from([0x80]),
      Buffer.from('</t>'),
    ]),
    expectText: 'Euro €',
    encoding: 'windows-1252',
    source: 'xml-prolog',
  },
  {
    name: 'an unknown label falls back to the next rule',
    bytes: enc(rss(RU, 'x-no-such-charset'), 'utf-8'),
    contentType: 'text/xml; charset=bogus',
    expectText: RU,
    encoding: 'utf-8',
    source: 'detected',
  },
  {
    name: 'UTF-8 BOM is authoritative over a koi8-r header',
    bytes: Buffer.concat([BOM8, enc(rss(RU, 'koi8-r'), 'utf-8')]),
    contentType: 'text/xml; charset=koi8-r',
    expectText: RU,
    encoding: 'utf-8',
    source: 'bom',
  },
  {
    name: 'UTF-16LE BOM',
    bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), enc(rss(RU, 'utf-16'), 'utf-16le')]),
    contentType: 'text/xml; charset=utf-8',
    expectText: RU,
    encoding: 'utf-16le',
    source: 'bom',
  },
  {
    name: 'UTF-16BE BOM',
    bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), enc(rss(RU), 'utf-16be')]),
    expectText: RU,
    encoding: 'utf-16be',
    source: 'bom',
  },
  {
    name: 'UTF-16LE without a BOM, recognised by its prolog shape',
    bytes: enc(rss(RU, 'utf-16'), 'utf-16le'),
    expectText: RU,
    encoding: 'utf-16le',
    source: 'xml-prolog',
  },
  {
    name: 'a utf-16 label on single-byte-shaped bytes is ignored',
    bytes: enc(rss(RU, 'utf-16'), 'windows-1251'),
    expectText: RU,
    encoding: 'windows-1251',
    source: 'detected',
  },
  {
    name: 'HTML meta charset',
    bytes: enc(html(RU, '<meta charset="windows-1251">'), 'windows-1251'),
    contentType: 'text/html',
    expectText: RU,
    encoding: 'windows-1251',
    source: 'html-meta',
  },
  {
    name: 'HTML meta http-equiv Content-Type',
    bytes: enc(html(RU, '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'), 'koi8-r'),
    expectText: RU,
    encoding: 'koi8-r',
    source: 'html-meta',
  },
  {
    name: 'HTML meta after 1024 bytes of comment',
    bytes: enc(
      `<!-- ${'padding '.repeat(300)} -->` + html(FR, '<meta charset="iso-8859-1">'),
      'windows-1252',
    ),
    expectText: FR,
    encoding: 'windows-1252',
    source: 'html-meta',
  },
  {
    name: 'a <meta charset> inside an XML feed (article HTML in CDATA) is not a declaration',
    bytes: enc(
      `<rss version="2.0"><channel><title>${RU}</title><item><description><![CDATA[<meta charset="koi8-r">` +
        `<p>${RU}</p>]]></description></item></channel></rss>`,
      'windows-1251',
    ),
    expectText: RU,
    encoding: 'windows-1251',
    source: 'detected',
  },
  {
    name: 'pure ASCII, nothing declared: default UTF-8',
    bytes: Buffer.from(rss('Plain news')),
    expectText: 'Plain news',
    encoding: 'utf-8',
    source: 'default',
  },
  {
    name: 'UTF-8 with one stray Latin-1 byte among many characters stays UTF-8',
    bytes: Buffer.concat([enc(rss(RU, 'utf-8'), 'utf-8'), Buffer.from([0xe9])]),
    expectText: RU,
    encoding: 'utf-8',
    source: 'xml-prolog',
  },
  {
    name: 'Latin-1 text with no declaration: detector, not mojibake',
    bytes: enc(rss(`${FR} ${FR}`.replace(/[—«»]/g, '-')), 'latin1'),
    expectText: 'Présentation: Café, crème brûlée',
    encoding: 'windows-1252',
    source: 'detected',
  },
  {
    name: 'UTF-32LE BOM (tested before the UTF-16LE mark it starts with)',
    bytes: Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x00]), enc(rss(RU, 'utf-32'), 'utf-32le')]),
    expectText: RU,
    encoding: 'utf-32le',
    source: 'bom',
  },
  {
    name: 'UTF-32BE BOM beats a utf-8 header',
    bytes: Buffer.concat([Buffer.from([0x00, 0x00, 0xfe, 0xff]), enc(rss(RU), 'utf-32be')]),
    contentType: 'text/xml; charset=utf-8',
    expectText: RU,
    encoding: 'utf-32be',
    source: 'bom',
  },
  {
    name: 'UTF-32LE without a BOM, recognised by its prolog shape',
    bytes: enc(rss(RU, 'utf-32le'), 'utf-32le'),
    expectText: RU,
    encoding: 'utf-32le',
    source: 'xml-prolog',
  },
  {
    name: 'UTF-32BE without a BOM, recognised by its prolog shape',
    bytes: enc(rss(FR, 'utf-32'), 'utf-32be'),
    expectText: FR,
    encoding: 'utf-32be',
    source: 'xml-prolog',
  },
  {
    name: 'a utf-32 label on single-byte-shaped bytes is ignored',
    bytes: enc(rss(RU, 'utf-32'), 'windows-1251'),
    expectText: RU,
    encoding: 'windows-1251',
    source: 'detected',
  },
  {
    name: 'UTF-8 C1 controls are windows-1252 punctuation (\u0092 → ’, \u0080 → €)',
    bytes: Buffer.from(rss('don\u0092t pay 5\u0080 \u0093now\u0094'), 'utf-8'),
    expectText: 'don’t pay 5€ “now”',
    encoding: 'utf-8',
    source: 'detected',
  },
  {
    name: 'C1 bytes in a KOI8-R feed are letters, not repaired',
    bytes: enc(rss('Привет, мир', 'koi8-r'), 'koi8-r'),
    expectText: 'Привет, мир',
    encoding: 'koi8-r',
    source: 'xml-prolog',
  },
  {
    name: 'iconv-lite label TextDecoder lacks (iso-8859-16)',
    bytes: enc(rss('Știri din România', 'iso-8859-16'), 'iso-8859-16'),
    expectText: 'Știri din România',
    encoding: 'iso-8859-16',
    source: 'xml-prolog',
  },
];

describe('decodeBody', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = decodeBody(c.bytes, c.contentType);
    expect(result.text).toContain(c.expectText);
    expect(result.text.charCodeAt(0)).not.toBe(0xfeff);
    expect(result.encoding).toBe(c.encoding);
    expect(result.source).toBe(c.source);
  });

  it.each([
    [
      'an unknown prolog label on ASCII bytes',
      Buffer.from(rss('Plain news', 'bogus')),
      undefined,
      /unknown xml-prolog charset "bogus" ignored/,
    ],
    [
      'an unknown header label',
      Buffer.from(rss('Plain news')),
      'text/xml; charset=x-nothing',
      /unknown header charset "x-nothing" ignored/,
    ],
    [
      'non-UTF-8 bytes with no declaration',
      enc(rss(RU), 'windows-1251'),
      undefined,
      /declare no usable charset; read as windows-1251 \(guessed\)/,
    ],
  ])('warns on %s', (_name, bytes, contentType, message) => {
    expect(decodeBody(bytes, contentType).warning).toMatch(message);
  });

  it.each([
    ['a declared windows-1251 feed', enc(rss(RU, 'windows-1251'), 'windows-1251'), undefined],
    ['UTF-8 under a server-default Latin-1 header', enc(rss(FR), 'utf-8'), 'text/xml; charset=iso-8859-1'],
    ['plain ASCII', Buffer.from(rss('Plain news')), 'text/xml'],
  ])('no warning for %s', (_name, bytes, contentType) => {
    expect(decodeBody(bytes, contentType).warning).toBeUndefined();
  });

  it('empty body', () => {
    expect(decodeBody(new Uint8Array(0))).toEqual({ text: '', encoding: 'utf-8', source: 'default' });
  });

  it('accepts a plain Uint8Array view into a larger buffer', () => {
    const backing = Buffer.concat([Buffer.from('junk'), enc(rss(RU, 'windows-1251'), 'windows-1251')]);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, backing.length - 4);
    const result = decodeBody(view);
    expect(result.text.startsWith('<?xml')).toBe(true);
    expect(result.text).toContain(RU);
  });
});

describe('codecFor', () => {
  it.each([
    ['utf8', 'utf-8'],
    ['CP1251', 'windows-1251'],
    ['latin1', 'windows-1252'],
    ['koi8-r', 'koi8-r'],
    ['iso-8859-16', 'iso-8859-16'],
    ['utf-32', 'utf-32be'],
    ['UTF_32LE', 'utf-32le'],
    ['utf32be', 'utf-32be'],
  ])('%s → %s', (label, name) => {
    expect(codecFor(label)?.name).toBe(name);
  });
  it.each(['', 'bogus', 'replacement', 'x-user-defined;drop'])('%j is unknown', (label) => {
    expect(codecFor(label)).toBeUndefined();
  });
});

describe('stripMarkup', () => {
  it('keeps text and CDATA content, drops tags and markers', () => {
    const out = Buffer.from(
      stripMarkup(Buffer.from('<a x="1">one</a><![CDATA[two]]><!-- c -->three')),
    ).toString();
    expect(out).toBe('onetwothree');
  });
});
