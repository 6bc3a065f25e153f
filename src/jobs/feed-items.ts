// The CPU-heavy part of polling one feed, the same in the poll's thread or in a parse worker (jobs/parse-pool.ts):
// decoded text → parseFeed → normalised Items (identity by dedupe's chain, language, country, stable id) → each
// item's judgement under the topic rules. Pure: text and config in, data out.
import type { Item, Source } from '../core/types.ts';
import { stableId } from '../core/hash.ts';
import type { Judgement } from '../store/port.ts';
import { parseFeed, type ParsedFeed } from '../parse/index.ts';
import { classifyItem, detectLanguage, type CompiledRules } from '../classify/index.ts';
import { canonicalUrl, identityKey, withoutTracking } from '../dedupe/index.ts';

/** Builds normalised Items from a parsed feed: identity (dedupe's chain), language, country, stable id. */
export function feedToItems(
  feed: ParsedFeed,
  source: Source,
  fetchedAt: string,
  trackingParams: string[],
): Item[] {
  const items: Item[] = [];
  for (const entry of feed.entries) {
    const url = entry.link ? canonicalUrl(entry.link, { trackingParams }) : undefined;
    const key = identityKey(
      { url, guid: entry.guid, title: entry.title, publishedAt: entry.publishedAt },
      source.id,
    );
    // A feed in one language says so by its source; a bilingual feed is told apart item by item.
    const declared = entry.language ?? (source.languages.length === 1 ? source.languages[0] : undefined);
    const language =
      declared ??
      detectLanguage(`${entry.title}\n${entry.summary}`, source.languages) ??
      feed.language ??
      source.languages[0];
    items.push({
      id: stableId(key),
      sourceId: source.id,
      url,
      // Readers follow this link from feeds, digests and pages: it leaves without the outlets' tracking tags.
      link: entry.link ? withoutTracking(entry.link, { trackingParams }) : undefined,
      guid: entry.guid,
      title: entry.title,
      summary: entry.summary,
      contentHtml: entry.contentHtml,
      author: entry.author,
      categories: entry.categories,
      publishedAt: entry.publishedAt,
      updatedAt: entry.updatedAt,
      dateGuessed: entry.dateGuessed,
      language,
      country: source.country,
      fetchedAt,
    });
  }
  // The same entry twice in one feed (it happens) must not count as an edit of itself.
  return [...new Map(items.map((item) => [item.id, item])).values()];
}

/** How an item is judged before it is written: the rules, plus the source's country and languages. */
export function judgeWith(rules: CompiledRules, sources: Source[]): (item: Item) => Judgement {
  const languagesOf = new Map(sources.map((source) => [source.id, source.languages]));
  return (item) => {
    const result = classifyItem(rules, {
      title: item.title,
      summary: item.summary,
      language: item.language,
      allowedLanguages: languagesOf.get(item.sourceId),
    });
    // The source's own country always counts; the text may name others (a Kyrgyz outlet on Russia's rules).
    const countries = [...new Set([...(item.country ? [item.country] : []), ...result.countries])];
    return { classification: { ...result, countries }, rulesVersion: rules.version };
  };
}

export interface FeedWork {
  text: string;
  /** The URL the feed was fetched from (after redirects). */
  url: string;
  fetchedAt: string;
  contentType?: string | undefined;
  sourceId: string;
}

/** A parsed feed, its items and their judgements (judgements[i] is items[i]'s), without the wire format. */
export interface FeedWorkResult {
  format: ParsedFeed['format'];
  ttlMinutes?: number | undefined;
  entries: number;
  lenient: boolean;
  warnings: string[];
  items: Item[];
  judgements: Judgement[];
}

export async function readFeed(
  work: FeedWork,
  context: {
    sources: ReadonlyMap<string, Source>;
    trackingParams: string[];
    judge: (item: Item) => Judgement;
  },
): Promise<FeedWorkResult> {
  const source = context.sources.get(work.sourceId);
  if (!source) throw new Error(`no source ${work.sourceId}`);
  const feed = await parseFeed(work.text, {
    url: work.url,
    fetchedAt: work.fetchedAt,
    contentType: work.contentType,
  });
  const items = feedToItems(feed, source, work.fetchedAt, context.trackingParams);
  return {
    format: feed.format,
    ttlMinutes: feed.ttlMinutes,
    entries: feed.entries.length,
    lenient: feed.lenient,
    warnings: feed.warnings,
    items,
    judgements: items.map(context.judge),
  };
}
