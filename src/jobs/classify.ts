// Use-cases of the topic filter for the operator: compile the configured classifier, train the relevance model from
// labelled JSON Lines, evaluate one or two versions on labelled items, and explain a stored item (found by item id,
// story id or URL) or any text. The CLI and the server call these; they read and write no files themselves (the
// caller hands in file contents and writes what comes back).
import { TipwireError } from '../core/errors.ts';
import type { ClassifiedItem } from '../core/types.ts';
import { stableId } from '../core/hash.ts';
import { compileRules, judgeItem } from '../classify/index.ts';
import type {
  CompiledRules,
  RelevanceJudgement,
  RelevanceModelFile,
  TopicJudgement,
  TopicsInput,
} from '../classify/index.ts';
import { evaluate, formatComparison, formatReport, parseLabelled } from '../classify/eval.ts';
import type { EvalReport, LabelledItem } from '../classify/eval.ts';
import { trainModel } from '../classify/train.ts';
import type { TrainOptions } from '../classify/train.ts';
import { identityKey } from '../dedupe/index.ts';
import type { Store } from '../store/port.ts';

/** The classifier the pipeline runs: the topic rules, and the relevance model when the config has one. */
export function compileClassifier(config: {
  topics: TopicsInput;
  model?: RelevanceModelFile | undefined;
}): CompiledRules {
  return compileRules(config.topics, config.model);
}

export interface TrainOutcome {
  model: RelevanceModelFile;
  /** The model measured on the items it was trained on (optimistic; held-out figures come from `eval`). */
  summary: string;
}

/**
 * Trains a relevance model on labelled JSON Lines (the eval format: id, title, summary, lang?, topics, and optionally
 * group/day/source: items of one group are left out together when thresholds are chosen).
 */
export function trainFromLabelled(
  topics: TopicsInput,
  files: { text: string; file: string }[],
  options: Partial<TrainOptions> = {},
): TrainOutcome {
  const items = files.flatMap(({ text, file }) => parseLabelled(text, file));
  const file = files.map((f) => f.file).join(' + ');
  if (items.length === 0) throw new TipwireError('USAGE', `${file}: no labelled items`);
  const rules = compileRules(topics);
  const { model } = trainModel(
    rules,
    items.map((item) => ({ ...item, group: item.group ?? item.day ?? item.source })),
    { source: file, ...options },
  );
  const thresholds = model.topics.map((t) => `${t.id} ${t.threshold}`).join(', ');
  const positives = Object.entries(model.trained.positives)
    .map(([id, n]) => `${id} ${n}`)
    .join(', ');
  return {
    model,
    summary:
      `trained on ${items.length} items (positives: ${positives}); ` +
      `${Object.keys(model.weights).length} weights; decides for: ${model.languages.join(', ') || 'no language'}; ` +
      `thresholds: ${thresholds}; model id ${model.id}`,
  };
}

export interface EvalOutcome {
  report: EvalReport;
  text: string;
}

export function evaluateLabelled(
  rules: CompiledRules,
  text: string,
  file: string,
  options: { errors?: boolean } = {},
): EvalOutcome {
  const report = evaluate(rules, parseLabelled(text, file));
  return { report, text: formatReport(report, options) };
}

/** Two classifier versions on the same labelled file. */
export function compareLabelled(
  a: CompiledRules,
  b: CompiledRules,
  text: string,
  file: string,
  names: [string, string],
): { a: EvalReport; b: EvalReport; text: string } {
  const items: LabelledItem[] = parseLabelled(text, file);
  const ra = evaluate(a, items);
  const rb = evaluate(b, items);
  return { a: ra, b: rb, text: formatComparison(ra, rb, items, names) };
}

export interface Explanation {
  language: string;
  /** The model's first step (about any topic?), when the model decided. */
  relevance?: RelevanceJudgement | undefined;
  judgements: TopicJudgement[];
}

/** Every topic's judgement on a text, with rule evidence and model features. */
export function explainText(
  rules: CompiledRules,
  input: { title: string; summary: string; language?: string | undefined },
): Explanation {
  return judgeItem(rules, input);
}

export interface StoredExplanation extends Explanation {
  item: ClassifiedItem;
}

/**
 * Finds stored items by item id, story id or URL (the URL's identity key gives the item id, as the poll job stores
 * it), and explains each under the given classifier. A story gives all its items.
 */
export async function explainStored(
  store: Store,
  rules: CompiledRules,
  ref: string,
  trackingParams: readonly string[],
): Promise<StoredExplanation[]> {
  let items: ClassifiedItem[] = [];
  const byId = await store.getItem(ref);
  if (byId !== undefined) items = [byId];
  else if (/^https?:\/\//i.test(ref)) {
    const key = identityKey({ url: ref, title: '', publishedAt: '' }, '', { trackingParams });
    const byUrl = await store.getItem(stableId(key));
    if (byUrl !== undefined) items = [byUrl];
  } else {
    const story = await store.getStory(ref);
    if (story !== undefined) items = story.items;
  }
  return items.map((item) => ({
    item,
    ...explainText(rules, { title: item.title, summary: item.summary, language: item.language }),
  }));
}
