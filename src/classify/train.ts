// Trains the relevance model (model.ts) from labelled items. Pure and deterministic: the same items, rules and options
// give the same file byte for byte (features sorted by name, examples shuffled by a seeded generator, weights
// rounded).
//
//   1. every item is tokenized, scored by the rules (match positions kept) and turned into named features
//      (features.ts); its language is the labelled one, else detected;
//   2. names seen in fewer than `minCount` items are dropped (a name seen once is noise and bloats the file);
//   3. one example per (item, topic): label 1 when the item carries the topic; logistic loss with L2, AdaGrad steps,
//      `epochs` passes in a seeded order; each name has a shared weight and one per topic (model.ts);
//   4. thresholds: the items are split into `folds` groups (by `group`, e.g. day or source, else by id), a model is
//      trained on all groups but one and scores the one left out; each topic's threshold is the probability that
//      maximises F-beta (beta < 1 favours precision) on those out-of-fold scores — never on the items a model saw;
//      a topic with few labelled items takes the threshold chosen over every topic's scores together;
//   5. the final model is trained on every item and carries those thresholds.
// Languages with fewer than `minLanguageItems` labelled items are not listed in the file: the rules decide for them.
import { stableId } from '../core/hash.ts';
import { detectLanguage, tokenize } from '../text/index.ts';
import { scoreTokens } from './engine.ts';
import type { TopicScore } from './engine.ts';
import { featureName, featureText, itemFeatures, topicFeatures } from './features.ts';
import { ANY, MODEL_FORMAT, combinedScore, logit } from './model.ts';
import type { RelevanceModelFile } from './model.ts';
import type { CompiledRules } from './index.ts';

export interface TrainingItem {
  id: string;
  title: string;
  summary: string;
  lang?: string | null | undefined;
  topics: string[];
  /** Items of one group are left out together when thresholds are chosen (a day, a source). */
  group?: string | undefined;
}

export interface TrainOptions {
  seed: number;
  epochs: number;
  l2: number;
  /**
   * L2 of the word features (w:, t:, b:, x:), kept stronger than that of the rule features: words learn what the
   * labelled days were about (football was never relevant there), which misleads on the next day's news; where the
   * terms stand carries over.
   */
  wordL2: number;
  learningRate: number;
  minCount: number;
  folds: number;
  /** F-beta for threshold choice: 0.5 weighs precision twice as much as recall. */
  beta: number;
  /** A topic with fewer labelled items than this takes the threshold chosen over all topics' scores together. */
  minTopicPositives: number;
  minLanguageItems: number;
  /** Weight of a positive example's loss (positives are rare: a few in a hundred). */
  positiveWeight: number;
  /** Weights smaller than this (in absolute value) are left out of the file: they change no verdict. */
  prune: number;
  /** Words for the file's `trained.source` (where the labels came from). */
  source: string;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  seed: 20_221_214,
  epochs: 30,
  l2: 1e-4,
  wordL2: 3e-3,
  learningRate: 0.2,
  minCount: 3,
  folds: 5,
  beta: 0.7,
  minTopicPositives: 20,
  minLanguageItems: 100,
  prune: 0.01,
  positiveWeight: 1,
  source: 'labelled items',
};

interface Example {
  /** Feature ids (sorted) and values. */
  ids: Int32Array;
  values: Float64Array;
  topic: number;
  label: 0 | 1;
  item: number;
}

interface Prepared {
  /** Per item: item feature names/values, per topic: topic feature names/values. */
  itemNames: [string, number][][];
  topicNames: [string, number][][][];
  languages: string[];
  /** Per item: the rules assign it some topic. */
  ruleFound: boolean[];
  /** Per item: some topic term matched (the model judges only these; the others are about no topic). */
  touched: boolean[];
}

