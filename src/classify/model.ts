// The relevance model: logistic scorers over the named features of features.ts, learned from labelled items by
// `tipwire train` (train.ts) and shipped as a JSON file beside the topic rules (config/model.json). Pure.
//
// Two steps decide an item:
//   1. relevance: is the item about any topic at all (the "*" scorer, over the item's words and all topics' rule
//      matches together)? Below its threshold, no topic is assigned — mention is not subject; an item the rules assign
//      no topic needs the higher `rescue` threshold — subject without the keyword;
//   2. topics: each topic the model knows is assigned when its own scorer reaches its threshold; a relevant item that
//      reaches none keeps the topics the rules assign.
// A scorer's logit is bias + Σ value × (shared weight of the name + the scorer's own weight of the name): the shared
// part learns what makes a topic the subject (a term in the headline, a term only in a passing clause, the words
// around it), which carries over to topics with few labelled items; the own part learns what is particular to one.
// Model and rules work together: rule scores and where their terms stand are features; the model judges only items
// some topic term touched (weak terms, below any threshold, widen that net) and only in the languages it was trained
// on (the file lists them); items in other languages, and topics the file does not know, are decided by the rules.
import type { FeatureWeight } from '../core/types.ts';
import type { TopicScore } from './engine.ts';
import { MAX_WORDS, featureName, featureStem, itemFeatures, topicFeatures } from './features.ts';
import type { Tokens } from '../text/index.ts';
import type { Emit, FeatureKind, FeatureText } from './features.ts';

export const MODEL_FORMAT = 'tipwire-relevance-model';

/** Id of the relevance scorer ("about any topic") among the file's topics. */
export const ANY = '*';

/** The model file (JSON). Weights are keyed by feature name; "TOPIC|name" is a topic's (or "*|name" relevance's) own. */
export interface RelevanceModelFile {
  format: typeof MODEL_FORMAT;
  /** Version of this file layout. */
  version: 1;
  /** Hash of the trained content: items classified under another model are re-classified. */
  id: string;
  /** How it was trained: for people and for `tipwire config check`. */
  trained: {
    items: number;
    positives: Record<string, number>;
    languages: Record<string, number>;
    /** Version of the topic rules the features were computed with (retrain after rule edits). */
    rules: string;
    seed: number;
    epochs: number;
    l2: number;
    minCount: number;
    source: string;
  };
  /** Languages the model decides for (enough labelled items); the rules decide for the others. */
  languages: string[];
  /**
   * Per scorer (topics, then "*" = relevance): bias (logit) and the probability at or above which it says yes.
   * Relevance has a second, higher threshold, `rescue`, for items the rules assign no topic: taking an item the rules
   * missed needs more than keeping one they found.
   */
  topics: { id: string; bias: number; threshold: number; rescue?: number | undefined }[];
  weights: Record<string, number>;
}

export interface CompiledModel {
  id: string;
  languages: Set<string>;
  /** Model topic index per rules topic index (-1: the model does not know the topic). */
  topicIndex: number[];
  /** Model topic index of the relevance scorer (-1: none, every known topic decides alone). */
  anyIndex: number;
  topics: {
    id: string;
    bias: number;
    threshold: number;
    logitThreshold: number;
    rescue?: number | undefined;
  }[];
  /**
   * Per feature: its weight for each scorer (shared + own, model topic order), found by kind and key without building
   * the feature's name (word pairs by first word, then second).
   */
  tables: Record<Exclude<FeatureKind, 'b'>, Map<string, Float64Array>>;
  pairs: Map<string, Map<string, Float64Array>>;
  /** The same word weights by stem (w:, t:, and pairs by first word): one lookup per word on the fast path. */
  stems: Map<string, StemWeights>;
  /** Per language, folded word → stem and weights (filled as words are met, bounded). */
  words: Map<string, Map<string, WordWeights>>;
  file: RelevanceModelFile;
}

interface StemWeights {
  w?: Float64Array | undefined;
  t?: Float64Array | undefined;
  pairs?: Map<string, Float64Array> | undefined;
}

/** A folded word as the fast path sees it: its feature stem ('' for a stop word) and that stem's weights. */
interface WordWeights {
  stem: string;
  weights: StemWeights | undefined;
}

function lookup(
  model: CompiledModel,
  kind: FeatureKind,
  key: string,
  key2: string | undefined,
): Float64Array | undefined {
  return kind === 'b' ? model.pairs.get(key)?.get(key2 as string) : model.tables[kind].get(key);
}

