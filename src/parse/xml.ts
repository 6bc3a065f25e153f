// XML feeds through rss-parser (parseString only). rss-parser (xml2js on sax) tokenises the XML, decodes entities,
// recognises the format and finds the channel and its items; we ask it, through customFields, for every raw element
// of the channel and of each item, and choose and interpret the fields ourselves (namespaces by URI, xml:base,
// Atom text types, RSS guid/permalink rules), because its own field mapping drops what we need.
// Its output type stays in this file; callers get a RawFeed.

import Parser from 'rss-parser';
import type { FeedFormat } from './types.ts';
import type { RawEntry, RawFeed, RawLink, RawText } from './raw.ts';

/** An xml2js node as rss-parser hands it over (explicitArray: every child is an array). */
type XNode = string | XObject;
interface XObject {
  _?: string;
  $?: Record<string, string>;
  [child: string]: unknown;
}

const NS = {
  atom10: 'http://www.w3.org/2005/Atom',
  atom03: 'http://purl.org/atom/ns#',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  rss1: 'http://purl.org/rss/1.0/',
  rss090: 'http://my.netscape.com/rdf/simple/0.9/',
  rss11: 'http://purl.org/net/rss1.1#',
  xhtml: 'http://www.w3.org/1999/xhtml',
} as const;

const CONVENTIONAL_PREFIX: Record<string, string[]> = {
  [NS.atom10]: ['atom', 'atom10'],
  [NS.atom03]: ['atom', 'atom03'],
  [NS.dc]: ['dc'],
  [NS.dcterms]: ['dcterms'],
  [NS.content]: ['content'],
};

const RAW = 'raw:';
const MAX_NAMES = 400;

class Names {
  private readonly byUri = new Map<string, string[]>();
  private readonly defaultUris: Set<string>;

  constructor(text: string, rootAttrs: Record<string, string>) {
    for (const m of text.matchAll(/xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)) {
      const uri = (m[2] ?? '').trim();
      const list = this.byUri.get(uri) ?? [];
      if (!list.includes(m[1] ?? '')) list.push(m[1] ?? '');
      this.byUri.set(uri, list);
    }
    this.defaultUris = new Set([rootAttrs['xmlns'] ?? '']);
  }

  /** Qualified names under which an element of namespace `uri` called `local` may appear. */
  qnames(uri: string, local: string): string[] {
    const prefixes = [...(this.byUri.get(uri) ?? []), ...(CONVENTIONAL_PREFIX[uri] ?? [])];
    const out = prefixes.map((p) => `${p}:${local}`);
    if (this.defaultUris.has(uri)) out.unshift(local);
    return out;
  }
}

function children(node: XNode | undefined, qname: string): XNode[] {
  if (node === undefined || typeof node === 'string') return [];
  const v = node[RAW + qname] ?? node[qname];
  return Array.isArray(v) ? (v as XNode[]) : [];
}

function firstChild(node: XNode | undefined, qnames: string[]): XNode | undefined {
  for (const q of qnames) {
    const c = children(node, q)[0];
    if (c !== undefined) return c;
  }
  return undefined;
}

function allChildren(node: XNode | undefined, qnames: string[]): XNode[] {
  return qnames.flatMap((q) => children(node, q));
}

