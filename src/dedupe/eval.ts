// Story clustering against labelled stories: pair precision and recall, overall and by kind of pair. Pure: the
// caller reads the file and makes the clusterer; `tipwire dedupe --eval FILE` and the real-news quality test use it.
//
// A pair is two items of the same day (stories are labelled per day, so pairs across days are not judged). Its kind
// comes from the texts, never from the clusterer, so gold and predicted pairs are counted on the same footing:
//   - cross-language: the two items are in different languages
//   - copy: same language and nearly the same words (same canonical URL, same headline, or word 3-gram Jaccard of
//     headline + summary ≥ COPY_JACCARD)
//   - same-event: every other pair of one language
// Precision of a kind = linked pairs of that kind that share a gold story / linked pairs of that kind; recall = gold
// pairs of that kind that the clusterer linked / gold pairs of that kind.
import { TipwireError } from '../core/errors.ts';
import { canonicalUrl } from './canonical.ts';
import { DEFAULT_TRACKING_PARAMS } from './identity.ts';
import type { Assignment, ClusterInput, StoryClusterer } from './clusterer.ts';
import { effectiveLanguage } from './language.ts';

export interface StoryLabelledItem {
  id: string;
  story: string;
  day: string;
  source: string;
  url?: string | undefined;
  title: string;
  summary: string;
  published: string | null;
  lang: string | null;
}

export type PairKind = 'copy' | 'same-event' | 'cross-language';
export const PAIR_KINDS: readonly PairKind[] = ['copy', 'same-event', 'cross-language'];

export interface PairScore {
  gold: number;
  linked: number;
  truePositive: number;
  precision: number;
  recall: number;
}

export interface PairExample {
  kind: PairKind;
  a: StoryLabelledItem;
  b: StoryLabelledItem;
  /** The clusterer's evidence for the later item of the pair. */
  evidence: string;
}

export interface StoryEvaluation {
  items: number;
  days: number;
  goldStories: number;
  multiItemStories: number;
  all: PairScore;
  byKind: Record<PairKind, PairScore>;
  falsePairs: PairExample[];
  missedPairs: PairExample[];
}

const COPY_JACCARD = 0.5;

/** Parses joined JSON Lines (test/helpers/real-news.ts --for stories); a bad line names the file, line and field. */
export function parseStoryLabelled(text: string, file: string): StoryLabelledItem[] {
  const items: StoryLabelledItem[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(line) as Record<string, unknown>;
    } catch (err) {
      throw new TipwireError('USAGE', `${where}: not JSON`, { cause: err });
    }
    for (const field of ['id', 'story', 'title'] as const) {
      if (typeof raw[field] !== 'string' || raw[field] === '')
        throw new TipwireError('USAGE', `${where}: "${field}" is missing or not a string`);
    }
    const published = typeof raw.published === 'string' ? raw.published : null;
    const day =
      typeof raw.day === 'string' ? raw.day : published !== null ? published.slice(0, 10) : undefined;
    if (day === undefined)
      throw new TipwireError('USAGE', `${where}: needs "day" or "published" to group pairs by day`);
    items.push({
      id: raw.id as string,
      story: raw.story as string,
      day,
      source: typeof raw.source === 'string' ? raw.source : 'unknown',
      url: typeof raw.url === 'string' ? raw.url : undefined,
      title: raw.title as string,
      summary: typeof raw.summary === 'string' ? raw.summary : '',
      published,
      lang: typeof raw.lang === 'string' ? raw.lang : null,
    });
  });
  return items;
}

function publishedAt(item: StoryLabelledItem): string {
  const when = item.published === null ? Number.NaN : Date.parse(item.published);
  // An item without a date is placed at noon of its day, so it is still compared with that day's items.
  return Number.isNaN(when) ? `${item.day}T12:00:00.000Z` : new Date(when).toISOString();
}

/** Runs the clusterer over the items in publication order and returns each item's assignment. */
export function clusterLabelled(
  items: StoryLabelledItem[],
  clusterer: StoryClusterer,
): Map<string, Assignment> {
  const ordered = items
    .map((item) => ({ item, at: publishedAt(item) }))
    .sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  const assignments = new Map<string, Assignment>();
  for (const { item, at } of ordered) {
    const input: ClusterInput = {
      id: item.id,
      sourceId: item.source,
      url: item.url,
      title: item.title,
      text: item.summary,
      language: item.lang ?? undefined,
      publishedAt: at,
    };
    assignments.set(item.id, clusterer.assign(input));
  }
  return assignments;
}