export function logit(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Compiles a model file against the rules' topics (in their order). */
export function compileModel(file: RelevanceModelFile, ruleTopics: string[]): CompiledModel {
  const n = file.topics.length;
  const position = new Map(file.topics.map((t, i) => [t.id, i]));
  // name → [shared, own weight per scorer]
  const raw = new Map<string, Float64Array>();
  for (const key of Object.keys(file.weights).sort()) {
    const bar = key.indexOf('|');
    const topic = bar > 0 ? position.get(key.slice(0, bar)) : undefined;
    const name = topic === undefined ? key : key.slice(bar + 1);
    let row = raw.get(name);
    if (row === undefined) {
      row = new Float64Array(n + 1);
      raw.set(name, row);
    }
    row[topic === undefined ? 0 : topic + 1] = file.weights[key] as number;
  }
  const tables: CompiledModel['tables'] = {
    w: new Map(),
    t: new Map(),
    r: new Map(),
    m: new Map(),
    x: new Map(),
  };
  const pairs = new Map<string, Map<string, Float64Array>>();
  for (const [name, row] of raw) {
    const combined = new Float64Array(n);
    for (let t = 0; t < n; t++) combined[t] = (row[0] as number) + (row[t + 1] as number);
    const kind = name.slice(0, 1) as FeatureKind;
    const rest = name.slice(2);
    if (kind === 'b') {
      const space = rest.indexOf(' ');
      const first = rest.slice(0, space);
      let inner = pairs.get(first);
      if (inner === undefined) {
        inner = new Map();
        pairs.set(first, inner);
      }
      inner.set(rest.slice(space + 1), combined);
    } else if (kind in tables) tables[kind].set(rest, combined);
  }
  const stems = new Map<string, StemWeights>();
  const entry = (stem: string): StemWeights => {
    let found = stems.get(stem);
    if (found === undefined) {
      found = {};
      stems.set(stem, found);
    }
    return found;
  };
  for (const [stem, row] of tables.w) entry(stem).w = row;
  for (const [stem, row] of tables.t) entry(stem).t = row;
  for (const [stem, inner] of pairs) entry(stem).pairs = inner;
  return {
    id: file.id,
    languages: new Set(file.languages),
    topicIndex: ruleTopics.map((id) => (id === ANY ? -1 : (position.get(id) ?? -1))),
    anyIndex: position.get(ANY) ?? -1,
    topics: file.topics.map((t) => ({ ...t, logitThreshold: logit(t.threshold) })),
    tables,
    pairs,
    stems,
    words: new Map(),
    file,
  };
}

/**
 * All topics' rule matches as one: what the relevance scorer reads. Score: the best topic's score relative to its
 * threshold (on a threshold of 1); evidence and hits: every topic's.
 */
export function combinedScore(scores: TopicScore[]): TopicScore {
  let best = 0;
  let assigned = false;
  const evidence: TopicScore['evidence'] = [];
  const hits: TopicScore['hits'] = [];
  for (const s of scores) {
    best = Math.max(best, s.score / s.threshold);
    assigned ||= s.assigned;
    for (let i = 0; i < s.hits.length; i++) {
      evidence.push(s.evidence[i] as TopicScore['evidence'][number]);
      hits.push(s.hits[i] as TopicScore['hits'][number]);
    }
  }
  return { topic: ANY, score: best, threshold: 1, assigned, evidence, hits };
}

export interface ModelVerdict {
  /** Logit of "about any topic" (NaN: the model has no relevance scorer). */
  any: number;
  /** Logit per rules topic (NaN where the model does not know the topic). */
  topics: Float64Array;
}

/**
 * Scores an item from its tokens and the rules' topic scores (rules topic order). `text` gives the features' view of
 * the item; it is asked for only when some rule matched (topic features read match positions and the words around
 * them), so an item no rule touches costs one lookup per word.
 */
export function modelLogits(
  model: CompiledModel,
  title: Tokens,
  summary: Tokens,
  language: string,
  scores: TopicScore[],
  text: () => FeatureText,
): ModelVerdict {
  const shared = itemLogits(model, title, summary, language);
  let z = 0;
  let scorer = 0;
  const add: Emit = (kind, key, value, key2) => {
    const row = lookup(model, kind, key, key2);
    if (row !== undefined) z += value * (row[scorer] as number);
  };
  const matched = scores.some((score) => score.hits.length > 0);
  const scoreWith = (t: number, score: TopicScore): number => {
    z = shared[t] as number;
    scorer = t;
    if (score.hits.length > 0) topicFeatures(text(), score, add);
    return z;
  };
  const topics = new Float64Array(scores.length);
  for (let r = 0; r < scores.length; r++) {
    const t = model.topicIndex[r] as number;
    topics[r] = t < 0 ? Number.NaN : scoreWith(t, scores[r] as TopicScore);
  }
  const any =
    model.anyIndex < 0
      ? Number.NaN
      : matched
        ? scoreWith(model.anyIndex, combinedScore(scores))
        : (shared[model.anyIndex] as number);
  return { any, topics };
}

function wordWeights(model: CompiledModel, language: string): Map<string, WordWeights> {
  let words = model.words.get(language);
  if (words === undefined) {
    words = new Map();
    model.words.set(language, words);
  }
  if (words.size > 200_000) words.clear();
  return words;
}

/**
 * Bias plus the item features' part of every scorer's logit: itemFeatures (features.ts) summed with one lookup per
 * word instead of one per feature. It must add exactly what itemFeatures emits (a test holds the two together).
 */
function itemLogits(model: CompiledModel, title: Tokens, summary: Tokens, language: string): Float64Array {
  const n = model.topics.length;
  const sums = new Float64Array(n);
  const cache = wordWeights(model, language);
  let count = 0;
  for (let field = 0; field < 2; field++) {
    const words = (field === 0 ? title : summary).words;
    const end = Math.min(words.length, MAX_WORDS);
    let previous: WordWeights | undefined;
    for (let i = 0; i < end; i++) {
      const word = words[i] as string;
      let info = cache.get(word);
      if (info === undefined) {
        const stem = featureStem(word, language) ?? '';
        info = { stem, weights: stem === '' ? undefined : model.stems.get(stem) };
        cache.set(word, info);
      }
      if (info.stem === '') {
        previous = undefined;
        continue;
      }
      const weights = info.weights;
      if (info.stem !== '#') {
        count += field === 0 ? 2 : 1;
        if (weights !== undefined) {
          const w = weights.w;
          if (w !== undefined) for (let t = 0; t < n; t++) sums[t] = (sums[t] as number) + (w[t] as number);
          const tw = field === 0 ? weights.t : undefined;
          if (tw !== undefined) for (let t = 0; t < n; t++) sums[t] = (sums[t] as number) + (tw[t] as number);
        }
      }
      if (previous !== undefined) {
        count++;
        const pairs = previous.weights?.pairs;
        const pw = pairs === undefined ? undefined : pairs.get(info.stem);
        if (pw !== undefined) for (let t = 0; t < n; t++) sums[t] = (sums[t] as number) + (pw[t] as number);
      }
      previous = info;
    }
  }
  const value = 1 / Math.sqrt(Math.max(1, count));
  for (let t = 0; t < n; t++)
    sums[t] = (model.topics[t] as { bias: number }).bias + value * (sums[t] as number);
  return sums;
}

/**
 * Every feature's part in one scorer's logit, by name (the slow path: names are built). Bias plus these is the logit
 * modelLogits computes.
 */
export function contributions(
  model: CompiledModel,
  text: FeatureText,
  score: TopicScore,
  modelTopic: number,
): Map<string, number> {
  const totals = new Map<string, number>();
  if (modelTopic < 0) return totals;
  const add: Emit = (kind, key, value, key2) => {
    const row = lookup(model, kind, key, key2);
    if (row === undefined) return;
    const weight = value * (row[modelTopic] as number);
    const name = featureName(kind, key, key2);
    if (weight !== 0) totals.set(name, (totals.get(name) ?? 0) + weight);
  };
  itemFeatures(text, add);
  if (score.hits.length > 0) topicFeatures(text, score, add);
  return totals;
}

/**
 * The features that moved one scorer's logit most, strongest first: `limit` for and `limit` against. `modelTopic` is
 * the scorer's index in the model file (topicIndex[rules topic] or anyIndex); `score` the rule score it reads.
 */
export function strongestFeatures(
  model: CompiledModel,
  text: FeatureText,
  score: TopicScore,
  modelTopic: number,
  limit = 5,
): FeatureWeight[] {
  const totals = contributions(model, text, score, modelTopic);
  const all = [...totals].map(([feature, w]) => ({ feature, weight: Math.round(w * 1000) / 1000 }));
  const byStrength = (a: FeatureWeight, b: FeatureWeight): number =>
    Math.abs(b.weight) - Math.abs(a.weight) || (a.feature < b.feature ? -1 : 1);
  const pro = all
    .filter((f) => f.weight > 0)
    .sort(byStrength)
    .slice(0, limit);
  const con = all
    .filter((f) => f.weight < 0)
    .sort(byStrength)
    .slice(0, limit);
  return [...pro, ...con];
}
