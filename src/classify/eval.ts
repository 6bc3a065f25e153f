// Measures topic rules (and the relevance model, when compiled in) against labelled items: precision, recall and F1
// per topic, for "relevant to any topic", per language, false positives by kind of negative (neg_kind), language-ID
// accuracy, and the error list (each false positive / negative with its rule evidence and model features); and
// compares two versions on the same items. Pure: labelled items in, report out; `tipwire eval` and the quality
// tests print or check the report.
import { z } from 'zod';
import type { Evidence, FeatureWeight } from '../core/types.ts';
import { TipwireError } from '../core/errors.ts';
import { detectLanguage, scoreItem } from './index.ts';
import type { CompiledRules } from './index.ts';

export const labelledItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string().default(''),
  /** The item's true language (also given to the classifier, as a feed would declare it). */
  lang: z
    .string()
    .nullish()
    .transform((value) => value ?? undefined),
  topics: z.array(z.string()),
  /** For a `none` item: which kind of negative (TOPICS.md), so false positives are counted by kind. */
  neg_kind: z.string().nullish(),
  /** Items of one group (a day, a source) are left out together when `tipwire train` chooses thresholds. */
  group: z.string().optional(),
  day: z.string().optional(),
  source: z.string().optional(),
});
export type LabelledItem = z.output<typeof labelledItemSchema>;

/** Parses JSON Lines of labelled items; errors name the file and line. */
export function parseLabelled(text: string, file = 'eval.jsonl'): LabelledItem[] {
  const items: LabelledItem[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim().length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new TipwireError('USAGE', `${file}:${index + 1}: not JSON`, { cause: err });
    }
    const parsed = labelledItemSchema.safeParse(value);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new TipwireError('USAGE', `${file}:${index + 1}: ${why}`);
    }
    items.push(parsed.data);
  });
  return items;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Confusion {
  id: string;
  lang: string;
  title: string;
  kind: 'fp' | 'fn';
  topic: string;
  score: number;
  threshold: number;
  evidence: Evidence[];
  decidedBy: 'rules' | 'model';
  relevance?: number | undefined;
  features?: FeatureWeight[] | undefined;
  /** The item's label: its topics, or its kind of negative. */
  label: string;
}

export interface EvalReport {
  /** Rules and model version measured. */
  version: string;
  items: number;
  /** "Relevant to any topic": the item has some label and some assigned topic (whichever). */
  any: Counts;
  topics: Record<string, Counts>;
  /** Per language: "any" and each topic. */
  languages: Record<string, { items: number; any: Counts; topics: Record<string, Counts> }>;
  /** Share of items whose language detectLanguage got right (items with a lang label only). */
  languageId: {
    correct: number;
    total: number;
    accuracy: number;
    byLanguage: Record<string, [number, number]>;
  };
  /** Per kind of negative: labelled items of that kind, and how many got some topic (false positives). */
  negKinds: Record<string, { items: number; fp: number }>;
  /** Ids of the items that got some topic (for comparisons). */
  assigned: Record<string, string[]>;
  confusions: Confusion[];
}

function counts(tp: number, fp: number, fn: number): Counts {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return { tp, fp, fn, precision: round(precision), recall: round(recall), f1: round(f1), support: tp + fn };
}

type Tally = [number, number, number];

