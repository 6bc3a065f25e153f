// The relevance model: one logistic scorer per topic over the named features of features.ts, learned from labelled
// items by `tipwire train` (train.ts) and shipped as a JSON file beside the topic rules (config/model/). Pure.
//
// A topic's logit is bias(topic) + Σ value × (shared weight of the name + the topic's own weight of the name): the
// shared part learns what makes any topic the subject (a term in the headline, a term in a passing clause, words
// around it), which carries over to topics with few labelled items; the topic's own part learns what is particular
// to it. Model and rules work together: the rule scores and where their terms stand are features, and the model
// applies only to the languages it was trained on (the file lists them); items in other languages, and topics the
// file does not know, are decided by the rules alone.
import type { FeatureWeight } from '../core/types.ts';
import type { TopicScore } from './engine.ts';
import { itemFeatures, topicFeatures } from './features.ts';
import type { FeatureText } from './features.ts';

export const MODEL_FORMAT = 'tipwire-relevance-model';

/** The model file (JSON). Weights are keyed by feature name; "TOPIC|name" is a topic's own weight. */
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
  /** Per topic: bias (logit) and the probability at or above which the topic is assigned. */
  topics: { id: string; bias: number; threshold: number }[];
  weights: Record<string, number>;
}

export interface CompiledModel {
  id: string;
  languages: Set<string>;
  /** Model topic index per rules topic index (-1: the model does not know the topic). */
  topicIndex: number[];
  topics: { id: string; bias: number; threshold: number; logitThreshold: number }[];
  /** name → [shared, topic 0, topic 1, …] (model topic order). */
  weights: Map<string, Float64Array>;
  file: RelevanceModelFile;
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
  const width = file.topics.length + 1;
  const position = new Map(file.topics.map((t, i) => [t.id, i]));
  const weights = new Map<string, Float64Array>();
  const names = Object.keys(file.weights).sort();
  for (const key of names) {
    const bar = key.indexOf('|');
    const topic = bar > 0 ? position.get(key.slice(0, bar)) : undefined;
    const name = topic === undefined ? key : key.slice(bar + 1);
    let row = weights.get(name);
    if (row === undefined) {
      row = new Float64Array(width);
      weights.set(name, row);
    }
    row[topic === undefined ? 0 : topic + 1] = file.weights[key] as number;
  }
  return {
    id: file.id,
    languages: new Set(file.languages),
    topicIndex: ruleTopics.map((id) => position.get(id) ?? -1),
    topics: file.topics.map((t) => ({ ...t, logitThreshold: logit(t.threshold) })),
    weights,
    file,
  };
}

/** Logit per rules topic (NaN where the model does not know the topic). `scores` are in rules topic order. */
export function modelLogits(model: CompiledModel, text: FeatureText, scores: TopicScore[]): Float64Array {
  const n = model.topics.length;
  const shared = new Float64Array(n);
  for (let t = 0; t < n; t++) shared[t] = (model.topics[t] as { bias: number }).bias;
  itemFeatures(text, (name, value) => {
    const row = model.weights.get(name);
    if (row === undefined) return;
    for (let t = 0; t < n; t++)
      shared[t] = (shared[t] as number) + value * ((row[0] as number) + (row[t + 1] as number));
  });
  const out = new Float64Array(scores.length);
  for (let r = 0; r < scores.length; r++) {
    const t = model.topicIndex[r] as number;
    if (t < 0) {
      out[r] = Number.NaN;
      continue;
    }
    let z = shared[t] as number;
    topicFeatures(text, scores[r] as TopicScore, (name, value) => {
      const row = model.weights.get(name);
      if (row !== undefined) z += value * ((row[0] as number) + (row[t + 1] as number));
    });
    out[r] = z;
  }
  return out;
}

/** The features that moved one topic's logit most, strongest first: `limit` for and `limit` against. */
export function strongestFeatures(
  model: CompiledModel,
  text: FeatureText,
  score: TopicScore,
  ruleTopic: number,
  limit = 5,
): FeatureWeight[] {
  const t = model.topicIndex[ruleTopic] as number;
  if (t < 0) return [];
  const all: FeatureWeight[] = [];
  const add = (name: string, value: number): void => {
    const row = model.weights.get(name);
    if (row === undefined) return;
    const weight = value * ((row[0] as number) + (row[t + 1] as number));
    if (weight !== 0) all.push({ feature: name, weight: Math.round(weight * 1000) / 1000 });
  };
  itemFeatures(text, add);
  topicFeatures(text, score, add);
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
