// canonicalUrl: one spelling per article URL, so that re-lists, tracking links and mobile/AMP variants of the same
// page get the same identity. Pure; no network (a redirect that only the server knows, such as a feedproxy path
// without the target in it, stays as it is: parse should prefer feedburner:origLink when the feed gives one).
//
// Rule order:
//   1. parse; anything but http(s) → undefined
//   2. unwrap redirect wrappers (Google News/Alerts, google.com/url, Bing, Facebook, VK, Telegram, DuckDuckGo,
//      Yahoo, feedproxy with a target in the query …), repeatedly, at most 4 levels
//   3. scheme → https (http and https copies of one page are one article; the published link is kept in Item.link)
//   4. host: lower case (URL does it), trailing dot, leading www./m./mobile./amp. removed; default ports dropped
//   5. path: duplicate slashes collapsed, AMP segments (/amp, /amp/…, …/amp, .amp) and index.html/php removed,
//      trailing slash removed
//   6. query: utm_*, the configured tracking parameters and AMP flags removed (case-insensitive), the rest sorted
//   7. fragment removed

const WRAPPER_PARAMS: { host: RegExp; path: RegExp; params: string[] }[] = [
  { host: /(^|\.)google\.[a-z.]+$/, path: /^\/(url|imgres|link)$/, params: ['url', 'q', 'u', 'imgrefurl'] },
  { host: /^news\.google\.[a-z.]+$/, path: /^\/(news\/)?url$|^\/news\/.*$/, params: ['url', 'u', 'q'] },
  { host: /(^|\.)bing\.com$/, path: /./, params: ['url', 'u'] },
  { host: /(^|\.)facebook\.com$/, path: /^\/l\.php$/, params: ['u'] },
  { host: /^(away\.)?vk\.com$/, path: /^\/away\.php$/, params: ['to'] },
  { host: /^t\.me$/, path: /^\/iv$/, params: ['url'] },
  { host: /(^|\.)duckduckgo\.com$/, path: /^\/l\/?$/, params: ['uddg'] },
  { host: /(^|\.)feedproxy\.google\.com$|(^|\.)feeds\.feedburner\.com$/, path: /./, params: ['url', 'u'] },
  { host: /(^|\.)yandex\.[a-z]+$/, path: /./, params: ['url', 'u'] },
  {
    host: /^out\.reddit\.com$|^href\.li$|^(www\.)?linkedin\.com$|^lnkd\.in$/,
    path: /./,
    params: ['url', 'u'],
  },
];

const AMP_PARAMS = new Set(['amp', 'outputtype', 'amp_js_v', 'usqp', 'amp_gsa', '__amp_source_origin']);

export interface CanonicalOptions {
  /** Query parameters to drop besides utm_* (case-insensitive). */
  trackingParams: string[];
}

export function canonicalUrl(url: string, options: CanonicalOptions): string | undefined {
  let parsed = parseHttp(url.trim());
  if (!parsed) return undefined;
  for (let depth = 0; depth < 4; depth += 1) {
    const inner = unwrap(parsed);
    if (!inner) break;
    parsed = inner;
  }
  return normalise(parsed, new Set(options.trackingParams.map((name) => name.toLowerCase())));
}

/**
 * The published link without its tracking parameters (utm_* and the configured ones), everything else as the outlet
 * wrote it: what feeds, digests and pages link to. Unlike canonicalUrl it keeps scheme, host, path, order and
 * fragment, so the link still opens the page the outlet meant. Not a URL → unchanged.
 */
export function withoutTracking(link: string, options: CanonicalOptions): string {
  const parsed = parseHttp(link.trim());
  if (!parsed || parsed.search === '') return link;
  const tracking = new Set(options.trackingParams.map((name) => name.toLowerCase()));
  const kept = [...parsed.searchParams].filter(([key]) => {
    const lower = key.toLowerCase();
    return !lower.startsWith('utm_') && !tracking.has(lower);
  });
  if (kept.length === [...parsed.searchParams].length) return link;
  parsed.search = kept.length === 0 ? '' : new URLSearchParams(kept).toString();
  return parsed.href;
}

function parseHttp(text: string): URL | undefined {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.hostname === '') return undefined;
  return parsed;
}

function unwrap(url: URL): URL | undefined {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  for (const wrapper of WRAPPER_PARAMS) {
    if (!wrapper.host.test(host) || !wrapper.path.test(url.pathname)) continue;
    for (const name of wrapper.params) {
      const value = url.searchParams.get(name);
      const inner = value ? parseHttp(value) : undefined;
      if (inner) return inner;
    }
  }
  if (/^news\.google\.[a-z.]+$/.test(host)) return decodeGoogleNewsArticle(url);
  return undefined;
}

// Older Google News article links (/rss/articles/CBMi…, /articles/CBMi…) carry the target URL inside a base64url
// protobuf; newer opaque ids (AU_yqL…) do not and stay as they are.
function decodeGoogleNewsArticle(url: URL): URL | undefined {
  const match = /\/articles\/([A-Za-z0-9_-]{20,})/.exec(url.pathname);
  if (!match?.[1]) return undefined;
  let decoded: string;
  try {
    decoded = Buffer.from(match[1], 'base64url').toString('latin1');
  } catch {
    return undefined;
  }
  const found = /https?:\/\/[\x21-\x7e]+/.exec(decoded);
  if (!found) return undefined;
  // The protobuf may append a length-prefixed second field right after the URL; such bytes are non-printable and
  // already stop the match, but a printable length byte (e.g. "Ò") is not in the class either.
  return parseHttp(found[0]);
}

function normalise(url: URL, tracking: Set<string>): string {
  let host = url.hostname.toLowerCase().replace(/\.$/, '');
  // Strip one mobile/AMP/www label, but never down to a bare public suffix ("m.kg" stays).
  const stripped = host.replace(/^(www\d*|m|mobile|amp)\./, '');
  if (stripped.includes('.')) host = stripped;
  const defaultPort = url.port === '' || url.port === '80' || url.port === '443';
  const port = defaultPort ? '' : `:${url.port}`;

  let path = url.pathname.replace(/\/{2,}/g, '/');
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.length > 1 && segments[0]?.toLowerCase() === 'amp') segments.shift();
  if (segments.length > 1 && segments[segments.length - 1]?.toLowerCase() === 'amp') segments.pop();
  const last = segments[segments.length - 1];
  if (last !== undefined) {
    if (/^index\.(html?|php|aspx?)$/i.test(last)) segments.pop();
    else
      segments[segments.length - 1] = last.replace(
        /\.amp(\.html?)?$/i,
        (_, ext: string | undefined) => ext ?? '',
      );
  }
  path = segments.length === 0 ? '/' : `/${segments.join('/')}`;

  const kept: [string, string][] = [];
  for (const [key, value] of url.searchParams) {
    const lower = key.toLowerCase();
    if (lower.startsWith('utm_') || tracking.has(lower) || AMP_PARAMS.has(lower)) continue;
    kept.push([key, value]);
  }
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const query = kept.length === 0 ? '' : `?${new URLSearchParams(kept).toString()}`;
  return `https://${host}${port}${path}${query}`;
}