function attrs(node: XNode | undefined): Record<string, string> {
  if (node === undefined || typeof node === 'string') return {};
  const a = node[RAW + '$'] ?? node.$;
  return a !== null && typeof a === 'object' ? (a as Record<string, string>) : {};
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Rebuild markup from an xml2js node (inline XHTML content). xml2js keeps no order between text and children. */
function serialise(node: XNode): string {
  if (typeof node === 'string') return escapeText(node);
  let out = node._ === undefined ? '' : escapeText(node._);
  for (const [key, value] of Object.entries(node)) {
    if (key === '_' || key === '$' || !Array.isArray(value)) continue;
    const tag = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
    for (const child of value as XNode[]) {
      const a = Object.entries(attrs(child))
        .filter(([k]) => !k.startsWith('xmlns'))
        .map(([k, v]) => ` ${k}="${escapeText(v).replace(/"/g, '&quot;')}"`)
        .join('');
      out += `<${tag}${a}>${serialise(child)}</${tag}>`;
    }
  }
  return out;
}

function textOf(node: XNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  if (typeof node._ === 'string') return node._;
  const hasChildren = Object.keys(node).some((k) => k !== '$' && k !== '_');
  return hasChildren ? serialise(node) : '';
}

function resolveBase(base: string | undefined, parent: string | undefined): string | undefined {
  if (base === undefined || base.trim() === '') return parent;
  try {
    return parent === undefined ? new URL(base.trim()).href : new URL(base.trim(), parent).href;
  } catch {
    // A relative base with no absolute parent yet: keep it; normalise.ts resolves it against the feed URL.
    return parent === undefined ? base.trim() : parent;
  }
}

function baseOf(node: XNode | undefined, parent: string | undefined): string | undefined {
  return resolveBase(attrs(node)['xml:base'], parent);
}

function langOf(node: XNode | undefined): string | undefined {
  const l = attrs(node)['xml:lang'];
  return l === undefined || l.trim() === '' ? undefined : l.trim();
}

/** An Atom text construct (title, summary, content, subtitle…) or an RSS text element. */
function atomText(node: XNode | undefined, parentBase: string | undefined): RawText | undefined {
  if (node === undefined) return undefined;
  const a = attrs(node);
  const marked = a[MARK] !== undefined;
  const type = (a['type'] ?? (marked ? 'html' : 'text')).toLowerCase();
  const base = baseOf(node, parentBase);
  // Atom 0.3 mode="base64", and Atom 1.0 content with a non-text, non-XML media type, are base64.
  const binary =
    type.includes('/') &&
    !type.startsWith('text/') &&
    !/[+/]xml$/.test(type) &&
    type !== 'application/xhtml+xml';
  if ((a['mode'] ?? '').toLowerCase() === 'base64' || binary) {
    const decoded = Buffer.from((textOf(node) ?? '').replace(/\s+/g, ''), 'base64').toString('utf8');
    return { value: decoded, type: type === 'text/plain' ? 'text' : 'html', base };
  }
  if (
    (type === 'xhtml' || type === 'application/xhtml+xml') &&
    typeof node !== 'string' &&
    typeof node._ === 'string'
  ) {
    return { value: unwrapXhtml(node._), type: 'html', base };
  }
  if (type === 'xhtml' || type === 'application/xhtml+xml') {
    // The content is the inner markup of a single wrapping div.
    const div = typeof node === 'string' ? undefined : (firstChildAnyPrefix(node, 'div') ?? undefined);
    const inner = div === undefined ? textOf(node) : textOf(div);
    return { value: inner ?? '', type: 'html', base: div === undefined ? base : baseOf(div, base) };
  }
  const value = textOf(node) ?? '';
  // Atom 0.3 mode="escaped" and type="text/html" both mean HTML; plain "text" is literal text.
  const html =
    type === 'html' || type === 'text/html' || (type !== 'text' && type !== 'text/plain' && value !== '');
  const isText = type === 'text' || type === 'text/plain';
  return { value, type: isText ? 'text' : html ? 'html' : 'text', base };
}

function firstChildAnyPrefix(node: XObject, local: string): XNode | undefined {
  for (const [key, value] of Object.entries(node)) {
    if ((key === local || key.endsWith(`:${local}`)) && Array.isArray(value)) return value[0] as XNode;
  }
  return undefined;
}

/** RSS text: titles are text that often carries HTML entities or tags; descriptions are HTML. */
function rssText(
  node: XNode | undefined,
  type: 'text' | 'html',
  base: string | undefined,
): RawText | undefined {
  const value = textOf(node);
  if (value === undefined) return undefined;
  const a = attrs(node);
  if (a['type'] !== undefined || a['mode'] !== undefined) return atomText(node, base);
  if (a[MARK] !== undefined) return { value: unwrapXhtml(value), type: 'html', base: baseOf(node, base) };
  return { value, type, base: baseOf(node, base) };
}

function rootStartTag(text: string): { name: string; attrs: Record<string, string> } | undefined {
  const m = /<([A-Za-z_][\w.:-]*)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/.exec(
    text.replace(/<\?[^]*?\?>|<!--[^]*?-->|<!\[CDATA\[[^]*?\]\]>/g, (s) => ' '.repeat(s.length)),
  );
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const a of (m[2] ?? '').matchAll(/([^\s=>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    out[a[1] ?? ''] = a[2] ?? a[3] ?? '';
  }
  return { name: m[1] ?? '', attrs: out };
}

function detectFormat(root: { name: string; attrs: Record<string, string> }): FeedFormat | undefined {
  const local = root.name.includes(':') ? root.name.slice(root.name.indexOf(':') + 1) : root.name;
  if (local === 'feed') {
    const ns = Object.entries(root.attrs).find(([k]) => k === 'xmlns' || k.startsWith('xmlns:'))?.[1] ?? '';
    return root.attrs['version'] === '0.3' || ns === NS.atom03 ? 'atom03' : 'atom1';
  }
  if (local === 'RDF') {
    return Object.values(root.attrs).includes(NS.rss090) ? 'rss09' : 'rss1';
  }
  if (local === 'Channel' && Object.values(root.attrs).includes(NS.rss11)) return 'rss1';
  if (local === 'rss') {
    const v = root.attrs['version'] ?? '';
    return /^0\.9/.test(v) ? 'rss09' : 'rss2';
  }
  return undefined;
}

export function looksLikeXmlFeed(text: string): boolean {
  const root = rootStartTag(text.slice(0, 65536));
  return root !== undefined && detectFormat(root) !== undefined;
}

function elementNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/<([A-Za-z_][\w.-]*(?::[\w.-]+)?)[\s/>]/g)) {
    const name = m[1] ?? '';
    if (name !== 'item' && name !== 'entry') names.add(name);
    if (names.size >= MAX_NAMES) break;
  }
  return [...names];
}

