// The one layout of every HTML page and the headers every response carries. Pages are plain, accessible HTML:
// landmarks (header, main, footer), lang set, native controls with labels, no script at all, one stylesheet of our
// own (/site.css). The Content-Security-Policy is the same strict one for every response, set once by the server
// (server.ts) before any route runs, so no page can forget it: nothing but our stylesheet, our forms and our own
// images may load, and no other site may frame a page.
import type { ServerResponse } from 'node:http';
import { escapeHtml as esc } from '../core/html.ts';
import type { Locale } from '../jobs/subscribers.ts';
import { words } from './i18n.ts';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every response, whatever route answers (or none). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  // Feed text is other people's: never let a browser sniff it into something executable.
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

export interface Page {
  locale: Locale;
  title: string;
  /** HTML of the main landmark, escaped by the page function. */
  body: string;
  /** Extra <head> lines (e.g. <link rel=alternate> for feed autodiscovery), escaped by the page function. */
  head?: string;
  /** Pages reached through a personal link or a form answer are kept out of search engines. */
  noindex?: boolean;
}

export function layout(page: Page): string {
  const t = words(page.locale);
  const site = t.site;
  return `<!doctype html>
<html lang="${page.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${page.noindex ? '<meta name="robots" content="noindex">\n' : ''}<title>${esc(page.title)} · tipwire</title>
<link rel="stylesheet" href="/site.css">
<link rel="icon" href="data:,">
${page.head ? `${page.head}\n` : ''}</head>
<body>
<a class="skip" href="#content">${esc(site.skip)}</a>
<header><a class="brand" href="/">tipwire</a>
<nav aria-label="${esc(site.mainNav)}"><ul><li><a href="/">${esc(site.home)}</a></li><li><a href="/search">${esc(site.search)}</a></li><li><a href="/feeds">${esc(site.feeds)}</a></li><li><a href="/subscribe">${esc(t.subscribe)}</a></li></ul></nav></header>
<main id="content" tabindex="-1">
<h1>${esc(page.title)}</h1>
${page.body}
</main>
<footer><nav aria-label="${esc(t.footerNav)}"><a href="/">${esc(t.stories)}</a> · <a href="/feeds">${esc(t.feeds)}</a> · <a href="/subscribe">${esc(t.subscribe)}</a> · <a href="/status">${esc(t.status)}</a></nav></footer>
</body>
</html>
`;
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  page: Page,
  headers: Record<string, string> = {},
): void {
  const html = layout(page);
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(html);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string | number> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/** The one stylesheet (CSP allows no inline style): readable at 390 px, visible focus, enough contrast. */
export const STYLESHEET = `body{font:16px/1.5 system-ui,Arial,sans-serif;max-width:46rem;margin:0 auto;padding:0 1rem;color:#1f2328;background:#fff;overflow-wrap:anywhere}
header,footer{padding:.75rem 0;color:#57606a}header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem 1.25rem;border-bottom:1px solid #d0d7de}
header .brand{font-weight:bold;font-size:1.2rem;color:#1f2328;text-decoration:none}header ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}
a{color:#0b57a4}a:visited{color:#6639ba}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}.skip:focus{left:.5rem}
footer{border-top:1px solid #d0d7de;margin-top:2rem;font-size:.9rem}
h1{font-size:1.5rem;line-height:1.25}h2{font-size:1.15rem;line-height:1.3;margin:.25rem 0}fieldset{border:1px solid #d0d7de;margin:1rem 0;padding:.5rem 1rem}legend{font-weight:bold}
label{display:block;margin:.25rem 0}input[type=email],input[type=search],select{font:inherit;padding:.4rem;width:100%;max-width:24rem;box-sizing:border-box;border:1px solid #57606a;border-radius:4px}
button{font:inherit;font-size:1.1rem;padding:.6rem 1.2rem;background:#0b57a4;color:#fff;border:0;border-radius:4px;cursor:pointer}
a:focus,button:focus,input:focus,select:focus,main:focus-visible,summary:focus{outline:3px solid #9a5b00;outline-offset:2px}p.note{color:#57606a}
article{border-bottom:1px solid #d0d7de;padding:.75rem 0}.meta,.also,.why{color:#57606a;font-size:.9rem}.meta{margin:.25rem 0}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.25rem 1rem;align-items:end}.filters p{margin:.25rem 0}
.filters .actions{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.tags{list-style:none;padding:0;margin:.25rem 0;display:flex;flex-wrap:wrap;gap:.25rem .75rem;font-size:.9rem}
.feeds a{margin-right:.5rem}.pager{display:flex;justify-content:space-between;gap:1rem;margin:1rem 0}
.chart{margin:1.5rem 0}.chart svg{display:block;max-width:36rem;height:auto}.chart figcaption{font-weight:bold;margin-bottom:.5rem}.range{font-weight:normal;color:#57606a}
.table-scroll{overflow-x:auto}details{margin:.5rem 0}summary{cursor:pointer;color:#0b57a4}
dl.versions{display:block}dl.versions dt{font-weight:bold;margin-top:.75rem;color:#1f2328}dl.versions dd{margin:0 0 .5rem 0}
table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #d0d7de;text-align:left}
ul.sources,ol.runs,ol.events,ol.rejected{list-style:none;padding:0}
li.source,.runs li,.events li,.rejected li{border-bottom:1px solid #d0d7de;padding:.5rem 0}
li.source h3{margin:.25rem 0;font-size:1.1rem;overflow-wrap:anywhere}.name{font-weight:normal;color:#57606a}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .75rem;margin:.25rem 0}dt{color:#57606a}
dd{margin:0;overflow-wrap:anywhere}code,.summary{overflow-wrap:anywhere}.summary{color:#57606a;font-size:.9rem}
.mark{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.85rem;background:#ddf4ff;color:#0a3069}
.mark.failing,.mark.disabled{background:#ffebe9;color:#a40e26}.mark.stale,.mark.moved{background:#fff8c5;color:#6b4200}
.mark.ok{background:#dafbe1;color:#116329}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:.5rem}
[role=alert]{color:#cf222e;font-weight:bold}
table.counts meter{width:10rem;max-width:40vw;vertical-align:middle}caption{text-align:left;font-weight:bold}h4{margin:.5rem 0 .25rem}
`;