function prepare(rules: CompiledRules, items: TrainingItem[]): Prepared {
  const itemNames: [string, number][][] = [];
  const topicNames: [string, number][][][] = [];
  const languages: string[] = [];
  const ruleFound: boolean[] = [];
  const touched: boolean[] = [];
  for (const item of items) {
    const title = tokenize(item.title);
    const summary = tokenize(item.summary);
    const language = (item.lang ?? detectLanguage(`${item.title}\n${item.summary}`) ?? 'und').slice(0, 2);
    languages.push(language);
    const text = featureText(title, summary, language);
    const scores: TopicScore[] = scoreTokens(rules.engine, title, summary);
    ruleFound.push(scores.some((score) => score.assigned));
    touched.push(scores.some((score) => score.hits.length > 0));
    const own: [string, number][] = [];
    itemFeatures(text, (kind, key, value, key2) => own.push([featureName(kind, key, key2), value]));
    itemNames.push(own);
    // One list per topic, then one for the relevance scorer (every topic's matches together).
    topicNames.push(
      [...scores, combinedScore(scores)].map((score) => {
        const list: [string, number][] = [];
        topicFeatures(text, score, (kind, key, value, key2) =>
          list.push([featureName(kind, key, key2), value]),
        );
        return list;
      }),
    );
  }
  return { itemNames, topicNames, languages, ruleFound, touched };
}

/** Mulberry32: a small seeded generator, so example order is the same on every machine. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Weights {
  names: string[];
  /** [feature × (topics + 1)]: shared weight, then one per topic. */
  w: Float64Array;
  bias: Float64Array;
}

function vocabulary(prepared: Prepared, subset: number[], minCount: number): Map<string, number> {
  const count = new Map<string, number>();
  for (const i of subset) {
    const seen = new Set<string>();
    for (const [name] of prepared.itemNames[i] as [string, number][]) seen.add(name);
    for (const list of prepared.topicNames[i] as [string, number][][])
      for (const [name] of list) seen.add(name);
    for (const name of seen) count.set(name, (count.get(name) ?? 0) + 1);
  }
  const names = [...count].filter(([, n]) => n >= minCount).map(([name]) => name);
  names.sort();
  return new Map(names.map((name, i) => [name, i]));
}

function examples(
  prepared: Prepared,
  items: TrainingItem[],
  subset: number[],
  topics: string[],
  vocab: Map<string, number>,
): Example[] {
  const out: Example[] = [];
  for (const i of subset) {
    const truth = new Set((items[i] as TrainingItem).topics);
    if (truth.size > 0) truth.add(ANY);
    topics.forEach((topic, t) => {
      const merged = new Map<number, number>();
      const add = ([name, value]: [string, number]): void => {
        const id = vocab.get(name);
        if (id !== undefined) merged.set(id, (merged.get(id) ?? 0) + value);
      };
      (prepared.itemNames[i] as [string, number][]).forEach(add);
      ((prepared.topicNames[i] as [string, number][][])[t] as [string, number][]).forEach(add);
      const ids = [...merged.keys()].sort((a, b) => a - b);
      out.push({
        ids: Int32Array.from(ids),
        values: Float64Array.from(ids.map((id) => merged.get(id) as number)),
        topic: t,
        label: truth.has(topic) ? 1 : 0,
        item: i,
      });
    });
  }
  return out;
}

function fit(data: Example[], vocab: Map<string, number>, topics: number, options: TrainOptions): Weights {
  const width = topics + 1;
  const w = new Float64Array(vocab.size * width);
  const g2 = new Float64Array(vocab.size * width).fill(1e-8);
  const bias = new Float64Array(topics);
  const biasG2 = new Float64Array(topics).fill(1e-8);
  const order = data.map((_, i) => i);
  const random = generator(options.seed);
  const lr = options.learningRate;
  const names = [...vocab.keys()];
  const l2 = Float64Array.from(names, (name) => (/^[wtbx]:/.test(name) ? options.wordL2 : options.l2));
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = order[i] as number;
      order[i] = order[j] as number;
      order[j] = swap;
    }
    for (const index of order) {
      const ex = data[index] as Example;
      const t = ex.topic;
      let z = bias[t] as number;
      for (let k = 0; k < ex.ids.length; k++) {
        const base = (ex.ids[k] as number) * width;
        z += (ex.values[k] as number) * ((w[base] as number) + (w[base + t + 1] as number));
      }
      const p = 1 / (1 + Math.exp(-z));
      const err = (p - ex.label) * (ex.label === 1 ? options.positiveWeight : 1);
      biasG2[t] = (biasG2[t] as number) + err * err;
      bias[t] = (bias[t] as number) - (lr * err) / Math.sqrt(biasG2[t] as number);
      for (let k = 0; k < ex.ids.length; k++) {
        const v = ex.values[k] as number;
        const lambda = l2[ex.ids[k] as number] as number;
        for (const slot of [(ex.ids[k] as number) * width, (ex.ids[k] as number) * width + t + 1]) {
          const grad = err * v + lambda * (w[slot] as number);
          g2[slot] = (g2[slot] as number) + grad * grad;
          w[slot] = (w[slot] as number) - (lr * grad) / Math.sqrt(g2[slot] as number);
        }
      }
    }
  }
  return { names, w, bias };
}

