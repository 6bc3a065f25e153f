// Bytes of a feed → text. Contract: `decodeBody(bytes, contentType)` never throws; it returns the text, the
// encoding it used (a WHATWG name such as "utf-8", "windows-1251", or an iconv-lite name) and where that choice came
// from. Rule order:
//   1. A byte-order mark is authoritative (UTF-8, UTF-32LE/BE, UTF-16LE/BE); so is an XML prolog written in UTF-32
//      or UTF-16 (the first four bytes spell `<?` in that shape, XML 1.0 appendix F).
//   2. Declarations, in the order HTTP header charset, XML prolog encoding, HTML <meta charset> (only in documents
//      that are not XML feeds, within the first 64 KB). A declaration is
//      skipped when its label is unknown, when it says UTF-8 but the bytes are not (mostly) UTF-8, or when it names
//      UTF-16 on ASCII-shaped bytes. A declared non-UTF-8 charset on bytes that are valid UTF-8 with multi-byte
//      sequences is almost certainly a wrong declaration: UTF-8 wins (source "detected"). A header naming a generic
//      Latin-1 default (iso-8859-1, us-ascii, windows-1252) yields to a different in-document declaration, because
//      that header is usually the web server's default, not the feed generator's word.
//   3. No usable declaration: valid UTF-8 → UTF-8; otherwise chardet on the bytes with markup stripped (it answers
//      ISO-8859-1 for anything when tags dominate the sample).
//   4. Nothing else: UTF-8 with replacement characters (source "default").
// After a Unicode decoding (UTF-8/16/32), C1 control characters U+0080–U+009F are replaced by the windows-1252
// characters with those byte values: a feed never means a C1 control, and `don\u0092t` is the classic trace of
// windows-1252 text re-encoded as if it were Latin-1 (the same repair HTML applies to `&#146;`).
// `warning` is set when the bytes broke what XML requires of them (an unknown declared label was ignored; non-UTF-8
// bytes with no usable declaration were guessed): the text is our best reading, but the document is not well-formed.
// TextDecoder does the work (it is fast and knows windows-1251, koi8-r, …); iconv-lite only for labels it lacks.
import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';

export type EncodingSource = 'bom' | 'header' | 'xml-prolog' | 'html-meta' | 'detected' | 'default';

export interface Decoded {
  text: string;
  encoding: string;
  source: EncodingSource;
  /** Set when the document's bytes were irregular (see the module contract); the text is still our best reading. */
  warning?: string;
}

interface Codec {
  name: string;
  decode(bytes: Uint8Array): string;
}

const GENERIC_HEADER_DEFAULTS = new Set(['windows-1252']); // TextDecoder maps iso-8859-1 and us-ascii here too.
const WIDE = new Set(['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be']);
// Far enough for a <meta> after a long comment or <script>; the prolog must be at the very start anyway.
const META_SCAN_BYTES = 64 * 1024;
const DETECT_SCAN_BYTES = 256 * 1024;
const DETECT_SAMPLE_BYTES = 32 * 1024;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** The codec for a charset label, or undefined when neither TextDecoder nor iconv-lite knows it. */
export function codecFor(label: string): Codec | undefined {
  const clean = label.trim().replace(/^["']|["']$/g, '');
  if (!clean) return undefined;
  try {
    const name = new TextDecoder(clean).encoding;
    // Node 20's TextDecoder decodes windows-1252 (and so iso-8859-1, us-ascii) as plain Latin-1: 0x80 comes out as
    // U+0080 instead of €. iconv-lite has the right table.
    if (name === 'windows-1252') return { name, decode: (bytes) => iconv.decode(asBuffer(bytes), name) };
    return { name, decode: (bytes) => new TextDecoder(name).decode(bytes) };
  } catch {
    // not a WHATWG label: try iconv-lite below
  }
  if (/^[\w.:-]+$/.test(clean) && iconv.encodingExists(clean)) {
    // iconv-lite's own spellings (utf32le, utf-32, UTF_32BE) → one canonical name for UTF-32.
    const utf32 = /^utf[-_]?32[-_]?(le|be)?$/i.exec(clean);
    const name = utf32 ? `utf-32${(utf32[1] ?? 'be').toLowerCase()}` : clean.toLowerCase();
    return { name, decode: (bytes) => iconv.decode(asBuffer(bytes), name) };
  }
  return undefined;
}

function headerCharset(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  return /;\s*charset\s*=\s*"?([^";,\s]+)/i.exec(contentType)?.[1];
}

function latin1Prefix(bytes: Uint8Array, max: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString('latin1');
}