export function evaluate(rules: CompiledRules, items: LabelledItem[]): EvalReport {
  const topicIds = rules.topics.map((t) => t.id);
  const any: Tally = [0, 0, 0];
  const perTopic = new Map<string, Tally>(topicIds.map((id) => [id, [0, 0, 0]]));
  const perLang = new Map<string, { items: number; any: Tally; topics: Map<string, Tally> }>();
  const langId = { correct: 0, total: 0, byLanguage: {} as Record<string, [number, number]> };
  const confusions: Confusion[] = [];
  const negKinds: Record<string, { items: number; fp: number }> = {};
  const assignedById: Record<string, string[]> = {};
  const add = (tally: Tally, truth: boolean, predicted: boolean): void => {
    if (truth && predicted) tally[0]++;
    else if (predicted) tally[1]++;
    else if (truth) tally[2]++;
  };
  for (const item of items) {
    const lang = item.lang ?? 'und';
    const scores = scoreItem(rules, { title: item.title, summary: item.summary, language: item.lang });
    const assigned = new Set(scores.filter((s) => s.assigned).map((s) => s.topic));
    assignedById[item.id] = [...assigned].sort();
    const truth = new Set(item.topics);
    const label = item.topics.length > 0 ? item.topics.join(',') : `none/${item.neg_kind ?? '?'}`;
    if (truth.size === 0) {
      const kind = (negKinds[item.neg_kind ?? '(unknown)'] ??= { items: 0, fp: 0 });
      kind.items++;
      if (assigned.size > 0) kind.fp++;
    }
    let slot = perLang.get(lang);
    if (slot === undefined) {
      slot = { items: 0, any: [0, 0, 0], topics: new Map(topicIds.map((id) => [id, [0, 0, 0]])) };
      perLang.set(lang, slot);
    }
    slot.items++;
    add(any, truth.size > 0, assigned.size > 0);
    add(slot.any, truth.size > 0, assigned.size > 0);
    for (const id of topicIds) {
      const t = truth.has(id);
      const p = assigned.has(id);
      add(perTopic.get(id) as Tally, t, p);
      add(slot.topics.get(id) as Tally, t, p);
      if (t !== p) {
        const score = scores.find((s) => s.topic === id);
        confusions.push({
          id: item.id,
          lang,
          title: item.title,
          kind: p ? 'fp' : 'fn',
          topic: id,
          score: score?.score ?? 0,
          threshold: score?.threshold ?? 0,
          evidence: score?.evidence ?? [],
          decidedBy: score?.decidedBy ?? 'rules',
          relevance: score?.relevance,
          features: score?.features,
          label,
        });
      }
    }
    if (item.lang !== undefined) {
      const detected = detectLanguage(`${item.title}\n${item.summary}`);
      const entry = (langId.byLanguage[item.lang] ??= [0, 0]);
      entry[1]++;
      langId.total++;
      if (detected === item.lang) {
        entry[0]++;
        langId.correct++;
      }
    }
  }
  const toCounts = (t: Tally): Counts => counts(t[0], t[1], t[2]);
  return {
    version: rules.version,
    items: items.length,
    any: toCounts(any),
    topics: Object.fromEntries([...perTopic].map(([id, t]) => [id, toCounts(t)])),
    languages: Object.fromEntries(
      [...perLang].map(([lang, slot]) => [
        lang,
        {
          items: slot.items,
          any: toCounts(slot.any),
          topics: Object.fromEntries([...slot.topics].map(([id, t]) => [id, toCounts(t)])),
        },
      ]),
    ),
    languageId: {
      ...langId,
      accuracy: langId.total === 0 ? 1 : Math.round((langId.correct / langId.total) * 1000) / 1000,
    },
    negKinds: Object.fromEntries(Object.entries(negKinds).sort()),
    assigned: assignedById,
    confusions,
  };
}

const pct = (x: number): string => x.toFixed(3);
const HEAD = `${''.padEnd(30)} prec.  recall F1     tp   fp   fn`;
const row = (name: string, c: Counts): string =>
  `${name.padEnd(30)} ${pct(c.precision)}  ${pct(c.recall)}  ${pct(c.f1)}  ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)}`;

