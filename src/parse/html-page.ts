// An HTML page where a feed was expected: recognise it and collect the feeds it advertises through
// <link rel="alternate" type="application/rss+xml|atom+xml|feed+json" href="…"> (made absolute).

const FEED_TYPES =
  /^(application\/(rss|atom|feed|rdf)\+(xml|json)|application\/json|text\/xml|application\/xml)$/i;

export function looksLikeHtml(text: string, contentType: string | undefined): boolean {
  const head = text
    .slice(0, 4096)
    .replace(/<!--[^]*?-->/g, '')
    .trimStart()
    .toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return true;
  if (
    contentType !== undefined &&
    /text\/html/i.test(contentType) &&
    !/<(rss|feed|rdf:rdf)[\s>]/i.test(head)
  ) {
    return /<(head|body|html|div|p|title)[\s>]/i.test(head);
  }
  return /^(<\?xml[^>]*\?>\s*)?<(html|head|body)[\s>]/i.test(head);
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([^\s=<>/"']+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/g)) {
    out[(m[1] ?? '').toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return out;
}

export function linkedFeeds(html: string, pageUrl: string): string[] {
  const visible = html.replace(/<!--[^]*?-->/g, '');
  const headEnd = visible.search(/<\/head\s*>/i);
  const head = headEnd > 0 ? visible.slice(0, headEnd) : visible.slice(0, 200_000);
  const baseTag = /<base\b[^>]*>/i.exec(head);
  let base = pageUrl;
  const baseHref = baseTag === null ? undefined : attributes(baseTag[0])['href'];
  if (baseHref !== undefined) {
    try {
      base = new URL(baseHref, pageUrl).href;
    } catch {
      // keep the page URL
    }
  }
  const found: string[] = [];
  for (const m of head.matchAll(/<link\b[^>]*>/gi)) {
    const a = attributes(m[0]);
    const rel = (a['rel'] ?? '').toLowerCase().split(/\s+/);
    if (!rel.includes('alternate') || !FEED_TYPES.test((a['type'] ?? '').trim()) || !a['href']) continue;
    try {
      const url = new URL(a['href'].trim().replace(/&amp;/g, '&'), base);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && !found.includes(url.href))
        found.push(url.href);
    } catch {
      // an unusable href is not a feed
    }
  }
  return found;
}