function predict(weights: Weights, topics: number, ex: Example): number {
  const width = topics + 1;
  let z = weights.bias[ex.topic] as number;
  for (let k = 0; k < ex.ids.length; k++) {
    const base = (ex.ids[k] as number) * width;
    z +=
      (ex.values[k] as number) * ((weights.w[base] as number) + (weights.w[base + ex.topic + 1] as number));
  }
  return 1 / (1 + Math.exp(-z));
}

/**
 * Out-of-fold probability of every (item, scorer) — the rules' topics in order, then relevance ("*") — by leaving
 * one group of items out at a time.
 */
export function outOfFold(
  rules: CompiledRules,
  items: TrainingItem[],
  options: TrainOptions,
  prepared = prepare(rules, items),
): Float64Array[] {
  const topics = [...rules.topics.map((t) => t.id), ANY];
  const groups = [...new Set(items.map((item) => item.group ?? item.id))].sort();
  // Groups go to folds round-robin in a seeded order, so a fold is a mix of days/sources rather than one big one.
  const random = generator(options.seed ^ 0x5bd1e995);
  const shuffled = groups.map((g) => [random(), g] as const).sort((a, b) => a[0] - b[0]);
  const foldOf = new Map(shuffled.map(([, g], i) => [g, i % options.folds]));
  const out = items.map(() => new Float64Array(topics.length));
  for (let fold = 0; fold < options.folds; fold++) {
    const train: number[] = [];
    const test: number[] = [];
    items.forEach((item, i) => (foldOf.get(item.group ?? item.id) === fold ? test : train).push(i));
    if (test.length === 0) continue;
    const vocab = vocabulary(prepared, train, options.minCount);
    const weights = fit(examples(prepared, items, train, topics, vocab), vocab, topics.length, options);
    for (const ex of examples(prepared, items, test, topics, vocab))
      (out[ex.item] as Float64Array)[ex.topic] = predict(weights, topics.length, ex);
  }
  return out;
}

