// The compiled form of topic rules and the matcher that runs them. Pure: no I/O, no globals besides stem caches.
//
// Compile (once per topics config): every rule word becomes a WordForm (stem.ts) placed in one character trie under
// its key; every term becomes alternatives of phrases joined by NEAR; every rule remembers its topic, weight, context
// terms (unless / requires) and field.
// Match (per item), in this order:
//   1. tokenize title and summary (normalize.ts);
//   2. walk each text word down the trie once, collecting the rule words it is a form of, with positions;
//   3. only rules that use a word that was found are evaluated: phrases, then NEAR, then the context window
//      (a match with an `unless` term within `within` words is dropped; one without its `requires` term is dropped);
//   4. each rule adds its weight once per field where it matched (title × titleWeight, summary × 1);
//   5. a topic is assigned when its score reaches its threshold. Evidence lists every rule that added to a score.
import type { Evidence } from '../core/types.ts';
import { parseExpression, RuleErrors, TermSyntaxError, type RuleProblem } from './rules.ts';
import type { AltAst, SetTable } from './rules.ts';
import { stemFamily, tokenize, wordForm } from '../text/index.ts';
import type { Tokens, WordForm } from '../text/index.ts';

interface TrieNode {
  next: Map<number, TrieNode>;
  words: number[];
}

interface CompiledAlt {
  source: string;
  /** Same key = same words and operators: counted once per topic and field, whichever list it came from. */
  key: string;
  phrases: number[][];
  near: number[];
  /** Every word id the alternative needs. */
  needs: number[];
}

interface CompiledExpr {
  alts: CompiledAlt[];
  /** Every word any alternative needs: a text with none of them is skipped without looking at alternatives. */
  words: Set<number>;
}

export type FieldName = 'title' | 'summary';

export interface CompiledRule {
  topic: number;
  /** Per alternative: one id per (topic, words and operators, sign), so a term listed twice counts once. */
  dedupe: number[];
  /** The term as the operator wrote it (evidence shows it). */
  label: string;
  lang: string;
  weight: number;
  expr: CompiledExpr;
  unless: CompiledExpr[];
  requires: CompiledExpr[];
  within: number | 'item';
  field: 'any' | FieldName;
}

export interface EngineTopic {
  id: string;
  threshold: number;
}

export interface RuleInput {
  match: string;
  weight: number;
  unless: string[];
  requires: string[];
  within?: number | 'item' | undefined;
  field: 'any' | FieldName;
}

export interface EngineInput {
  titleWeight: number;
  window: number;
  sets: SetTable;
  topics: { id: string; threshold: number; terms: Record<string, RuleInput[]> }[];
}

export class Engine {
  readonly topics: EngineTopic[];
  readonly titleWeight: number;
  readonly rules: CompiledRule[] = [];
  private readonly forms: WordForm[] = [];
  private readonly formIds = new Map<string, number>();
  private readonly root: TrieNode = { next: new Map(), words: [] };
  /** word id → rules whose match term uses it. */
  private readonly rulesByWord: number[][] = [];
  private readonly ruleStamp: Uint32Array;
  private readonly dedupeIds = new Map<string, number>();
  /** Per dedupe id and field: the call stamp that last counted it. */
  private dedupeStamp = new Uint32Array(0);
  private dedupeCall = 0;
  private stamp = 0;