function trigrams(text: string): Set<string> {
  const words =
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<string>();
  for (let i = 0; i + 2 < words.length; i += 1) out.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  if (words.length > 0 && words.length < 3) out.add(words.join(' '));
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared += 1;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

function score(gold: number, linked: number, truePositive: number, found: number): PairScore {
  return {
    gold,
    linked,
    truePositive,
    precision: linked === 0 ? 1 : truePositive / linked,
    recall: gold === 0 ? 1 : found / gold,
  };
}

export function evaluateStories(
  items: StoryLabelledItem[],
  assignments: Map<string, Assignment>,
): StoryEvaluation {
  const byDay = new Map<string, StoryLabelledItem[]>();
  for (const item of items) {
    const list = byDay.get(item.day);
    if (list) list.push(item);
    else byDay.set(item.day, [item]);
  }
  const counts = Object.fromEntries(PAIR_KINDS.map((k) => [k, { gold: 0, linked: 0, tp: 0 }])) as Record<
    PairKind,
    { gold: number; linked: number; tp: number }
  >;
  const falsePairs: PairExample[] = [];
  const missedPairs: PairExample[] = [];
  const goldStories = new Map<string, number>();
  for (const dayItems of byDay.values()) {
    const info = dayItems.map((item) => ({
      item,
      language: effectiveLanguage(item.lang ?? undefined, `${item.title} ${item.summary}`),
      url: item.url ? canonicalUrl(item.url, { trackingParams: [...DEFAULT_TRACKING_PARAMS] }) : undefined,
      title: item.title.trim().toLowerCase(),
      grams: trigrams(`${item.title} ${item.summary}`),
      story: assignments.get(item.id)?.storyId,
      at: publishedAt(item),
    }));
    for (const x of info)
      goldStories.set(
        `${x.item.day}|${x.item.story}`,
        (goldStories.get(`${x.item.day}|${x.item.story}`) ?? 0) + 1,
      );
    for (let i = 0; i < info.length; i += 1) {
      const a = info[i]!;
      for (let j = i + 1; j < info.length; j += 1) {
        const b = info[j]!;
        const gold = a.item.story === b.item.story;
        const linked = a.story !== undefined && a.story === b.story;
        if (!gold && !linked) continue;
        const kind: PairKind =
          a.language !== b.language
            ? 'cross-language'
            : (a.url !== undefined && a.url === b.url) ||
                a.title === b.title ||
                jaccard(a.grams, b.grams) >= COPY_JACCARD
              ? 'copy'
              : 'same-event';
        const later = a.at > b.at ? a : b;
        const example = (): PairExample => ({
          kind,
          a: a.item,
          b: b.item,
          evidence: assignments.get(later.item.id)?.evidence ?? '',
        });
        if (gold) counts[kind].gold += 1;
        if (linked) counts[kind].linked += 1;
        if (gold && linked) counts[kind].tp += 1;
        if (linked && !gold) falsePairs.push(example());
        if (gold && !linked) missedPairs.push(example());
      }
    }
  }
  const byKind = Object.fromEntries(
    PAIR_KINDS.map((k) => [k, score(counts[k].gold, counts[k].linked, counts[k].tp, counts[k].tp)]),
  ) as Record<PairKind, PairScore>;
  const sum = (f: (c: { gold: number; linked: number; tp: number }) => number): number =>
    PAIR_KINDS.reduce((n, k) => n + f(counts[k]), 0);
  const tp = sum((c) => c.tp);
  return {
    items: items.length,
    days: byDay.size,
    goldStories: goldStories.size,
    multiItemStories: [...goldStories.values()].filter((n) => n > 1).length,
    all: score(
      sum((c) => c.gold),
      sum((c) => c.linked),
      tp,
      tp,
    ),
    byKind,
    falsePairs,
    missedPairs,
  };
}

function pairLine(example: PairExample): string {
  const side = (item: StoryLabelledItem): string =>
    `[${item.source}${item.lang ? `, ${item.lang}` : ''}] ${item.title.slice(0, 90)}`;
  return `  ${example.kind.padEnd(14)} ${example.a.id} ~ ${example.b.id}\n      ${side(example.a)}\n      ${side(example.b)}\n      evidence: ${example.evidence}`;
}

/** The table, then every false and missed pair (limit per list; 0 = none, Infinity = all). */
export function formatStoryEvaluation(result: StoryEvaluation, limit = Infinity): string {
  const rows = [
    `${result.items} items, ${result.days} days, ${result.goldStories} gold stories (${result.multiItemStories} with several items); pairs within a day`,
    'kind            gold  linked  correct  precision  recall',
  ];
  const line = (name: string, s: PairScore): string =>
    `${name.padEnd(14)} ${String(s.gold).padStart(5)}  ${String(s.linked).padStart(6)}  ${String(s.truePositive).padStart(7)}  ${s.precision.toFixed(3).padStart(9)}  ${s.recall.toFixed(3).padStart(6)}`;
  for (const kind of PAIR_KINDS) rows.push(line(kind, result.byKind[kind]));
  rows.push(line('all', result.all));
  if (limit > 0) {
    rows.push(`false pairs (${result.falsePairs.length}):`);
    for (const example of result.falsePairs.slice(0, limit)) rows.push(pairLine(example));
    rows.push(`missed pairs (${result.missedPairs.length}):`);
    for (const example of result.missedPairs.slice(0, limit)) rows.push(pairLine(example));
  }
  return `${rows.join('\n')}\n`;
}
