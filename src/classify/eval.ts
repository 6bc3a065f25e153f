// Measures topic rules against labelled items: precision, recall and F1 per topic, for "relevant to any topic", per
// language, language-ID accuracy, and the confusion list (each false positive / negative with its evidence).
// Pure: labelled items in, report out; `tipwire eval` and the quality test print or check the report.
import { z } from 'zod';
import type { Evidence } from '../core/types.ts';
import { TipwireError } from '../core/errors.ts';
import { detectLanguage, scoreItem } from './index.ts';
import type { CompiledRules } from './index.ts';

export const labelledItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string().default(''),
  /** The item's true language (also given to the classifier, as a feed would declare it). */
  lang: z.string().optional(),
  topics: z.array(z.string()),
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
}

export interface EvalReport {
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
  const add = (tally: Tally, truth: boolean, predicted: boolean): void => {
    if (truth && predicted) tally[0]++;
    else if (predicted) tally[1]++;
    else if (truth) tally[2]++;
  };
  for (const item of items) {
    const lang = item.lang ?? 'und';
    const scores = scoreItem(rules, { title: item.title, summary: item.summary, language: item.lang });
    const assigned = new Set(scores.filter((s) => s.assigned).map((s) => s.topic));
    const truth = new Set(item.topics);
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
    confusions,
  };
}

/** The report as a plain-text table and confusion list, for people. */
export function formatReport(report: EvalReport): string {
  const pct = (x: number): string => x.toFixed(3);
  const row = (name: string, c: Counts): string =>
    `${name.padEnd(24)} ${pct(c.precision)}  ${pct(c.recall)}  ${pct(c.f1)}  ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)}`;
  const head = `${''.padEnd(24)} prec.  recall F1     tp   fp   fn`;
  const lines = [`${report.items} labelled items`, '', head, row('relevant to any topic', report.any)];
  for (const [id, c] of Object.entries(report.topics)) lines.push(row(id, c));
  lines.push('', 'per language (relevant to any topic | trafficking)', head);
  for (const [lang, slot] of Object.entries(report.languages).sort()) {
    lines.push(row(`${lang} any (${slot.items})`, slot.any));
    const tr = slot.topics.trafficking;
    if (tr !== undefined) lines.push(row(`${lang} trafficking`, tr));
  }
  const li = report.languageId;
  lines.push(
    '',
    `language ID: ${li.correct}/${li.total} (${pct(li.accuracy)}) ` +
      Object.entries(li.byLanguage)
        .map(([lang, [ok, n]]) => `${lang} ${ok}/${n}`)
        .join(', '),
  );
  lines.push('', `confusions (${report.confusions.length})`);
  for (const c of report.confusions) {
    const ev = c.evidence.map(
      (e) => `${e.field}:"${e.match}"[${e.term}]${e.weight > 0 ? '+' : ''}${e.weight}`,
    );
    lines.push(
      `${c.kind.toUpperCase()} ${c.topic} ${c.id} (${c.lang}) score ${c.score}/${c.threshold}: ${c.title}` +
        (ev.length > 0 ? `\n    ${ev.join('  ')}` : ''),
    );
  }
  return lines.join('\n');
}