function formatConfusion(c: Confusion): string {
  const ev = c.evidence.map((e) => `${e.field}:"${e.match}"[${e.term}]${e.weight > 0 ? '+' : ''}${e.weight}`);
  const verdict =
    c.decidedBy === 'model'
      ? `relevance ${c.relevance ?? 0} (rules ${c.score}/${c.threshold})`
      : `rules ${c.score}/${c.threshold}`;
  const lines = [`${c.kind.toUpperCase()} ${c.topic} ${c.id} (${c.lang}, ${c.label}) ${verdict}: ${c.title}`];
  if (ev.length > 0) lines.push(`    rules: ${ev.join('  ')}`);
  if (c.features !== undefined && c.features.length > 0)
    lines.push(
      `    model: ${c.features.map((f) => `${f.feature} ${f.weight > 0 ? '+' : ''}${f.weight}`).join(', ')}`,
    );
  return lines.join('\n');
}

/** The report as plain-text tables and the error list, for people. */
export function formatReport(report: EvalReport, options: { errors?: boolean } = {}): string {
  const lines = [
    `${report.items} labelled items   version ${report.version}`,
    '',
    HEAD,
    row('relevant to any topic', report.any),
  ];
  for (const [id, c] of Object.entries(report.topics)) lines.push(row(id, c));
  lines.push('', 'per language', HEAD);
  for (const [lang, slot] of Object.entries(report.languages).sort()) {
    lines.push(row(`${lang} any (${slot.items})`, slot.any));
    for (const [id, c] of Object.entries(slot.topics))
      if (c.tp + c.fp + c.fn > 0) lines.push(row(`  ${lang} ${id}`, c));
  }
  const li = report.languageId;
  lines.push(
    '',
    `language ID: ${li.correct}/${li.total} (${pct(li.accuracy)}) ` +
      Object.entries(li.byLanguage)
        .map(([lang, [ok, n]]) => `${lang} ${ok}/${n}`)
        .join(', '),
  );
  if (Object.keys(report.negKinds).length > 0) {
    lines.push('', 'false positives by kind of negative (items given some topic / items of that kind)');
    for (const [kind, k] of Object.entries(report.negKinds))
      lines.push(`  ${kind.padEnd(22)} ${String(k.fp).padStart(4)} / ${k.items}`);
  }
  if (options.errors !== false) {
    lines.push('', `errors (${report.confusions.length})`);
    for (const c of report.confusions) lines.push(formatConfusion(c));
  }
  return lines.join('\n');
}

/**
 * Two versions (rules and/or model) on the same items: both tables side by side, and the items whose verdict changed
 * ("fixed": now right, "broken": now wrong).
 */
export function formatComparison(
  a: EvalReport,
  b: EvalReport,
  items: LabelledItem[],
  names: [string, string],
): string {
  const cell = (c: Counts | undefined): string =>
    c === undefined ? ''.padEnd(20) : `${pct(c.precision)} ${pct(c.recall)} ${pct(c.f1)}`;
  const lines = [
    `${items.length} labelled items   A = ${names[0]} (${a.version})   B = ${names[1]} (${b.version})`,
    '',
    `${''.padEnd(30)} ${'A: prec. recall F1'.padEnd(20)}   B: prec. recall F1`,
    `${'relevant to any topic'.padEnd(30)} ${cell(a.any)}   ${cell(b.any)}`,
  ];
  for (const id of Object.keys(a.topics))
    lines.push(`${id.padEnd(30)} ${cell(a.topics[id])}   ${cell(b.topics[id])}`);
  for (const lang of Object.keys(a.languages).sort())
    lines.push(
      `${`${lang} any`.padEnd(30)} ${cell(a.languages[lang]?.any)}   ${cell(b.languages[lang]?.any)}`,
    );
  const changed: string[] = [];
  for (const item of items) {
    const before = (a.assigned[item.id] ?? []).join(',');
    const after = (b.assigned[item.id] ?? []).join(',');
    if (before === after) continue;
    const truth = [...item.topics].sort().join(',');
    const mark = after === truth ? 'fixed ' : before === truth ? 'broken' : 'changed';
    changed.push(
      `${mark} ${item.id} [${truth || 'none'}] A: ${before || 'none'} → B: ${after || 'none'}  ${item.title}`,
    );
  }
  lines.push('', `verdicts changed (${changed.length})`, ...changed.sort());
  return lines.join('\n');
}
