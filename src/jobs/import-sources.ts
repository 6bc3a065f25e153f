// `sources import FILE.opml`: turns OPML outlines into new sources.yaml entries and says what it had to guess. The
// id is the title transliterated to Latin (Cyrillic names do not all become "source"); the languages come from the
// feed's own items (fetched once, each item's title and summary through the language detector), because an OPML
// language attribute is rare and a channel's <language> is often wrong; the country from the operator or from a
// national domain of the region. Nothing is written here: config/opml.ts appends the entries to the file.
import type { Config } from '../config/types.ts';
import type { OpmlOutline } from '../config/opml.ts';
import { sourceSchema } from '../config/schema.ts';
import { formatPath } from '../config/load.ts';
import { describeError } from '../core/errors.ts';
import { createHostLimiter, fetchFeed } from '../fetch/index.ts';
import { parseFeed } from '../parse/index.ts';
import { detectLanguage } from '../classify/index.ts';
import { transliterate } from '../text/index.ts';

export interface PlannedSource {
  entry: {
    id: string;
    name: string;
    url: string;
    homepage?: string;
    country?: string;
    languages: string[];
    tags?: string[];
  };
  /** How each guessed field was decided, for the operator to review. */
  guessed: { field: 'id' | 'languages' | 'country'; value: string; how: string }[];
}

export interface ImportPlan {
  added: PlannedSource[];
  skipped: { url: string; reason: string }[];
}

export interface ImportOptions {
  /** Languages the operator gave (`--language`): used as they are, nothing detected. */
  languages?: string[];
  /** Country the operator gave (`--country`). */
  country?: string;
  /** Fetch each new feed to detect its languages (off: `--no-fetch`). */
  fetch?: boolean;
}

/** Lower-case Latin letters, digits and dashes, from a title in any of our scripts. */
export function sourceId(title: string): string {
  return (
    transliterate(title.toLowerCase())
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/&/g, ' and ')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'source'
  );
}

/** National domains of the region: a feed on one of them is very likely that country's outlet. */
const REGION_DOMAINS = new Set(['kg', 'kz', 'uz', 'tj', 'tm', 'af', 'ru']);

const SAMPLE = 50;
/** A language needs this share of the detected items (and two items) to be listed. */
const MIN_SHARE = 0.2;

interface Detection {
  languages: string[];
  how: string;
}

/** The feed's languages from its items, or why they could not be told. */
async function detectFeedLanguages(
  url: string,
  config: Config,
  limiter: ReturnType<typeof createHostLimiter>,
): Promise<Detection | { failed: string; declared?: string }> {
  try {
    const fetched = await fetchFeed({ url }, { ...config.app.fetch, limiter });
    if (fetched.kind !== 'ok') return { failed: `the server answered ${fetched.httpStatus}` };
    const feed = await parseFeed(fetched.text, {
      url: fetched.finalUrl,
      fetchedAt: new Date().toISOString(),
      contentType: fetched.contentType,
    });
    const counts = new Map<string, number>();
    const items = feed.entries.slice(0, SAMPLE);
    for (const entry of items) {
      const lang = detectLanguage(`${entry.title}\n${entry.summary}`);
      if (lang) counts.set(lang, (counts.get(lang) ?? 0) + 1);
    }
    const detected = [...counts.values()].reduce((a, b) => a + b, 0);
    const languages = [...counts]
      .filter(([, n]) => n >= 2 && n / detected >= MIN_SHARE)
      .sort((a, b) => b[1] - a[1])
      .map(([lang]) => lang);
    if (languages.length === 0)
      return {
        failed:
          items.length === 0
            ? 'the feed has no items'
            : `none of its ${items.length} items is in a language tipwire knows`,
        declared: feed.language,
      };
    const tally = [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([lang, n]) => `${lang} ${n}`)
      .join(', ');
    return { languages, how: `detected from ${items.length} items (${tally})` };
  } catch (err) {
    const { code, message } = describeError(err);
    return { failed: `the feed could not be read (${code}: ${message})` };
  }
}

/** The entries to add for the outlines whose feed URL is not configured yet, with what was guessed. */
export async function planImport(
  outlines: OpmlOutline[],
  config: Config,
  options: ImportOptions = {},
): Promise<ImportPlan> {
  const ids = new Set(config.sources.map((source) => source.id));
  const urls = new Set(config.sources.map((source) => source.url));
  const plan: ImportPlan = { added: [], skipped: [] };
  const limiter = createHostLimiter({
    concurrency: config.app.poll.concurrency,
    perHost: config.app.poll.perHostConcurrency,
  });
  const fresh = outlines.filter((outline) => {
    if (!urls.has(outline.xmlUrl)) {
      urls.add(outline.xmlUrl);
      return true;
    }
    plan.skipped.push({ url: outline.xmlUrl, reason: 'already configured' });
    return false;
  });
  const shapeOk = (url: string): boolean => sourceSchema.shape.url.safeParse(url).success;
  const detections = await Promise.all(
    fresh.map((outline) =>
      options.languages || options.fetch === false || !shapeOk(outline.xmlUrl)
        ? undefined
        : detectFeedLanguages(outline.xmlUrl, config, limiter),
    ),
  );

  fresh.forEach((outline, index) => {
    const guessed: PlannedSource['guessed'] = [];
    const base = sourceId(outline.title);
    let id = base;
    for (let n = 2; ids.has(id); n += 1) id = `${base}-${n}`;
    // eslint-disable-next-line no-control-regex -- "anything outside ASCII" is the point
    if (/[^\x00-\x7f]/.test(outline.title))
      guessed.push({ field: 'id', value: id, how: `transliterated from the title "${outline.title}"` });

    let languages: string[];
    const detection = detections[index];
    const attribute = outline.language?.toLowerCase().slice(0, 2);
    if (options.languages) languages = options.languages;
    else if (detection && 'languages' in detection) {
      languages = detection.languages;
      guessed.push({ field: 'languages', value: languages.join(', '), how: detection.how });
    } else {
      const declared =
        detection && 'declared' in detection ? detection.declared?.toLowerCase().slice(0, 2) : '';
      const why = detection ? detection.failed : options.fetch === false ? 'not fetched (--no-fetch)' : '';
      languages = [attribute || declared || 'en'];
      const source = attribute
        ? "from the OPML outline's language attribute"
        : declared
          ? "from the feed's declared <language>"
          : 'a default: nothing said otherwise';
      guessed.push({
        field: 'languages',
        value: languages.join(', '),
        how: `${source}${why ? `; ${why}` : ''}`,
      });
    }

    let country = options.country;
    if (!country) {
      const tld = /\.([a-z]{2})$/i.exec(safeHost(outline.xmlUrl))?.[1]?.toLowerCase();
      if (tld && REGION_DOMAINS.has(tld)) {
        country = tld;
        guessed.push({ field: 'country', value: tld.toUpperCase(), how: `from the .${tld} domain` });
      }
    }

    const candidate = {
      id,
      name: outline.title,
      url: outline.xmlUrl,
      ...(outline.htmlUrl ? { homepage: outline.htmlUrl } : {}),
      ...(country ? { country: country.toUpperCase() } : {}),
      languages,
      ...(outline.category ? { tags: [sourceId(outline.category)] } : {}),
    };
    const checked = sourceSchema.safeParse(candidate);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      plan.skipped.push({
        url: outline.xmlUrl,
        reason: `${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
      });
      return;
    }
    ids.add(id);
    plan.added.push({ entry: candidate, guessed });
  });
  return plan;
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
