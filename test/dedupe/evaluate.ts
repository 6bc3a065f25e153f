// Pair precision/recall of the clusterer on a labelled fixture (test/fixtures/dedupe/*.json). Shared by the quality
// test and by `npx tsx test/dedupe/evaluate.ts FILE` (prints the table and every wrong or missed pair, for tuning).
import { readFileSync } from 'node:fs';
import { StoryClusterer, type Assignment } from '../../src/dedupe/index.ts';
import { dedupeSchema } from '../../src/config/schema.ts';

export interface FixtureItem {
  id: string;
  source: string;
  lang: string;
  published: string;
  story: string;
  kind: 'origin' | 'copy' | 'same-event' | 'translation';
  follows?: string;
  url: string;
  title: string;
  text: string;
}

export type PairKind = 'copy' | 'same-event' | 'translation';

export interface KindScore {
  gold: number;
  predicted: number;
  truePositive: number;
  precision: number;
  recall: number;
}

export interface Evaluation {
  byKind: Record<PairKind, KindScore>;
  all: KindScore;
  follows: { gold: number; found: number };
  falsePositives: string[];
  missed: string[];
  assignments: Map<string, Assignment>;
}

export function loadFixture(path: string): FixtureItem[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { items: FixtureItem[] }).items;
}

function score(gold: number, predicted: number, truePositive: number): KindScore {
  return {
    gold,
    predicted,
    truePositive,
    precision: predicted === 0 ? 1 : truePositive / predicted,
    recall: gold === 0 ? 1 : truePositive / gold,
  };
}

export function evaluate(items: FixtureItem[]): Evaluation {
  const config = dedupeSchema.parse({});
  const clusterer = new StoryClusterer(config);
  const ordered = [...items].sort((a, b) => a.published.localeCompare(b.published));
  const assignments = new Map<string, Assignment>();
  for (const item of ordered) {
    assignments.set(
      item.id,
      clusterer.assign({
        id: item.id,
        sourceId: item.source,
        url: item.url,
        title: item.title,
        text: item.text,
        language: item.lang,
        publishedAt: item.published,
      }),
    );
  }
  const kinds: PairKind[] = ['copy', 'same-event', 'translation'];
  const counts = Object.fromEntries(kinds.map((k) => [k, { gold: 0, predicted: 0, tp: 0 }])) as Record<
    PairKind,
    { gold: number; predicted: number; tp: number }
  >;
  const falsePositives: string[] = [];
  const missed: string[] = [];
  for (let i = 0; i < ordered.length; i += 1) {
    for (let j = i + 1; j < ordered.length; j += 1) {
      const a = ordered[i] as FixtureItem;
      const b = ordered[j] as FixtureItem;
      const sa = assignments.get(a.id) as Assignment;
      const sb = assignments.get(b.id) as Assignment;
      const goldSame = a.story === b.story;
      const predictedSame = sa.storyId === sb.storyId;
      const goldKind: PairKind =
        a.lang !== b.lang
          ? 'translation'
          : a.kind === 'same-event' || b.kind === 'same-event'
            ? 'same-event'
            : 'copy';
      const predictedKind: PairKind =
        a.lang !== b.lang
          ? 'translation'
          : sa.relation === 'same-event' || sb.relation === 'same-event'
            ? 'same-event'
            : 'copy';
      if (goldSame) counts[goldKind].gold += 1;
      if (predictedSame) {
        counts[predictedKind].predicted += 1;
        if (goldSame) counts[predictedKind].tp += 1;
        else falsePositives.push(`${a.id} ~ ${b.id} (${predictedKind}): ${sb.evidence}`);
      }
      if (goldSame && !predictedSame) missed.push(`${a.id} ~ ${b.id} (${goldKind})`);
    }
  }
  // Recall counts a gold pair found whatever relation name the clusterer gave it; precision is per predicted kind.
  const byKind = {} as Record<PairKind, KindScore>;
  for (const kind of kinds) {
    const c = counts[kind];
    const foundGold = c.gold - missed.filter((line) => line.endsWith(`(${kind})`)).length;
    const s = score(c.gold, c.predicted, c.tp);
    byKind[kind] = { ...s, recall: c.gold === 0 ? 1 : foundGold / c.gold };
  }
  const totalGold = kinds.reduce((n, k) => n + counts[k].gold, 0);
  const totalPredicted = kinds.reduce((n, k) => n + counts[k].predicted, 0);
  const totalTp = kinds.reduce((n, k) => n + counts[k].tp, 0);
  const follows = { gold: 0, found: 0 };
  const storyOfLabel = new Map<string, string>();
  for (const item of ordered)
    if (!storyOfLabel.has(item.story))
      storyOfLabel.set(item.story, (assignments.get(item.id) as Assignment).storyId);
  for (const item of ordered) {
    if (!item.follows) continue;
    follows.gold += 1;
    if (assignments.get(item.id)?.followsStoryId === storyOfLabel.get(item.follows)) follows.found += 1;
  }
  return {
    byKind,
    all: score(totalGold, totalPredicted, totalTp),
    follows,
    falsePositives,
    missed,
    assignments,
  };
}

export function formatEvaluation(name: string, result: Evaluation): string {
  const rows = [`${name.padEnd(12)} kind         gold  pred  prec   recall`];
  for (const [kind, s] of [...Object.entries(result.byKind), ['all', result.all] as const]) {
    rows.push(
      `${''.padEnd(12)} ${kind.padEnd(12)} ${String(s.gold).padStart(4)}  ${String(s.predicted).padStart(4)}  ${s.precision.toFixed(3)}  ${s.recall.toFixed(3)}`,
    );
  }
  rows.push(`${''.padEnd(12)} follow-up links found: ${result.follows.found}/${result.follows.gold}`);
  return rows.join('\n');
}

if (process.argv[1]?.endsWith('evaluate.ts')) {
  for (const path of process.argv.slice(2)) {
    const result = evaluate(loadFixture(path));
    console.log(formatEvaluation(path.split('/').pop() ?? path, result));
    for (const line of result.falsePositives) console.log(`  FALSE  ${line}`);
    for (const line of result.missed) console.log(`  MISSED ${line}`);
    if (process.env.VERBOSE)
      for (const [id, a] of result.assignments) console.log(`  ${id}: ${a.relation} ${a.evidence}`);
  }
}
