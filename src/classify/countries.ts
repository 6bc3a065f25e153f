// Countries a text mentions, by name or demonym (the table is text/countries.ts). Answers ISO 3166-1 alpha-2 codes in
// lower case, in the table's order. Terms are matched with the same engine as topic rules, compiled once on first use.
import { Engine, exprSpans } from './engine.ts';
import type { RuleInput } from './engine.ts';
import { COUNTRY_TERMS, tokenize } from '../text/index.ts';
import type { Tokens } from '../text/index.ts';

const ORDER = Object.keys(COUNTRY_TERMS);
let engine: Engine | undefined;

function countryEngine(): Engine {
  engine ??= new Engine({
    titleWeight: 1,
    window: 1,
    sets: {},
    topics: ORDER.map((code) => ({
      id: code,
      threshold: 1,
      terms: {
        xx: (COUNTRY_TERMS[code] ?? []).map((match): RuleInput => ({
          match,
          weight: 1,
          unless: [],
          requires: [],
          field: 'any',
        })),
      },
    })),
  });
  return engine;
}

export function extractCountries(text: string): string[] {
  return countriesInTokens([tokenize(text)]);
}

/** extractCountries on texts already tokenized (classifyItem shares tokens with topic scoring). */
export function countriesInTokens(texts: Tokens[]): string[] {
  const compiled = countryEngine();
  const found = new Set<number>();
  for (const tokens of texts) {
    const hits = compiled.findWords(tokens);
    if (hits.size === 0) continue;
    for (const index of compiled.candidateRules(hits)) {
      const rule = compiled.rules[index];
      if (rule !== undefined && !found.has(rule.topic) && exprSpans(rule.expr, hits).length > 0)
        found.add(rule.topic);
    }
  }
  return [...found].sort((a, b) => a - b).map((i) => ORDER[i] as string);
}
