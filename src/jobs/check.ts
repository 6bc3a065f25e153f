// `sources check`: fetch and parse each source once, store nothing, and say what came back — the operator's way to
// find out whether a feed address in sources.yaml is right before the poller relies on it.
import type { Source } from '../core/types.ts';
import { describeError, isTipwireError } from '../core/errors.ts';
import type { Config } from '../config/types.ts';
import { createHostLimiter, fetchFeed } from '../fetch/index.ts';
import { parseFeed } from '../parse/index.ts';

export interface SourceCheck {
  sourceId: string;
  url: string;
  ok: boolean;
  httpStatus?: number;
  finalUrl?: string;
  format?: string;
  encoding?: string;
  items?: number;
  newest?: string;
  lenient?: boolean;
  error?: { code: string; message: string };
  /** Feeds an HTML page links to, when the URL was a page and not a feed. */
  suggestions?: string[];
  ms: number;
}

export async function checkSources(sources: Source[], config: Config): Promise<SourceCheck[]> {
  const limiter = createHostLimiter({
    concurrency: config.app.poll.concurrency,
    perHost: config.app.poll.perHostConcurrency,
  });
  return Promise.all(
    sources.map(async (source): Promise<SourceCheck> => {
      const started = Date.now();
      try {
        const fetched = await fetchFeed({ url: source.url }, { ...config.app.fetch, limiter });
        if (fetched.kind !== 'ok') {
          return {
            sourceId: source.id,
            url: source.url,
            ok: true,
            httpStatus: fetched.httpStatus,
            ms: Date.now() - started,
          };
        }
        const feed = await parseFeed(fetched.text, {
          url: fetched.finalUrl,
          fetchedAt: new Date().toISOString(),
          contentType: fetched.contentType,
        });
        const dated = feed.entries
          .filter((entry) => !entry.dateGuessed)
          .map((entry) => entry.publishedAt)
          .sort();
        return {
          sourceId: source.id,
          url: source.url,
          ok: true,
          httpStatus: fetched.httpStatus,
          finalUrl: fetched.finalUrl !== source.url ? fetched.finalUrl : undefined,
          format: feed.format,
          encoding: `${fetched.encoding} (${fetched.encodingSource})`,
          items: feed.entries.length,
          newest: dated.at(-1),
          lenient: feed.lenient,
          ms: Date.now() - started,
        };
      } catch (err) {
        const suggestions = isTipwireError(err, 'PARSE_NOT_A_FEED')
          ? (err.details.feedUrls as string[] | undefined)
          : undefined;
        const httpStatus = isTipwireError(err) ? (err.details.httpStatus as number | undefined) : undefined;
        return {
          sourceId: source.id,
          url: source.url,
          ok: false,
          httpStatus,
          error: describeError(err),
          suggestions,
          ms: Date.now() - started,
        };
      }
    }),
  );
}