/** The probability threshold that maximises F-beta over these scores (ties: the higher threshold). */
export function bestThreshold(scores: number[], labels: boolean[], beta: number): number {
  const order = scores.map((s, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const positives = labels.filter(Boolean).length;
  if (positives === 0) return 0.5;
  let tp = 0;
  let best = -1;
  let threshold = 0.5;
  const b2 = beta * beta;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    if (labels[i]) tp++;
    const next = order[k + 1];
    const s = scores[i] as number;
    // Only cut between distinct scores.
    if (next !== undefined && scores[next] === s) continue;
    const predicted = k + 1;
    const precision = tp / predicted;
    const recall = tp / positives;
    const f = precision + recall === 0 ? 0 : ((1 + b2) * precision * recall) / (b2 * precision + recall);
    if (f > best) {
      best = f;
      // Halfway (in logit) to the next lower score, so a slightly weaker item of the same kind is still taken.
      const lower = next === undefined ? s - 0.1 : (scores[next] as number);
      threshold = 1 / (1 + Math.exp(-((logit(s) + logit(Math.max(1e-6, lower))) / 2)));
    }
  }
  return Math.round(threshold * 10_000) / 10_000;
}

export interface TrainResult {
  model: RelevanceModelFile;
  /** Out-of-fold probabilities used to choose the thresholds (per item, per topic in rules order). */
  outOfFold: Float64Array[];
}

export function trainModel(
  rules: CompiledRules,
  items: TrainingItem[],
  partial: Partial<TrainOptions> = {},
): TrainResult {
  const options = { ...DEFAULT_TRAIN_OPTIONS, ...partial };
  const ruleTopics = rules.topics.map((t) => t.id);
  const topics = [...ruleTopics, ANY];
  const prepared = prepare(rules, items);
  // Thresholds are chosen as the classifier will decide: an item no term touched gets no topic whatever it scores.
  const oof = outOfFold(rules, items, options, prepared).map((row, i) =>
    prepared.touched[i] ? row : new Float64Array(row.length),
  );
  const a = ruleTopics.length;
  const anyThreshold = bestThreshold(
    oof.map((row) => row[a] as number),
    items.map((item) => item.topics.length > 0),
    options.beta,
  );
  // Items the rules assign no topic: relevance takes one only at a threshold chosen among them alone (at least the
  // general one).
  const ruleFound = prepared.ruleFound;
  const rescue = Math.max(
    anyThreshold,
    bestThreshold(
      oof.filter((_, i) => !ruleFound[i]).map((row) => row[a] as number),
      items.filter((_, i) => !ruleFound[i]).map((item) => item.topics.length > 0),
      options.beta,
    ),
  );
  // A topic's threshold is chosen among the items relevance lets through (the others get no topic whatever it says).
  const passes = (row: Float64Array, i: number): boolean =>
    (row[a] as number) >= (ruleFound[i] ? anyThreshold : rescue);
  const gated = (row: Float64Array, t: number, i: number): number =>
    passes(row, i) ? (row[t] as number) : 0;
  const pooled = bestThreshold(
    oof.flatMap((row, i) => ruleTopics.map((_, t) => gated(row, t, i))),
    items.flatMap((item) => ruleTopics.map((topic) => item.topics.includes(topic))),
    options.beta,
  );
  const thresholds = [
    ...ruleTopics.map((topic, t) => {
      const labels = items.map((item) => item.topics.includes(topic));
      if (labels.filter(Boolean).length < options.minTopicPositives) return pooled;
      return bestThreshold(
        oof.map((row, i) => gated(row, t, i)),
        labels,
        options.beta,
      );
    }),
    anyThreshold,
  ];
  const all = items.map((_, i) => i);
  const vocab = vocabulary(prepared, all, options.minCount);
  const fitted = fit(examples(prepared, items, all, topics, vocab), vocab, topics.length, options);
  const width = topics.length + 1;
  const weights: Record<string, number> = {};
  fitted.names.forEach((name, id) => {
    for (let slot = 0; slot < width; slot++) {
      const value = Math.round((fitted.w[id * width + slot] as number) * 1000) / 1000;
      if (Math.abs(value) < options.prune) continue;
      weights[slot === 0 ? name : `${topics[slot - 1]}|${name}`] = value;
    }
  });
  const sortedWeights = Object.fromEntries(Object.entries(weights).sort(([a], [b]) => (a < b ? -1 : 1)));
  const languageCounts: Record<string, number> = {};
  for (const lang of prepared.languages) languageCounts[lang] = (languageCounts[lang] ?? 0) + 1;
  const positives: Record<string, number> = {};
  for (const topic of ruleTopics)
    positives[topic] = items.filter((item) => item.topics.includes(topic)).length;
  positives[ANY] = items.filter((item) => item.topics.length > 0).length;
  const body = {
    trained: {
      items: items.length,
      positives,
      languages: Object.fromEntries(Object.entries(languageCounts).sort()),
      rules: rules.rulesVersion,
      seed: options.seed,
      epochs: options.epochs,
      l2: options.l2,
      minCount: options.minCount,
      source: options.source,
    },
    languages: Object.entries(languageCounts)
      .filter(([lang, n]) => n >= options.minLanguageItems && lang !== 'und')
      .map(([lang]) => lang)
      .sort(),
    topics: topics.map((id, t) => ({
      id,
      bias: Math.round((fitted.bias[t] as number) * 10_000) / 10_000,
      threshold: thresholds[t] as number,
      ...(id === ANY ? { rescue } : {}),
    })),
    weights: sortedWeights,
  };
  return {
    model: { format: MODEL_FORMAT, version: 1, id: stableId(JSON.stringify(body)), ...body },
    outOfFold: oof,
  };
}