function xmlPrologEncoding(bytes: Uint8Array): string | undefined {
  const head = latin1Prefix(bytes, 512);
  return /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']\s*([^"'\s]+)\s*["']/.exec(head)?.[1];
}

function htmlMetaCharset(bytes: Uint8Array): string | undefined {
  const head = latin1Prefix(bytes, META_SCAN_BYTES);
  // In an XML feed a <meta> can only come from embedded article HTML (CDATA), which says nothing about the feed.
  if (/^\s*(?:<\?xml|(?:<!--[\s\S]*?-->\s*)*<(?:rss|feed|rdf:rdf)\b)/i.test(head)) return undefined;
  const metas = head.match(/<meta\b[^>]*>/gi) ?? [];
  for (const meta of metas) {
    const direct = /\bcharset\s*=\s*["']?\s*([^"'\s/>;]+)/i.exec(meta)?.[1];
    if (direct) return direct;
  }
  return undefined;
}

function bomCodec(bytes: Uint8Array): Codec | undefined {
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0xef && b === 0xbb && c === 0xbf) return codecFor('utf-8');
  // UTF-32LE's mark starts like UTF-16LE's: test the four-byte marks first.
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return codecFor('utf-32le');
  if (a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return codecFor('utf-32be');
  if (a === 0xff && b === 0xfe) return codecFor('utf-16le');
  if (a === 0xfe && b === 0xff) return codecFor('utf-16be');
  return undefined;
}

/** `<?` written in UTF-32 or UTF-16 without a BOM (XML 1.0 appendix F). */
function widePrologCodec(bytes: Uint8Array): Codec | undefined {
  const [a, b, c, d, e, f, g, h] = Array.from(bytes.subarray(0, 8));
  if (a === 0x3c && b === 0 && c === 0 && d === 0 && e === 0x3f && f === 0 && g === 0 && h === 0)
    return codecFor('utf-32le');
  if (a === 0 && b === 0 && c === 0 && d === 0x3c && e === 0 && f === 0 && g === 0 && h === 0x3f)
    return codecFor('utf-32be');
  if (a === 0x3c && b === 0x00 && c === 0x3f && d === 0x00) return codecFor('utf-16le');
  if (a === 0x00 && b === 0x3c && c === 0x00 && d === 0x3f) return codecFor('utf-16be');
  return undefined;
}

interface Utf8Shape {
  ascii: boolean;
  valid: boolean;
  /** Valid with at most a few stray bytes among many multi-byte sequences (one bad character in a UTF-8 feed). */
  mostly: boolean;
  multiByte: boolean;
}

function utf8Shape(bytes: Uint8Array): Utf8Shape {
  let high = false;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] ?? 0) >= 0x80) {
      high = true;
      break;
    }
  }
  if (!high) return { ascii: true, valid: true, mostly: true, multiByte: false };
  if (isUtf8(bytes)) return { ascii: false, valid: true, mostly: true, multiByte: true };
  let sequences = 0;
  let invalid = 0;
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const need =
      lead >= 0xc2 && lead <= 0xdf
        ? 1
        : lead >= 0xe0 && lead <= 0xef
          ? 2
          : lead >= 0xf0 && lead <= 0xf4
            ? 3
            : -1;
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) ok = ((bytes[i + k] ?? 0) & 0xc0) === 0x80;
    if (ok) {
      sequences++;
      i += need + 1;
    } else {
      invalid++;
      i++;
    }
  }
  return {
    ascii: false,
    valid: false,
    mostly: sequences >= 8 && invalid * 20 <= sequences,
    multiByte: sequences > 0,
  };
}

