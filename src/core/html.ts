// HTML that came from someone else's feed, made safe to show (sanitizeHtml) or reduced to text (htmlToPlainText).
// Shared by parse (at the assignment), publish and digest, so every output path applies the same allowlist.
// Rules: an allowlist of harmless tags and attributes; dangerous containers (script, style, iframe, object, embed,
// form, textarea, xmp, svg, math…) are dropped with their content; no on* attributes survive (none is allowed);
// URLs are resolved against baseUrl first, so `java\tscript:` and relative tricks are judged in their final form,
// and only http, https and mailto remain; links get rel="nofollow noopener".

import sanitize from 'sanitize-html';
import { compile } from 'html-to-text';

const ALLOWED_TAGS = [
  'a',
  'abbr',
  'b',
  'blockquote',
  'br',
  'caption',
  'cite',
  'code',
  'dd',
  'del',
  'dfn',
  'div',
  'dl',
  'dt',
  'em',
  'figcaption',
  'figure',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'mark',
  'ol',
  'p',
  'pre',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'time',
  'tr',
  'u',
  'ul',
  'var',
  'wbr',
];

// Dropped together with everything inside them: their text is code, styling or widget content, never prose.
const DROP_WITH_CONTENT = [
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'applet',
  'form',
  'textarea',
  'xmp',
  'svg',
  'math',
  'noscript',
  'template',
  'select',
  'option',
  'button',
  'title',
  'head',
  'noembed',
  'noframes',
  'frameset',
  'plaintext',
];

const SAFE_SCHEMES = ['http', 'https', 'mailto'];

function resolveUrl(value: string, baseUrl: string | undefined): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  try {
    const url = baseUrl === undefined ? new URL(trimmed) : new URL(trimmed, baseUrl);
    const scheme = url.protocol.slice(0, -1).toLowerCase();
    return SAFE_SCHEMES.includes(scheme) ? url.href : undefined;
  } catch {
    // Unresolvable without a base: keep a plain relative path (never a scheme-bearing string).
    return /^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith('//') ? undefined : trimmed;
  }
}

function withUrl(
  attribs: Record<string, string>,
  name: string,
  baseUrl: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = { ...attribs };
  const raw = out[name];
  if (raw !== undefined) {
    const resolved = resolveUrl(raw, baseUrl);
    if (resolved === undefined) delete out[name];
    else out[name] = resolved;
  }
  return out;
}

/** Sanitise feed HTML with an allowlist; relative URLs become absolute against baseUrl. */
export function sanitizeHtml(html: string, baseUrl?: string): string {
  return sanitize(html, {
    allowedTags: ALLOWED_TAGS,
    nonTextTags: DROP_WITH_CONTENT,
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      abbr: ['title'],
      q: ['cite'],
      blockquote: ['cite'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan', 'scope'],
      time: ['datetime'],
    },
    allowedSchemes: SAFE_SCHEMES,
    allowedSchemesByTag: {},
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...withUrl(attribs, 'href', baseUrl), rel: 'nofollow noopener' },
      }),
      img: (tagName, attribs) => ({ tagName, attribs: withUrl(attribs, 'src', baseUrl) }),
      q: (tagName, attribs) => ({ tagName, attribs: withUrl(attribs, 'cite', baseUrl) }),
      blockquote: (tagName, attribs) => ({ tagName, attribs: withUrl(attribs, 'cite', baseUrl) }),
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs['src'],
  }).trim();
}

const toText = compile({
  wordwrap: false,
  preserveNewlines: false,
  decodeEntities: true,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'ul', options: { itemPrefix: '' } },
    { selector: 'ol', options: { itemPrefix: '' } },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'inline' },
    { selector: 'th', format: 'inline' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    ...DROP_WITH_CONTENT.map((selector) => ({ selector, format: 'skip' })),
  ],
});

/**
 * Reduce HTML to one line of text: markup removed, entities decoded, whitespace collapsed. Titles and summaries are
 * text: an element whose content is dropped (script, svg…) is dropped only when it is closed; an unclosed one loses
 * its tag and keeps its words, so `"><svg/onload=alert(1)> Ring jailed` reads `"> Ring jailed`, not `">`.
 */
export function htmlToPlainText(html: string): string {
  if (!/[<&]/.test(html)) return collapse(html);
  return collapse(toText(withoutUnclosedDrops(html)));
}

const DROP_OPENING = new RegExp(`<(${DROP_WITH_CONTENT.join('|')})(?=[\\s/>])[^>]*>?`, 'gi');

/** Removes the opening tags of drop-with-content elements that have no closing tag after them. */
function withoutUnclosedDrops(html: string): string {
  const lower = html.toLowerCase();
  return html.replace(DROP_OPENING, (tag: string, name: string, offset: number) =>
    lower.includes(`</${name.toLowerCase()}`, offset + tag.length) ? tag : '',
  );
}

function collapse(text: string): string {
  // \u00a0 (from &nbsp;) counts as a space; zero-width characters add nothing to plain text.
  return text
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Plain text made safe inside HTML text and quoted attributes: the one escaper every HTML writer uses. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}