function toLink(node: XNode | undefined, base: string | undefined): RawLink | undefined {
  if (node === undefined) return undefined;
  const a = attrs(node);
  const href = a['href'] ?? textOf(node);
  if (href === undefined || href.trim() === '') return undefined;
  return { href: href.trim(), rel: a['rel'], type: a['type'], length: a['length'], base: baseOf(node, base) };
}

/** Atom-style links (href attribute); RSS text links under the same name are not links of this kind. */
function atomLinks(node: XNode | undefined, qnames: string[], base: string | undefined): RawLink[] {
  return allChildren(node, qnames)
    .filter((l) => attrs(l)['href'] !== undefined)
    .map((l) => toLink(l, base))
    .filter((l): l is RawLink => l !== undefined);
}

function pickAlternate(links: RawLink[]): RawLink | undefined {
  const alternates = links.filter((l) => l.rel === undefined || l.rel === 'alternate');
  return (
    alternates.find((l) => l.type === undefined || /html/i.test(l.type)) ??
    alternates[0] ??
    links.find((l) => l.rel !== 'self' && l.rel !== 'enclosure' && l.rel !== 'edit')
  );
}

function personName(node: XNode | undefined, names: Names, ns: string): string | undefined {
  if (node === undefined) return undefined;
  const name = textOf(firstChild(node, [...names.qnames(ns, 'name'), 'name']));
  if (name !== undefined && name.trim() !== '') return name.trim();
  const email = textOf(firstChild(node, [...names.qnames(ns, 'email'), 'email']));
  if (email !== undefined && email.trim() !== '') return email.trim();
  const text = typeof node === 'string' ? node : node._;
  return text?.trim() || undefined;
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t === undefined || t === '' ? undefined : t;
}