/** Bytes of text content only: tags, comments, processing instructions and CDATA markers removed. */
export function stripMarkup(bytes: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  let inTag = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    if (inTag) {
      if (byte === 0x3e) inTag = false;
      continue;
    }
    if (byte === 0x3c) {
      // "<![CDATA[" opens text, not a tag: drop the marker and keep what follows.
      if (
        bytes[i + 1] === 0x21 &&
        bytes[i + 2] === 0x5b &&
        latin1Prefix(bytes.subarray(i, i + 9), 9) === '<![CDATA['
      ) {
        i += 8;
        continue;
      }
      inTag = true;
      continue;
    }
    if (byte === 0x5d && bytes[i + 1] === 0x5d && bytes[i + 2] === 0x3e) {
      i += 2;
      continue;
    }
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

function detect(bytes: Uint8Array): Codec | undefined {
  // chardet reads every byte it is given (~0.5 s per MB); a few dozen KB of text settle the question.
  const head = bytes.subarray(0, DETECT_SCAN_BYTES);
  const text = stripMarkup(head).subarray(0, DETECT_SAMPLE_BYTES);
  const sample = text.length >= 64 ? text : head.subarray(0, DETECT_SAMPLE_BYTES);
  const hasNul = sample.includes(0);
  for (const match of chardet.analyse(sample)) {
    const codec = codecFor(match.name);
    if (!codec) continue;
    // UTF-16/32 without a BOM or NULs is a misreading; UTF-8 was already ruled out by the caller.
    if (/^utf-(16|32)/i.test(match.name) && !hasNul) continue;
    if (codec.name === 'utf-8') continue;
    return codec;
  }
  return undefined;
}

// windows-1252 0x80–0x9F; undefined where windows-1252 has no character either.
const C1_AS_WINDOWS_1252 = [...'€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'];

function repairC1(decoded: Decoded): Decoded {
  if (!/^utf-/.test(decoded.encoding) || !/[\u0080-\u009f]/.test(decoded.text)) return decoded;
  const text = decoded.text.replace(
    /[\u0080-\u009f]/g,
    (ch) => C1_AS_WINDOWS_1252[ch.charCodeAt(0) - 0x80] ?? ch,
  );
  return { ...decoded, text };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function decodeBody(bytes: Uint8Array, contentType?: string): Decoded {
  return repairC1(decodeRaw(bytes, contentType));
}

function decodeRaw(bytes: Uint8Array, contentType?: string): Decoded {
  const bom = bomCodec(bytes);
  // Both TextDecoder and iconv-lite drop the mark by default; the text must never start with one, whoever decodes.
  if (bom) return { text: stripBom(bom.decode(bytes)), encoding: bom.name, source: 'bom' };
  const wide = widePrologCodec(bytes);
  if (wide) return { text: wide.decode(bytes), encoding: wide.name, source: 'xml-prolog' };

  const shape = utf8Shape(bytes);
  const utf8 = codecFor('utf-8') as Codec;
  const declared: { codec: Codec; source: EncodingSource }[] = [];
  const unknown: string[] = [];
  for (const [label, source] of [
    [headerCharset(contentType), 'header'],
    [xmlPrologEncoding(bytes), 'xml-prolog'],
    [htmlMetaCharset(bytes), 'html-meta'],
  ] as const) {
    const codec = label === undefined ? undefined : codecFor(label);
    if (!codec) {
      if (label !== undefined) unknown.push(`${source} charset "${label}"`);
      continue;
    }
    if (codec.name === 'utf-8' && !shape.mostly) continue;
    if (WIDE.has(codec.name)) continue; // a UTF-16/32 document would have shown a BOM or a wide prolog above
    declared.push({ codec, source });
  }
  // A server-default Latin-1 header yields to a different declaration inside the document.
  const first = declared[0];
  if (first?.source === 'header' && GENERIC_HEADER_DEFAULTS.has(first.codec.name)) {
    const inDocument = declared.find((d) => d.source !== 'header' && d.codec.name !== first.codec.name);
    if (inDocument) {
      declared.splice(declared.indexOf(inDocument), 1);
      declared.unshift(inDocument);
    }
  }
  const chosen = declared[0];
  if (chosen) {
    if (chosen.codec.name !== 'utf-8' && shape.valid && shape.multiByte) {
      return { text: utf8.decode(bytes), encoding: 'utf-8', source: 'detected' };
    }
    return { text: chosen.codec.decode(bytes), encoding: chosen.codec.name, source: chosen.source };
  }
  const ignored = unknown.length > 0 ? `unknown ${unknown.join(', ')} ignored` : undefined;
  const warn = (message: string | undefined): { warning?: string } =>
    message === undefined ? {} : { warning: message };
  if (shape.ascii)
    return { text: utf8.decode(bytes), encoding: 'utf-8', source: 'default', ...warn(ignored) };
  if (shape.valid || shape.mostly)
    return { text: utf8.decode(bytes), encoding: 'utf-8', source: 'detected', ...warn(ignored) };
  const undeclared = 'bytes are not UTF-8 and declare no usable charset';
  const guessed = detect(bytes);
  if (guessed) {
    const message = `${undeclared}; read as ${guessed.name} (guessed)${ignored ? `; ${ignored}` : ''}`;
    return { text: guessed.decode(bytes), encoding: guessed.name, source: 'detected', warning: message };
  }
  return {
    text: utf8.decode(bytes),
    encoding: 'utf-8',
    source: 'default',
    warning: `${undeclared}; read as UTF-8 with replacement characters${ignored ? `; ${ignored}` : ''}`,
  };
}
