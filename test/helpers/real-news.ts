// Real news with our labels: joins the label files in test/fixtures/real-news/labels (ours, keyed by item id) with
// the item texts in ../shared/corpus/news (not ours: they stay there), and tells each item's split.
// Tests, benches and `tipwire eval`/`dedupe --eval` runs read labelled real news only through this module.
//
// Run it to write the joined items as JSON Lines for the CLI:
//   npx tsx test/helpers/real-news.ts --split heldout > /tmp/heldout.jsonl      (or --split tune, --split all)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const REAL_NEWS_DIR = join(import.meta.dirname, '../fixtures/real-news');

/** Where the shared corpus lives: TIPWIRE_CORPUS, else ../shared/corpus beside the repository. */
export function corpusDir(): string {
  return resolve(process.env.TIPWIRE_CORPUS ?? join(import.meta.dirname, '../../../shared/corpus'));
}

export interface Label {
  id: string;
  topics: string[];
  neg_kind: string | null;
  story: string;
  how: 'all' | 'candidate' | 'random' | 'hard';
}

export interface RealItem extends Label {
  day: string;
  source: string;
  feed: string;
  url: string;
  title: string;
  summary: string;
  published: string | null;
  lang: string | null;
  /** Held out for the topic filter (held-out day or held-out source). */
  heldoutTopics: boolean;
  /** Held out for story clustering (held-out day: stories never straddle the split). */
  heldoutStories: boolean;
}

interface Split {
  heldoutDays: string[];
  heldoutSources: string[];
}

export function readSplit(): Split {
  return JSON.parse(readFileSync(join(REAL_NEWS_DIR, 'split.json'), 'utf8')) as Split;
}

/** True when the shared corpus is present; tests skip with one printed line when it is not. */
export function haveCorpus(): boolean {
  return existsSync(join(corpusDir(), 'news'));
}

/** Labelled days present in the repository. */
export function labelledDays(): string[] {
  const dir = join(REAL_NEWS_DIR, 'labels');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f))
    .map((f) => f.slice(0, 10))
    .sort();
}

function corpusFile(day: string): string {
  return join(corpusDir(), 'news', `rumca-${day.slice(0, 4)}`, `${day}.jsonl`);
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line, i) => {
      try {
        return JSON.parse(line) as T;
      } catch (err) {
        throw new Error(`${file}:${i + 1}: not JSON`, { cause: err });
      }
    });
}

/**
 * Every labelled item of the given days (default: all labelled days), joined with its text, in corpus order.
 * An item id labelled on two days (feeds repeat items) is kept once, on its first day.
 */
export function loadRealNews(days: string[] = labelledDays()): RealItem[] {
  const split = readSplit();
  const heldDays = new Set(split.heldoutDays);
  const heldSources = new Set(split.heldoutSources);
  const seen = new Set<string>();
  const out: RealItem[] = [];
  for (const day of days) {
    const labels = new Map(
      readJsonl<Label>(join(REAL_NEWS_DIR, 'labels', `${day}.jsonl`)).map((l) => [l.id, l]),
    );
    type Raw = Omit<RealItem, keyof Label | 'day' | 'heldoutTopics' | 'heldoutStories'> & { id: string };
    for (const raw of readJsonl<Raw>(corpusFile(day))) {
      const label = labels.get(raw.id);
      if (!label || seen.has(raw.id)) continue;
      seen.add(raw.id);
      out.push({
        ...raw,
        ...label,
        day,
        heldoutTopics: heldDays.has(day) || heldSources.has(raw.source),
        heldoutStories: heldDays.has(day),
      });
    }
  }
  return out;
}

/** The split for the topic filter: tune items never include a held-out day or a held-out source. */
export function topicSplit(items: RealItem[], which: 'tune' | 'heldout'): RealItem[] {
  return items.filter((i) => i.heldoutTopics === (which === 'heldout'));
}

/** The split for story clustering, by whole days. */
export function storySplit(items: RealItem[], which: 'tune' | 'heldout'): RealItem[] {
  return items.filter((i) => i.heldoutStories === (which === 'heldout'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { split: { type: 'string', default: 'all' }, for: { type: 'string' } },
  });
  const all = loadRealNews();
  const bySplit =
    values.split === 'all'
      ? all
      : values.for === 'stories'
        ? storySplit(all, values.split as 'tune' | 'heldout')
        : topicSplit(all, values.split as 'tune' | 'heldout');
  for (const item of bySplit) process.stdout.write(JSON.stringify(item) + '\n');
}