  /**
   * Throws RuleErrors listing every broken term (not only the first), each with the path of its value in the topics
   * file and a message naming the topic, the rule and the term. A broken term of a named set is reported once, at the
   * set, not again at every rule that uses the set.
   */
  constructor(input: EngineInput) {
    this.titleWeight = input.titleWeight;
    this.topics = input.topics.map((topic) => ({ id: topic.id, threshold: topic.threshold }));
    const problems: RuleProblem[] = [];
    const brokenSets = new Set<string>();
    for (const [name, perLang] of Object.entries(input.sets)) {
      for (const [lang, terms] of Object.entries(perLang)) {
        terms.forEach((term, index) => {
          try {
            parseExpression(term, lang, input.sets, [name]);
          } catch (err) {
            if (!(err instanceof TermSyntaxError)) throw err;
            if (err.inSet !== undefined && err.inSet !== name) return; // reported at that set
            brokenSets.add(name);
            problems.push({
              path: ['sets', name, lang, index],
              message: `set "@${name}", ${lang}[${index}], term "${term}": ${err.message}`,
              term,
              reason: err.message,
            });
          }
        });
      }
    }
    input.topics.forEach((topic, topicIndex) => {
      for (const [lang, list] of Object.entries(topic.terms)) {
        list.forEach((rule, ruleIndex) => {
          const where = `topic "${topic.id}", terms.${lang}[${ruleIndex}]`;
          let broken = false;
          const compileTerm = (term: string, at: (string | number)[]): CompiledExpr | undefined => {
            try {
              return this.compileExpr(parseExpression(term, lang, input.sets));
            } catch (err) {
              if (!(err instanceof TermSyntaxError)) throw err;
              broken = true;
              if (err.inSet === undefined || !brokenSets.has(err.inSet))
                problems.push({
                  path: ['topics', topicIndex, 'terms', lang, ruleIndex, ...at],
                  message: `${where}, term "${term}": ${err.message}`,
                  term,
                  reason: err.message,
                });
              return undefined;
            }
          };
          const expr = compileTerm(rule.match, ['match']);
          const unless = rule.unless.map((term, i) => compileTerm(term, ['unless', i]));
          const requires = rule.requires.map((term, i) => compileTerm(term, ['requires', i]));
          if (broken || !expr) return;
          const compiled: CompiledRule = {
            topic: topicIndex,
            dedupe: expr.alts.map((alt) =>
              this.dedupeId(`${topicIndex}\u0000${rule.weight > 0}\u0000${alt.key}`),
            ),
            label: rule.match,
            lang,
            weight: rule.weight,
            expr,
            unless: unless.filter((e): e is CompiledExpr => e !== undefined),
            requires: requires.filter((e): e is CompiledExpr => e !== undefined),
            within: rule.within ?? input.window,
            field: rule.field,
          };
          const index = this.rules.length;
          this.rules.push(compiled);
          const used = new Set<number>();
          for (const alt of compiled.expr.alts) for (const id of alt.needs) used.add(id);
          for (const id of used) (this.rulesByWord[id] ??= []).push(index);
        });
      }
    });
    if (problems.length > 0) throw new RuleErrors(problems);
    this.ruleStamp = new Uint32Array(this.rules.length);
    this.dedupeStamp = new Uint32Array(this.dedupeIds.size * 2);
  }

  private dedupeId(key: string): number {
    let id = this.dedupeIds.get(key);
    if (id === undefined) {
      id = this.dedupeIds.size;
      this.dedupeIds.set(key, id);
    }
    return id;
  }

  /** Starts a scoring call: every dedupe slot becomes uncounted. */
  beginCall(): void {
    this.dedupeCall = (this.dedupeCall + 1) >>> 0;
    if (this.dedupeCall === 0) {
      this.dedupeStamp.fill(0);
      this.dedupeCall = 1;
    }
  }

  /** True the first time a (dedupe id, field) is counted in this call. */
  firstCount(dedupe: number, field: number): boolean {
    const slot = dedupe * 2 + field;
    if (this.dedupeStamp[slot] === this.dedupeCall) return false;
    this.dedupeStamp[slot] = this.dedupeCall;
    return true;
  }

  private compileExpr(alts: AltAst[]): CompiledExpr {
    const compiled = {
      alts: alts.map((alt) => {
        const phrases = alt.phrases.map((phrase) =>
          phrase.map((spec) => this.wordId(spec.word, spec.mode, spec.lang)),
        );
        return {
          source: alt.source,
          key: JSON.stringify([phrases, alt.near]),
          phrases,
          near: alt.near,
          // Longest words first: they are the rarest, so a missing one ends the check soonest.
          needs: [...new Set(phrases.flat())].sort((a, b) => this.keyLength(b) - this.keyLength(a)),
        };
      }),
    };
    return { ...compiled, words: new Set(compiled.alts.flatMap((alt) => alt.needs)) };
  }

  private keyLength(id: number): number {
    return this.forms[id]?.key.length ?? 0;
  }

  private wordId(word: string, mode: 'exact' | 'prefix' | 'stem', lang: string): number {
    const family = mode === 'stem' ? stemFamily(lang) : 'none';
    const key = `${mode}\u0000${family}\u0000${word}`;
    const existing = this.formIds.get(key);
    if (existing !== undefined) return existing;
    const id = this.forms.length;
    const form = wordForm(word, mode, lang);
    this.forms.push(form);
    this.formIds.set(key, id);
    let node = this.root;
    for (let i = 0; i < form.key.length; i++) {
      const code = form.key.charCodeAt(i);
      let child = node.next.get(code);
      if (child === undefined) {
        child = { next: new Map(), words: [] };
        node.next.set(code, child);
      }
      node = child;
    }
    node.words.push(id);
    return id;
  }

