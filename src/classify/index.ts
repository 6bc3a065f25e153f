// The classify stage: topic rules (config/topics.yaml) and the relevance model (config/model/, optional) compiled
// once, then applied to items. Pure: data in, data out, no I/O; batch callers compile once and call classifyItem per
// item.
//   compileRules(topics, model?) → CompiledRules (throws CLASSIFY_RULE_INVALID naming topic, rule and term, or
//                                  CLASSIFY_MODEL_INVALID)
//   classifyItem(rules, x)       → Classification: language (given, else detected), assigned topics with rule score,
//                                  rule evidence and (where the model decided) relevance and strongest features,
//                                  countries mentioned
//   scoreItem(rules, x)          → every topic's judgement, assigned or not (for explain and eval)
// Order per item: tokenize → rule scores with match positions (engine.ts) → if the model covers the item's language,
// its features (features.ts) and per-topic probability decide each topic it knows (model.ts); otherwise, and for
// topics the model does not know, the rules' threshold decides.
// The rule language is documented in rules.ts and README ("Topic rules").
import { stableId } from '../core/hash.ts';
import { isTipwireError, TipwireError } from '../core/errors.ts';
import type { Classification, FeatureWeight, TopicInfo, TopicMatch } from '../core/types.ts';
import { Engine, scoreTokens } from './engine.ts';
import { detectLanguage, tokenize } from '../text/index.ts';
import type { Tokens } from '../text/index.ts';
import type { RuleInput, TopicScore } from './engine.ts';
import { RuleErrors, TermSyntaxError, type RuleProblem } from './rules.ts';
import { countriesInTokens } from './countries.ts';
import { featureText } from './features.ts';
import type { FeatureText } from './features.ts';
import {
  MODEL_FORMAT,
  combinedScore,
  compileModel,
  modelLogits,
  sigmoid,
  strongestFeatures,
} from './model.ts';
import type { CompiledModel, RelevanceModelFile } from './model.ts';

export { detectLanguage, LANGUAGES } from '../text/index.ts';
export type { RuleProblem } from './rules.ts';
export { extractCountries } from './countries.ts';
export { tokenize } from '../text/index.ts';
export type { TopicScore } from './engine.ts';
export type { RelevanceModelFile } from './model.ts';

export interface CompiledRules {
  /** Hash of the topics config and the model: items classified under another version are re-classified. */
  version: string;
  /** Hash of the topics config alone (a model records the rules it was trained with). */
  rulesVersion: string;
  topics: TopicInfo[];
  engine: Engine;
  /** The relevance model, when one is configured. */
  model?: CompiledModel | undefined;
}

export interface ClassifyInput {
  title: string;
  summary: string;
  /** The feed's or source's language, when known; detection runs only without it. */
  language?: string | undefined;
  /** Languages detection may answer (e.g. the source's declared languages). */
  allowedLanguages?: string[] | undefined;
}

/**
 * The topics file as the config loader hands it over (config/topics-schema.ts validates it; this stage only needs
 * its shape and imports nothing of config).
 */
export interface TopicsInput {
  settings: { titleWeight: number; window: number };
  sets: Record<string, Record<string, string[]>>;
  topics: {
    id: string;
    names: Record<string, string>;
    description?: string | undefined;
    threshold: number;
    terms: Record<string, (string | RuleInput)[]>;
  }[];
}

/**
 * Engines by the topics object they were compiled from: the config loader checks the rules by compiling them
 * (ruleProblems), and the command that loaded the config compiles the same frozen object again right after.
 */
const engines = new WeakMap<TopicsInput, Engine>();

/** Every problem of the topic rules, with the path of its value in topics.yaml; empty when they compile. */
export function ruleProblems(config: TopicsInput): RuleProblem[] {
  try {
    compileRules(config);
    return [];
  } catch (err) {
    if (isTipwireError(err, 'CLASSIFY_RULE_INVALID') && Array.isArray(err.details.problems))
      return err.details.problems as RuleProblem[];
    throw err;
  }
}

export function compileRules(config: TopicsInput, model?: RelevanceModelFile): CompiledRules {
  const engine = engines.get(config) ?? compileEngine(config);
  engines.set(config, engine);
  if (model !== undefined && model.format !== MODEL_FORMAT)
    throw new TipwireError('CLASSIFY_MODEL_INVALID', `model file: format is not ${MODEL_FORMAT}`);
  const ruleTopics = config.topics.map((topic) => topic.id);
  const rulesVersion = stableId(JSON.stringify(config));
  return {
    version: model === undefined ? rulesVersion : stableId(`${rulesVersion}\u0000${model.id}`),
    rulesVersion,
    topics: config.topics.map((topic) => ({
      id: topic.id,
      names: topic.names,
      ...(topic.description === undefined ? {} : { description: topic.description }),
    })),
    engine,
    model: model === undefined ? undefined : compileModel(model, ruleTopics),
  };
}

