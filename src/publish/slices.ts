// Which stories a feed shows. A slice is the whole feed, one topic, one country or one language, optionally narrowed
// by query filters (`/feeds/all.rss?topic=trafficking&country=kg&lang=ru`): within one kind the values are
// alternatives, across kinds they must all hold (the Store's StoryQuery semantics). Unknown query parameters
// (cache busters, utm_*) are ignored so they neither change the feed nor split the cache.
// Pure: parses paths into slices and lists the slices an export writes. Which stories a slice holds is decided in
// one place, the store's slice query (jobs/stories.ts).

export type OutputFormat = 'rss' | 'atom' | 'json';
export const FEED_FORMATS: readonly OutputFormat[] = ['rss', 'atom', 'json'];

export type SliceKind = 'all' | 'topic' | 'country' | 'lang';

export interface FeedSlice {
  kind: SliceKind;
  /** The topic id, country or language code the path names; undefined for the whole feed. */
  value?: string | undefined;
  /** Path without extension: "/feeds/all", "/feeds/topic/trafficking". */
  path: string;
  topics: string[];
  countries: string[];
  languages: string[];
  /** The filters as a normalised query string ("?country=kg&lang=ru"), or "" — for self links and cache keys. */
  query: string;
}

export type FeedRequest =
  { ok: true; slice: FeedSlice; format: OutputFormat } | { ok: false; message: string };

const CODE = /^[a-z]{2}$/;
const TOPIC_ID = /^[a-z0-9][a-z0-9-]*$/;
const FILTERS = [
  ['topic', 'topics'],
  ['country', 'countries'],
  ['lang', 'languages'],
] as const;

function isFormat(value: string): value is OutputFormat {
  return (FEED_FORMATS as readonly string[]).includes(value);
}

/** The slice a path names, with no query filters; used by the export and by parseFeedRequest. */
export function makeSlice(kind: SliceKind, value?: string): FeedSlice {
  const slice: FeedSlice = {
    kind,
    value,
    path: '/feeds/all',
    topics: [],
    countries: [],
    languages: [],
    query: '',
  };
  if (kind === 'all' || value === undefined) return slice;
  slice.path = `/feeds/${kind}/${value}`;
  if (kind === 'topic') slice.topics = [value];
  if (kind === 'country') slice.countries = [value];
  if (kind === 'lang') slice.languages = [value];
  return slice;
}

/**
 * Reads a request path under /feeds/. Returns undefined for paths that are not feeds at all, `ok: false` with a
 * message a person can act on for unknown slices, formats, topics or malformed codes.
 */
export function parseFeedRequest(
  pathname: string,
  params: URLSearchParams,
  topicIds: readonly string[],
): FeedRequest | undefined {
  if (!pathname.startsWith('/feeds/')) return undefined;
  const match = /^\/feeds\/(?:(all)|(topic|country|lang)\/([^/]+))\.([a-z]+)$/.exec(pathname);
  const formats = FEED_FORMATS.map((f) => `.${f}`).join(', ');
  if (!match) {
    return {
      ok: false,
      message: `No feed at ${pathname}. Feeds are /feeds/all.{rss,atom,json}, /feeds/topic/<topic>.<format>, /feeds/country/<cc>.<format> and /feeds/lang/<ll>.<format>.`,
    };
  }
  const [, all, kind, rawValue, ext] = match;
  if (ext === undefined || !isFormat(ext))
    return { ok: false, message: `Unknown feed format ".${ext ?? ''}": use one of ${formats}.` };
  let slice: FeedSlice;
  if (all) slice = makeSlice('all');
  else {
    const value = decodeURIComponent(rawValue ?? '').toLowerCase();
    const sliceKind = kind as Exclude<SliceKind, 'all'>;
    const problem = checkValue(sliceKind, value, topicIds);
    if (problem) return { ok: false, message: problem };
    slice = makeSlice(sliceKind, value);
  }
  const query: string[] = [];
  for (const [param, field] of FILTERS) {
    const values = [
      ...new Set(
        params
          .getAll(param)
          .flatMap((v) => v.split(','))
          .map((v) => v.trim().toLowerCase())
          .filter((v) => v !== ''),
      ),
    ].sort();
    if (values.length === 0) continue;
    const kindOfParam: Exclude<SliceKind, 'all'> = param;
    if (slice.kind === kindOfParam) {
      return {
        ok: false,
        message: `${pathname} is already one ${param}; to combine several use /feeds/all.${ext}?${param}=${values.join(',')}.`,
      };
    }
    for (const value of values) {
      const problem = checkValue(kindOfParam, value, topicIds);
      if (problem) return { ok: false, message: problem };
    }
    slice[field] = values;
    query.push(`${param}=${values.join(',')}`);
  }
  slice.query = query.length ? `?${query.join('&')}` : '';
  return { ok: true, slice, format: ext };
}

function checkValue(
  kind: Exclude<SliceKind, 'all'>,
  value: string,
  topicIds: readonly string[],
): string | undefined {
  if (kind === 'topic') {
    if (TOPIC_ID.test(value) && topicIds.includes(value)) return undefined;
    return `Unknown topic "${value}". Topics: ${topicIds.join(', ') || '(none configured)'}.`;
  }
  if (CODE.test(value)) return undefined;
  return kind === 'country'
    ? `"${value}" is not a country code: use ISO 3166-1 alpha-2 in lower case, e.g. kg, uz, tm.`
    : `"${value}" is not a language code: use ISO 639-1 in lower case, e.g. en, ru, uz.`;
}

/** Every slice worth exporting: the whole feed, each configured topic, each country and language present. */
export function exportSlices(
  present: { topics: readonly string[]; countries: readonly string[]; languages: readonly string[] },
  topicIds: readonly string[],
): FeedSlice[] {
  const topics = new Set(present.topics);
  const countries = new Set(present.countries);
  const languages = new Set(present.languages);
  return [
    makeSlice('all'),
    ...topicIds.filter((id) => topics.has(id) && TOPIC_ID.test(id)).map((id) => makeSlice('topic', id)),
    ...[...countries]
      .filter((c) => CODE.test(c))
      .sort()
      .map((c) => makeSlice('country', c)),
    ...[...languages]
      .filter((l) => CODE.test(l))
      .sort()
      .map((l) => makeSlice('lang', l)),
  ];
}