  /** Word id → positions in this text, for every rule word found. */
  findWords(tokens: Tokens): Map<number, number[]> {
    const hits = new Map<number, number[]>();
    const words = tokens.words;
    for (let pos = 0; pos < words.length; pos++) {
      const word = words[pos] as string;
      let node: TrieNode | undefined = this.root;
      for (let i = 0; i < word.length; i++) {
        node = node.next.get(word.charCodeAt(i));
        if (node === undefined) break;
        const found = node.words;
        for (let k = 0; k < found.length; k++) {
          const id = found[k] as number;
          if ((this.forms[id] as WordForm).accepts(word)) {
            const list = hits.get(id);
            if (list === undefined) hits.set(id, [pos]);
            else if (list[list.length - 1] !== pos) list.push(pos);
          }
        }
      }
    }
    return hits;
  }

  /** Rules worth evaluating: those whose match term uses a word that was found. */
  candidateRules(...hitMaps: Map<number, number[]>[]): number[] {
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.ruleStamp.fill(0);
      this.stamp = 1;
    }
    const out: number[] = [];
    for (const hits of hitMaps) {
      for (const id of hits.keys()) {
        const rules = this.rulesByWord[id];
        if (rules === undefined) continue;
        for (const rule of rules) {
          if (this.ruleStamp[rule] !== this.stamp) {
            this.ruleStamp[rule] = this.stamp;
            out.push(rule);
          }
        }
      }
    }
    return out.sort((a, b) => a - b);
  }
}

/** A span of word positions, inclusive, and the alternative that matched there. */
type Span = [number, number, number];

function phraseSpans(phrase: number[], hits: Map<number, number[]>): Span[] {
  const first = hits.get(phrase[0] as number);
  if (first === undefined) return [];
  const spans: Span[] = [];
  for (const start of first) {
    let ok = true;
    for (let k = 1; k < phrase.length; k++) {
      const positions = hits.get(phrase[k] as number);
      if (positions === undefined || !positions.includes(start + k)) {
        ok = false;
        break;
      }
    }
    if (ok) spans.push([start, start + phrase.length - 1, 0]);
  }
  return spans;
}

function altSpans(alt: CompiledAlt, hits: Map<number, number[]>, altIndex: number): Span[] {
  for (const id of alt.needs) if (!hits.has(id)) return NO_SPANS;
  let spans = phraseSpans(alt.phrases[0] as number[], hits);
  for (let i = 1; i < alt.phrases.length && spans.length > 0; i++) {
    const next = phraseSpans(alt.phrases[i] as number[], hits);
    const distance = alt.near[i - 1] as number;
    const joined: Span[] = [];
    for (const a of spans) {
      for (const b of next) {
        const gap = b[0] > a[1] ? b[0] - a[1] : a[0] > b[1] ? a[0] - b[1] : -1;
        if (gap >= 1 && gap <= distance) joined.push([Math.min(a[0], b[0]), Math.max(a[1], b[1]), altIndex]);
      }
    }
    spans = joined;
  }
  if (altIndex !== 0) for (const span of spans) span[2] = altIndex;
  return spans;
}

const NO_SPANS: Span[] = [];

/** True when the text has at least one word the expression uses (cheap: texts have few rule words). */
function mayMatch(expr: CompiledExpr, hits: Map<number, number[]>): boolean {
  if (hits.size === 0) return false;
  if (hits.size < expr.words.size) {
    for (const id of hits.keys()) if (expr.words.has(id)) return true;
    return false;
  }
  for (const id of expr.words) if (hits.has(id)) return true;
  return false;
}

export function exprSpans(expr: CompiledExpr, hits: Map<number, number[]>): Span[] {
  if (!mayMatch(expr, hits)) return NO_SPANS;
  if (expr.alts.length === 1) return altSpans(expr.alts[0] as CompiledAlt, hits, 0);
  let out: Span[] | undefined;
  for (let i = 0; i < expr.alts.length; i++) {
    const spans = altSpans(expr.alts[i] as CompiledAlt, hits, i);
    if (spans.length > 0) (out ??= []).push(...spans);
  }
  return out === undefined ? NO_SPANS : out.sort((a, b) => a[0] - b[0]);
}

function anyWithin(exprs: CompiledExpr[], hits: Map<number, number[]>, from: number, to: number): boolean {
  for (const expr of exprs) {
    if (!mayMatch(expr, hits)) continue;
    for (let i = 0; i < expr.alts.length; i++) {
      for (const span of altSpans(expr.alts[i] as CompiledAlt, hits, i))
        if (span[1] >= from && span[0] <= to) return true;
    }
  }
  return false;
}