function compileEngine(config: TopicsInput): Engine {
  try {
    return new Engine({
      titleWeight: config.settings.titleWeight,
      window: config.settings.window,
      sets: config.sets,
      topics: config.topics.map((topic) => ({
        id: topic.id,
        threshold: topic.threshold,
        terms: Object.fromEntries(
          Object.entries(topic.terms).map(([lang, rules]) => [
            lang,
            rules.map((rule) =>
              typeof rule === 'string'
                ? { match: rule, weight: 1, unless: [], requires: [], field: 'any' as const }
                : rule,
            ),
          ]),
        ),
      })),
    });
  } catch (err) {
    if (err instanceof RuleErrors) {
      // A rule written as a bare string has no `match` key: its path ends at the rule.
      const problems: RuleProblem[] = err.problems.map((problem) => {
        const [, topic, , lang, rule, key] = problem.path;
        const written =
          problem.path[0] === 'topics' && key === 'match'
            ? config.topics[topic as number]?.terms[lang as string]?.[rule as number]
            : undefined;
        return typeof written === 'string' ? { ...problem, path: problem.path.slice(0, 5) } : problem;
      });
      throw new TipwireError(
        'CLASSIFY_RULE_INVALID',
        `topics.yaml: ${problems.length} rule problem${problems.length === 1 ? '' : 's'}:\n  ${problems.map((p) => p.message).join('\n  ')}`,
        { cause: err, details: { problems } },
      );
    }
    if (err instanceof TermSyntaxError) {
      throw new TipwireError('CLASSIFY_RULE_INVALID', `topics.yaml: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/** The language an item is treated as: given, else detected, else "und". */
export function itemLanguage(item: ClassifyInput): string {
  if (item.language !== undefined && item.language.length > 0) return item.language.toLowerCase();
  return detectLanguage(`${item.title}\n${item.summary}`, item.allowedLanguages) ?? 'und';
}

/** One topic's verdict on one item: the rules' score and evidence, and the model's part when it decided. */
export interface TopicJudgement extends TopicScore {
  /** The final verdict (the rules' own is `score >= threshold`). */
  assigned: boolean;
  decidedBy: 'rules' | 'model';
  /** The model's probability, and the probability at which it assigns the topic. */
  relevance?: number | undefined;
  modelThreshold?: number | undefined;
  /** The model's strongest features for and against (scoreItem: every topic; classifyItem: assigned topics). */
  features?: FeatureWeight[] | undefined;
}

/** The model's first step: is the item about any topic at all. */
export interface RelevanceJudgement {
  relevance: number;
  threshold: number;
  relevant: boolean;
  features?: FeatureWeight[] | undefined;
}

/** What the classifier decided about one item, before any explanation is built (the poll path needs no more). */
interface Decision {
  language: string;
  title: Tokens;
  summary: Tokens;
  scores: TopicScore[];
  /** Per rules topic: assigned. */
  assigned: boolean[];
  /** Per rules topic: the model's probability (NaN: the rules decided). */
  probability: Float64Array | undefined;
  relevance?: { p: number; threshold: number; relevant: boolean } | undefined;
  /** Present when the model decided: what strongestFeatures reads (built on first use). */
  text?: (() => FeatureText) | undefined;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function decide(rules: CompiledRules, item: ClassifyInput): Decision {
  const title = tokenize(item.title);
  const summary = tokenize(item.summary);
  const language = itemLanguage(item);
  const scores = scoreTokens(rules.engine, title, summary);
  const assigned = scores.map((score) => score.assigned);
  const model = rules.model;
  // The model judges the items some topic term touched (a weak one is enough); an item no term touches is about
  // none of the topics, and costs no more than the rules.
  const touched = scores.some((score) => score.hits.length > 0);
  if (model === undefined || !touched || !model.languages.has(language.slice(0, 2)))
    return { language, title, summary, scores, assigned, probability: undefined };
  let cached: FeatureText | undefined;
  const text = (): FeatureText => (cached ??= featureText(title, summary, language.slice(0, 2)));
  const verdict = modelLogits(model, title, summary, language.slice(0, 2), scores, text);
  let relevance: Decision['relevance'];
  if (!Number.isNaN(verdict.any)) {
    const gate = model.topics[model.anyIndex] as { threshold: number; rescue?: number | undefined };
    const rulesFound = assigned.some(Boolean);
    const threshold = rulesFound ? gate.threshold : Math.max(gate.threshold, gate.rescue ?? gate.threshold);
    const p = sigmoid(verdict.any);
    relevance = { p, threshold, relevant: p >= threshold };
  }
  const probability = new Float64Array(scores.length);
  let any = false;
  for (let r = 0; r < scores.length; r++) {
    const z = verdict.topics[r] as number;
    probability[r] = Number.isNaN(z) ? Number.NaN : sigmoid(z);
    if (Number.isNaN(z)) continue;
    const topic = model.topics[model.topicIndex[r] as number] as { logitThreshold: number };
    assigned[r] = (relevance?.relevant ?? true) && z >= topic.logitThreshold;
    any ||= assigned[r] as boolean;
  }
  // A relevant item that no topic scorer takes keeps the topics the rules assign.
  if (relevance?.relevant === true && !any)
    for (let r = 0; r < scores.length; r++)
      if (!Number.isNaN(probability[r] as number) && (scores[r] as TopicScore).assigned) assigned[r] = true;
  return { language, title, summary, scores, assigned, probability, relevance, text };
}

function judge(
  rules: CompiledRules,
  item: ClassifyInput,
): {
  language: string;
  relevance?: RelevanceJudgement | undefined;
  judgements: TopicJudgement[];
} {
  const d = decide(rules, item);
  const model = rules.model;
  const judgements = d.scores.map((score, r): TopicJudgement => {
    const p = d.probability?.[r];
    if (p === undefined || Number.isNaN(p) || model === undefined || d.text === undefined)
      return { ...score, assigned: d.assigned[r] as boolean, decidedBy: 'rules' };
    return {
      ...score,
      assigned: d.assigned[r] as boolean,
      decidedBy: 'model',
      relevance: round3(p),
      modelThreshold: (model.topics[model.topicIndex[r] as number] as { threshold: number }).threshold,
      features: strongestFeatures(model, d.text(), score, model.topicIndex[r] as number),
    };
  });
  const relevance =
    d.relevance === undefined || model === undefined || d.text === undefined
      ? undefined
      : {
          relevance: round3(d.relevance.p),
          threshold: d.relevance.threshold,
          relevant: d.relevance.relevant,
          features: strongestFeatures(model, d.text(), combinedScore(d.scores), model.anyIndex),
        };
  return { language: d.language, relevance, judgements };
}

/** The whole judgement of one item, for explain: language, the model's relevance step, every topic. */
export function judgeItem(
  rules: CompiledRules,
  item: ClassifyInput,
): { language: string; relevance?: RelevanceJudgement | undefined; judgements: TopicJudgement[] } {
  const { language, relevance, judgements } = judge(rules, item);
  return { language, relevance, judgements: judgements.sort(byVerdict) };
}

function byVerdict(a: TopicJudgement, b: TopicJudgement): number {
  return (b.relevance ?? 0) - (a.relevance ?? 0) || b.score - a.score;
}

/** Every topic's judgement (assigned or not) with its evidence, the most relevant first. */
export function scoreItem(rules: CompiledRules, item: ClassifyInput): TopicJudgement[] {
  return judge(rules, item).judgements.sort(byVerdict);
}

export function classifyItem(rules: CompiledRules, item: ClassifyInput): Classification {
  const d = decide(rules, item);
  const topics: TopicMatch[] = [];
  for (let r = 0; r < d.scores.length; r++) {
    if (!(d.assigned[r] as boolean)) continue;
    const score = d.scores[r] as TopicScore;
    const p = d.probability?.[r];
    const model = rules.model;
    if (p === undefined || Number.isNaN(p) || model === undefined || d.text === undefined)
      topics.push({ topic: score.topic, score: score.score, evidence: score.evidence });
    else
      topics.push({
        topic: score.topic,
        score: score.score,
        evidence: score.evidence,
        relevance: round3(p),
        features: strongestFeatures(model, d.text(), score, model.topicIndex[r] as number),
      });
  }
  topics.sort((a, b) => (b.relevance ?? 0) - (a.relevance ?? 0) || b.score - a.score);
  return { language: d.language, topics, countries: countriesInTokens([d.title, d.summary]) };
}
