// parse: decoded feed text → ParsedFeed (normalised; see normalise.ts). Pure: no I/O, no global config.
// Rule order: empty → PARSE_INVALID; JSON Feed → read directly; HTML page → PARSE_NOT_A_FEED naming the feeds it
// links; DOCTYPE → refused when dangerous (PARSE_UNSAFE), else removed (doctype.ts); RSS/RDF/Atom → rss-parser
// strictly, then rss-parser on a repaired copy, then @rowanmanning/feed-parser (lenient = true for both);
// nothing readable → PARSE_INVALID. Any other XML root → PARSE_NOT_A_FEED.

import { TipwireError, isTipwireError } from '../core/errors.ts';
import { readWithFallback } from './fallback.ts';
import { linkedFeeds, looksLikeHtml } from './html-page.ts';
import { isJsonFeedText, readJsonFeed } from './json.ts';
import { normaliseFeed } from './normalise.ts';
import type { RawFeed } from './raw.ts';
import { repairXml } from './repair.ts';
import { stripDoctype } from './doctype.ts';
import type { ParseContext, ParsedFeed } from './types.ts';
import { looksLikeXmlFeed, readXmlFeed } from './xml.ts';

export type { FeedEntry, FeedFormat, ParseContext, ParsedFeed } from './types.ts';
export { parseFeedDate } from './dates.ts';

function message(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
}

export async function parseFeed(text: string, context: ParseContext): Promise<ParsedFeed> {
  const url = context.url;
  const body = text.replace(/^\ufeff/, '');
  if (body.trim() === '') throw new TipwireError('PARSE_INVALID', `${url}: empty document`);

  if (isJsonFeedText(body) || (/^\s*[{[]/.test(body) && /json/i.test(context.contentType ?? ''))) {
    return normaliseFeed(readJsonFeed(body, url), context, false, []);
  }

  if (looksLikeHtml(body, context.contentType) && !looksLikeXmlFeed(body)) {
    const feeds = linkedFeeds(body, url);
    const msg =
      feeds.length > 0
        ? `${url} is an HTML page; it links a feed at ${feeds[0]}`
        : `${url} is an HTML page, not a feed, and it links no feed`;
    throw new TipwireError('PARSE_NOT_A_FEED', msg, { details: { feedUrls: feeds } });
  }

  const { text: xml } = stripDoctype(body, url);
  if (!looksLikeXmlFeed(xml)) {
    const root = /<([A-Za-z_][\w.:-]*)/.exec(xml.replace(/<\?[^]*?\?>|<!--[^]*?-->/g, ''));
    if (root !== null) {
      throw new TipwireError(
        'PARSE_NOT_A_FEED',
        `${url}: XML document with root <${root[1]}>, not RSS, RDF or Atom`,
      );
    }
    throw new TipwireError('PARSE_INVALID', `${url}: neither XML nor JSON`);
  }

  const warnings: string[] = [];
  let raw: RawFeed;
  let lenient = false;
  try {
    raw = await readXmlFeed(xml);
  } catch (strictErr) {
    if (isTipwireError(strictErr)) throw strictErr;
    lenient = true;
    const repaired = repairXml(xml);
    warnings.push(`not well-formed XML (${message(strictErr)})`);
    try {
      raw = await readXmlFeed(repaired.text);
      warnings.push(`repaired: ${repaired.repairs.join(', ') || 'nothing to repair'}`);
    } catch (repairErr) {
      try {
        raw = readWithFallback(repaired.text);
        warnings.push('read by the fallback parser');
      } catch (fallbackErr) {
        throw new TipwireError(
          'PARSE_INVALID',
          `${url}: malformed XML beyond repair (${message(strictErr)})`,
          {
            cause: strictErr,
            details: { repairError: message(repairErr), fallbackError: message(fallbackErr) },
          },
        );
      }
    }
  }
  return normaliseFeed(raw, context, lenient, warnings);
}