// xml2js keeps no order between text and child elements, which garbles inline markup. Before parsing, the inner
// markup of every text construct that holds child elements (type="xhtml", or "naked" HTML in RSS descriptions and
// untyped Atom titles) is wrapped in CDATA so that it arrives as one string, in order; a marker attribute tells the
// reader that the string is markup.
const MARKUP_HOLDERS =
  /<((?:[\w.-]+:)?(?:content|summary|title|subtitle|rights|tagline|info|copyright|description|encoded|body|fullitem))(\s[^>]*?)?(?<!\/)>((?:(?!<\/\1\s*>)[^])*)<\/\1\s*>/g;
const MARK = 'tipwire-markup';

function protectMarkup(text: string): string {
  return text.replace(
    MARKUP_HOLDERS,
    (whole, name: string, attributes: string | undefined, inner: string) => {
      if (!/<[A-Za-z]/.test(inner) || inner.includes('<![CDATA[') || inner.includes('<!--')) return whole;
      return `<${name}${attributes ?? ''} ${MARK}="1"><![CDATA[${inner.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`;
    },
  );
}

/** The inner markup of an inline XHTML construct: the wrapping div removed, namespace prefixes dropped. */
function unwrapXhtml(markup: string): string {
  let s = markup.trim();
  const div = /^<((?:[\w.-]+:)?div)\b[^>]*>([^]*)<\/\1\s*>$/.exec(s);
  if (div) s = div[2] ?? '';
  return s.replace(/<(\/?)[\w.-]+:/g, '<$1').replace(/\sxmlns(?::[\w.-]+)?\s*=\s*("[^"]*"|'[^']*')/g, '');
}

/** rss-parser needs a <channel>; RSS 0.9x/2.0 documents without one (items under <rss>) get one around the body. */
function withChannel(text: string, format: FeedFormat): string {
  // RSS 1.1: the root is the channel and items sit in <items>; reshape it as RSS 2.0 for rss-parser.
  if (/^\s*(?:<\?[^]*?\?>\s*|<!--[^]*?-->\s*)*<Channel\b/.test(text)) {
    return text
      .replace(/<Channel\b([^>]*)>/, '<rss version="2.0"$1><channel>')
      .replace(/<\/Channel\s*>(?![^]*<\/Channel)/, '</channel></rss>')
      .replace(/<items\b[^>]*\/>|<\/?items\b[^>]*>/g, '');
  }
  if (/<(?:[\w.-]+:)?channel[\s>/]/.test(text)) return text;
  if (format === 'rss1' || (format === 'rss09' && /<(?:rdf:)?RDF[\s>]/.test(text))) {
    // RDF without a channel: an empty one before the root's end tag (rss-parser indexes channel[0]).
    const end = text.lastIndexOf('</');
    return end < 0 ? text : `${text.slice(0, end)}<channel></channel>${text.slice(end)}`;
  }
  if (format !== 'rss2' && format !== 'rss09') return text;
  const open = /<rss\b[^>]*?(\/?)>/.exec(text);
  if (open === null) return text;
  const at = open.index + open[0].length;
  if (open[1] === '/') return `${text.slice(0, open.index)}<rss><channel></channel></rss>${text.slice(at)}`;
  const close = text.lastIndexOf('</rss');
  if (close < at) return text;
  return `${text.slice(0, at)}<channel>${text.slice(at, close)}</channel>${text.slice(close)}`;
}

/** Parse XML (already stripped of its DOCTYPE) with rss-parser and map it to a RawFeed. Throws what rss-parser throws. */
export async function readXmlFeed(text: string): Promise<RawFeed> {
  const root = rootStartTag(text);
  const format = root === undefined ? undefined : detectFormat(root);
  if (root === undefined || format === undefined) throw new Error('no RSS, RDF or Atom root element');
  const fieldNames = [...elementNames(text), '$'];
  const custom = fieldNames.map((n) => [n, RAW + n, { keepArray: true }]);
  const parser = new Parser({
    defaultRSS: 2,
    customFields: { feed: custom as never, item: custom as never },
  });
  const out = (await parser.parseString(protectMarkup(withChannel(text, format)))) as unknown as XObject & {
    items: XObject[];
  };
  const names = new Names(text, root.attrs);
  const rootBase = resolveBase(root.attrs['xml:base'], undefined);
  const rootLang = nonEmpty(root.attrs['xml:lang']);
  return format === 'atom1' || format === 'atom03'
    ? atomFeed(out, format, names, rootBase, rootLang)
    : rssFeed(out, format, names, rootBase, rootLang);
}

function atomFeed(
  feed: XObject & { items: XObject[] },
  format: FeedFormat,
  names: Names,
  base: string | undefined,
  lang: string | undefined,
): RawFeed {
  const ns = format === 'atom03' ? NS.atom03 : NS.atom10;
  const q = (local: string): string[] => [...names.qnames(ns, local), local];
  const feedBase = base;
  const feedLang = langOf(feed) ?? lang;
  const entries: RawEntry[] = feed.items.map((item) => {
    const eBase = baseOf(item, feedBase);
    const links = atomLinks(item, q('link'), eBase);
    const enclosures = links
      .filter((l) => l.rel === 'enclosure')
      .map((l) => ({ url: l.href, type: l.type, length: l.length }));
    const authorNode = firstChild(item, q('author'));
    const categories = allChildren(item, q('category'))
      .map((c) => attrs(c)['term'] ?? attrs(c)['label'] ?? textOf(c) ?? '')
      .concat(allChildren(item, names.qnames(NS.dc, 'subject')).map((c) => textOf(c) ?? ''));
    return {
      id: nonEmpty(textOf(firstChild(item, q('id')))),
      link: pickAlternate(links),
      title: atomText(firstChild(item, q('title')), eBase),
      summary: atomText(firstChild(item, q('summary')), eBase),
      content: contentNode(firstChild(item, q('content')), eBase),
      author:
        personName(authorNode, names, ns) ??
        nonEmpty(textOf(firstChild(item, names.qnames(NS.dc, 'creator')))),
      categories,
      published:
        nonEmpty(textOf(firstChild(item, [...q('published'), ...q('issued'), ...q('created')]))) ??
        nonEmpty(textOf(firstChild(item, names.qnames(NS.dc, 'date')))),
      updated: nonEmpty(textOf(firstChild(item, [...q('updated'), ...q('modified')]))),
      language:
        langOf(item) ?? nonEmpty(textOf(firstChild(item, names.qnames(NS.dc, 'language')))) ?? feedLang,
      base: eBase,
      enclosures,
    };
  });
  const feedLinks = atomLinks(feed, q('link'), feedBase);
  return {
    format,
    title: atomText(firstChild(feed, q('title')), feedBase),
    link: pickAlternate(feedLinks),
    description: atomText(firstChild(feed, [...q('subtitle'), ...q('tagline')]), feedBase),
    language: feedLang ?? nonEmpty(textOf(firstChild(feed, names.qnames(NS.dc, 'language')))),
    updated: nonEmpty(textOf(firstChild(feed, [...q('updated'), ...q('modified')]))),
    base: feedBase,
    entries,
  };
}

function contentNode(node: XNode | undefined, base: string | undefined): RawText | undefined {
  if (node === undefined) return undefined;
  if (attrs(node)['src'] !== undefined) return undefined; // out-of-line content: nothing to show inline
  return atomText(node, base);
}

function rssFeed(
  channel: XObject & { items: XObject[] },
  format: FeedFormat,
  names: Names,
  rootBase: string | undefined,
  rootLang: string | undefined,
): RawFeed {
  const chBase = baseOf(channel, rootBase);
  const a = (local: string): string[] => [
    ...names.qnames(NS.atom10, local),
    ...names.qnames(NS.atom03, local),
  ];
  const dc = (local: string): string[] => names.qnames(NS.dc, local);
  const dcterms = (local: string): string[] => names.qnames(NS.dcterms, local);
  const rss1 = (local: string): string[] => [
    local,
    ...names.qnames(NS.rss1, local),
    ...names.qnames(NS.rss090, local),
  ];
  const feedLang =
    nonEmpty(textOf(firstChild(channel, [...rss1('language'), ...dc('language')]))) ??
    langOf(channel) ??
    rootLang;
  const entries: RawEntry[] = channel.items.map((item) => {
    const eBase = baseOf(item, chBase);
    const guidNode = firstChild(item, rss1('guid'));
    const guid = nonEmpty(textOf(guidNode));
    const idNotLink = (attrs(guidNode)['isPermaLink'] ?? 'true').trim().toLowerCase() === 'false';
    const linkNode = firstChild(item, rss1('link'));
    const atomAlt = pickAlternate(atomLinks(item, a('link'), eBase));
    const about = attrs(item)['rdf:about'];
    const link =
      toLink(linkNode, eBase) ??
      atomAlt ??
      (guid !== undefined && !idNotLink && /^https?:\/\//i.test(guid)
        ? { href: guid, base: eBase }
        : undefined) ??
      (about !== undefined && /^https?:\/\//i.test(about) ? { href: about, base: eBase } : undefined);
    const enclosures = allChildren(item, rss1('enclosure'))
      .map((e) => attrs(e))
      .filter((e) => e['url'] !== undefined && e['url'].trim() !== '')
      .map((e) => ({ url: (e['url'] ?? '').trim(), type: e['type'], length: e['length'] }));
    const authorText =
      nonEmpty(textOf(firstChild(item, rss1('author')))) ??
      nonEmpty(textOf(firstChild(item, [...dc('creator'), ...dc('author')]))) ??
      personName(firstChild(item, a('author')), names, NS.atom10);
    return {
      id: guid ?? nonEmpty(about),
      idNotLink,
      link,
      title: rssText(firstChild(item, [...rss1('title'), ...dc('title')]), 'html', eBase),
      summary: rssText(
        firstChild(item, [
          ...rss1('description'),
          ...dc('description'),
          ...a('summary'),
          ...dcterms('abstract'),
        ]),
        'html',
        eBase,
      ),
      content:
        rssText(
          firstChild(item, [
            ...names.qnames(NS.content, 'encoded'),
            ...names.qnames(NS.xhtml, 'body'),
            'body',
            'fullitem',
          ]),
          'html',
          eBase,
        ) ?? contentNode(firstChild(item, a('content')), eBase),
      author: authorText,
      categories: allChildren(item, [...rss1('category'), ...dc('subject')]).map((c) => textOf(c) ?? ''),
      published:
        nonEmpty(textOf(firstChild(item, rss1('pubDate')))) ??
        nonEmpty(textOf(firstChild(item, [...dc('date'), ...dcterms('issued'), ...dcterms('created')]))) ??
        nonEmpty(textOf(firstChild(item, [...a('published'), ...a('issued')]))),
      updated: nonEmpty(
        textOf(firstChild(item, [...dcterms('modified'), ...a('updated'), ...a('modified')])),
      ),
      language:
        nonEmpty(textOf(firstChild(item, [...dc('language'), ...rss1('language')]))) ??
        langOf(item) ??
        feedLang,
      base: eBase,
      enclosures,
    };
  });
  return {
    format,
    title: rssText(firstChild(channel, [...rss1('title'), ...dc('title')]), 'html', chBase),
    link:
      toLink(firstChild(channel, rss1('link')), chBase) ??
      pickAlternate(atomLinks(channel, a('link'), chBase)),
    description: rssText(firstChild(channel, [...rss1('description'), ...a('subtitle')]), 'html', chBase),
    language: feedLang,
    ttl: nonEmpty(textOf(firstChild(channel, rss1('ttl')))),
    updated: nonEmpty(
      textOf(
        firstChild(channel, [
          ...rss1('lastBuildDate'),
          ...rss1('pubDate'),
          ...dc('date'),
          ...dcterms('modified'),
          ...a('updated'),
        ]),
      ),
    ),
    base: chBase,
    entries,
  };
}
