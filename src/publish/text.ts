// Text and URL hygiene for everything publish hands to XML or JSON. Feed text comes from other people's feeds, so
// before it reaches the `feed` package (which neither strips control characters nor survives a bad URL) every string
// goes through cleanText and every URL through safeUrl. Pure functions, no I/O.

// XML 1.0 forbids C0 controls other than tab/LF/CR, U+FFFE/U+FFFF and lone surrogates; C1 controls are legal but
// never meaningful in news text (they are mis-decoded windows-1252 bytes), so they go too.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes characters that XML cannot carry. */
export function cleanText(text: string): string {
  return text.replace(INVALID_XML_CHARS, '').replace(LONE_SURROGATE, '');
}

/** An attribute value for elements `feed` passes through untouched (xml-js escapes only the double quote). */
export function escapeXmlAttr(text: string): string {
  return cleanText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value for elements `feed` escapes itself (it turns & into &amp; but leaves < alone). */
export function attrWithoutAngles(text: string): string {
  return cleanText(text).replace(/[<>]/g, '');
}

/** Escapes text for XML we write ourselves (injected Atom elements, OPML). */
export function escapeXml(text: string): string {
  return cleanText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * An absolute http(s) URL in its normalised form, or undefined. One bad URL must not break a whole feed (`feed`
 * throws on it), and only http(s) may become a link in someone's reader.
 */
export function safeUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = cleanText(value).trim();
  if (trimmed === '' || /\s/.test(trimmed)) return undefined;
  try {
    const url = new URL(trimmed);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.hostname === '') return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

/** Joins a base URL and an absolute path ("/feeds/all.rss") without doubling or losing the base's own path. */
export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}
