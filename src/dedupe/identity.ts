// identityKey: the text an item's stable id is hashed from (Item.id = stableId(identityKey(…))). The store enforces
// the same chain with unique keys: (url) and (source_id, guid).
//
// Fallback chain, first that applies:
//   1. "url:<canonical URL>"            — the page, whatever feed or tracking link it came through
//   2. "guid:<source id>:<guid>"        — a GUID means something only inside the feed that minted it
//   3. "title:<source id>:<hash>"       — hash of the normalised title and the publication day (UTC): an entry with
//                                          neither link nor GUID is identified by what it says and when; the day, not
//                                          the instant, so that a feed that rewrites times on each build stays stable
import { DEFAULT_TRACKING_PARAMS } from '../core/tracking.ts';
import { stableId } from '../core/hash.ts';
import { canonicalUrl } from './canonical.ts';

export interface IdentityEntry {
  url?: string | undefined;
  guid?: string | undefined;
  title: string;
  publishedAt: string;
}

/** Tracking parameters used when the caller gives none (a core constant: the config's default is the same list). */
export { DEFAULT_TRACKING_PARAMS };

export function identityKey(
  entry: IdentityEntry,
  sourceId: string,
  options: { trackingParams: readonly string[] } = { trackingParams: DEFAULT_TRACKING_PARAMS },
): string {
  const url = entry.url
    ? canonicalUrl(entry.url, { trackingParams: [...options.trackingParams] })
    : undefined;
  if (url) return `url:${url}`;
  const guid = entry.guid?.trim();
  if (guid) return `guid:${sourceId}:${guid}`;
  const title = entry.title.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  const day = entry.publishedAt.slice(0, 10);
  return `title:${sourceId}:${stableId(`${title}\n${day}`)}`;
}
