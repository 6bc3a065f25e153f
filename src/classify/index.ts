// The classify stage: topic rules (config/topics.yaml) compiled once, then applied to items. Pure: data in, data out.
//   compileRules(config)   → CompiledRules (throws CLASSIFY_RULE_INVALID naming topic, rule and term)
//   classifyItem(rules, x) → Classification: language (given, else detected), assigned topics with score and
//                            evidence, countries mentioned
//   scoreItem(rules, x)    → every topic's score, threshold and evidence, assigned or not (for explain and eval)
// The rule language is documented in rules.ts and README ("Topic rules").
import { stableId } from '../core/hash.ts';
import { TipwireError } from '../core/errors.ts';
import type { Classification, TopicInfo, TopicMatch } from '../core/types.ts';
import { Engine, scoreTokens } from './engine.ts';
import { tokenize } from '../text/index.ts';
import type { RuleInput, TopicScore } from './engine.ts';
import { TermSyntaxError } from './rules.ts';
import { detectLanguage } from '../text/index.ts';
import { countriesInTokens } from './countries.ts';

export { detectLanguage, LANGUAGES } from '../text/index.ts';
export { extractCountries } from './countries.ts';
export { tokenize } from '../text/index.ts';
export type { TopicScore } from './engine.ts';

export interface CompiledRules {
  /** Hash of the topics config: items classified under another version are re-classified. */
  version: string;
  topics: TopicInfo[];
  engine: Engine;
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

export function compileRules(config: TopicsInput): CompiledRules {
  let engine: Engine;
  try {
    engine = new Engine({
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
    if (err instanceof TermSyntaxError) {
      throw new TipwireError('CLASSIFY_RULE_INVALID', `topics.yaml: ${err.message}`, { cause: err });
    }
    throw err;
  }
  return {
    version: stableId(JSON.stringify(config)),
    topics: config.topics.map((topic) => ({
      id: topic.id,
      names: topic.names,
      ...(topic.description === undefined ? {} : { description: topic.description }),
    })),
    engine,
  };
}

/** The language an item is treated as: given, else detected, else "und". */
export function itemLanguage(item: ClassifyInput): string {
  if (item.language !== undefined && item.language.length > 0) return item.language.toLowerCase();
  return detectLanguage(`${item.title}\n${item.summary}`, item.allowedLanguages) ?? 'und';
}

/** Every topic with its score, threshold and evidence (assigned or not), highest score first. */
export function scoreItem(rules: CompiledRules, item: ClassifyInput): TopicScore[] {
  return scoreTokens(rules.engine, tokenize(item.title), tokenize(item.summary)).sort(
    (a, b) => b.score - a.score,
  );
}

export function classifyItem(rules: CompiledRules, item: ClassifyInput): Classification {
  const title = tokenize(item.title);
  const summary = tokenize(item.summary);
  const topics: TopicMatch[] = scoreTokens(rules.engine, title, summary)
    .filter((score) => score.assigned)
    .sort((a, b) => b.score - a.score)
    .map((score) => ({ topic: score.topic, score: score.score, evidence: score.evidence }));
  return {
    language: itemLanguage(item),
    topics,
    countries: countriesInTokens([title, summary]),
  };
}