function anyAnywhere(exprs: CompiledExpr[], fields: FieldScan[]): boolean {
  for (const field of fields) {
    for (const expr of exprs) {
      if (!mayMatch(expr, field.hits)) continue;
      for (let i = 0; i < expr.alts.length; i++)
        if (altSpans(expr.alts[i] as CompiledAlt, field.hits, i).length > 0) return true;
    }
  }
  return false;
}

interface FieldScan {
  name: FieldName;
  tokens: Tokens;
  hits: Map<number, number[]>;
}

/** Where a rule matched: field (0 title, 1 summary), first and last word index, signed weight (before title boost). */
export interface RuleHit {
  field: 0 | 1;
  start: number;
  end: number;
  weight: number;
}

export interface TopicScore {
  topic: string;
  score: number;
  threshold: number;
  assigned: boolean;
  evidence: Evidence[];
  /** The evidence's word positions, in the same order (the relevance model reads where terms stand). */
  hits: RuleHit[];
}

/** Scores every topic on one text; evidence lists each rule that added to (or took from) a score. */
export function scoreText(engine: Engine, title: string, summary: string): TopicScore[] {
  return scoreTokens(engine, tokenize(title), tokenize(summary));
}

/** scoreText on texts already tokenized (classifyItem shares the tokens with country extraction). */
export function scoreTokens(engine: Engine, title: Tokens, summary: Tokens): TopicScore[] {
  const fields: FieldScan[] = [
    { name: 'title', tokens: title, hits: engine.findWords(title) },
    { name: 'summary', tokens: summary, hits: engine.findWords(summary) },
  ];
  const scores = engine.topics.map(() => ({ score: 0, evidence: [] as Evidence[], hits: [] as RuleHit[] }));
  const candidates = engine.candidateRules(fields[0]!.hits, fields[1]!.hits);
  engine.beginCall();
  for (const index of candidates) {
    const rule = engine.rules[index] as CompiledRule;
    let blockedEverywhere: boolean | undefined;
    let requiredSomewhere: boolean | undefined;
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f] as FieldScan;
      if (rule.field !== 'any' && rule.field !== field.name) continue;
      const spans = exprSpans(rule.expr, field.hits);
      if (spans.length === 0) continue;
      let chosen: Span | undefined;
      if (rule.within === 'item') {
        blockedEverywhere ??= rule.unless.length > 0 && anyAnywhere(rule.unless, fields);
        requiredSomewhere ??= rule.requires.length === 0 || anyAnywhere(rule.requires, fields);
        if (!blockedEverywhere && requiredSomewhere) chosen = spans[0];
      } else {
        chosen = firstInContext(rule, field.hits, spans);
      }
      if (chosen === undefined) continue;
      // The same term listed under several languages (Latin "migrant*" in en, uz, tk) counts once per field.
      if (!engine.firstCount(rule.dedupe[chosen[2]] ?? 0, f)) continue;
      const weight = field.name === 'title' ? rule.weight * engine.titleWeight : rule.weight;
      const target = scores[rule.topic]!;
      target.score += weight;
      const { text, starts, ends } = field.tokens;
      target.evidence.push({
        term: rule.expr.alts[chosen[2]]?.source ?? rule.label,
        field: field.name,
        match: text.slice(starts[chosen[0]], ends[chosen[1]]),
        weight,
      });
      target.hits.push({ field: f as 0 | 1, start: chosen[0], end: chosen[1], weight: rule.weight });
    }
  }
  return engine.topics.map((topic, i) => {
    const { score, evidence, hits } = scores[i]!;
    const rounded = Math.round(score * 100) / 100;
    return {
      topic: topic.id,
      score: rounded,
      threshold: topic.threshold,
      assigned: rounded >= topic.threshold,
      evidence,
      hits,
    };
  });
}

/** The first match whose window has none of the rule's `unless` terms and one of its `requires` terms. */
function firstInContext(rule: CompiledRule, hits: Map<number, number[]>, spans: Span[]): Span | undefined {
  const w = rule.within as number;
  for (const span of spans) {
    if (rule.unless.length > 0 && anyWithin(rule.unless, hits, span[0] - w, span[1] + w)) continue;
    if (rule.requires.length > 0 && !anyWithin(rule.requires, hits, span[0] - w, span[1] + w)) continue;
    return span;
  }
  return undefined;
}
