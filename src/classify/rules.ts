// The term syntax of config/topics.yaml, parsed into a small tree that the engine compiles.
//
//   expression  := alternative ( "|" alternative )*
//   alternative := "@set"  |  phrase ( "NEAR/" n phrase )*
//   phrase      := word+                       words in this order, next to each other
//   word        := letters                     any inflected form (stemmer of the rule's language)
//                | letters "*"                 any word starting with these letters (3+, or 2+ inside a phrase)
//                | "=" letters                 this exact word only
//
// `A NEAR/n B` holds when A and B occur, in either order, with at most n-1 other words between them (NEAR/1 means
// adjacent). A chain `A NEAR/3 B NEAR/5 C` grows the span left to right. `@name` stands for every term of the named
// set in `sets:` (each in its own language). Words are folded exactly like text (normalize.ts): case, ё, Turkic
// letters, apostrophes. A hyphenated word ("anti-trafficking") is a phrase of its parts, as in text.
import { foldWords } from '../text/index.ts';

export type WordMode = 'exact' | 'prefix' | 'stem';

export interface WordSpec {
  word: string;
  mode: WordMode;
  lang: string;
}

export interface AltAst {
  /** The alternative as written (evidence names it). */
  source: string;
  phrases: WordSpec[][];
  /** near[i] is the distance allowed between phrases[i] (and what came before) and phrases[i + 1]. */
  near: number[];
}

export type SetTable = Record<string, Record<string, string[]>>;

/** A mistake in one term; the compiler adds the topic, rule and file. */
export class TermSyntaxError extends Error {
  /** Set when the mistake is inside a term of this named set (reported once, at the set, not at every use). */
  readonly inSet: string | undefined;
  constructor(message: string, inSet?: string) {
    super(message);
    this.name = 'TermSyntaxError';
    this.inSet = inSet;
  }
}

/** One rule problem with the path of the offending value in topics.yaml, e.g. ['topics', 0, 'terms', 'en', 3]. */
export interface RuleProblem {
  path: (string | number)[];
  /** The whole story: topic or set, rule, term and what is wrong. */
  message: string;
  /** The term as written, and what is wrong with it (for callers that name the place themselves). */
  term: string;
  reason: string;
}

/** Every problem of a topics config at once, so an operator fixes the file in one pass. */
export class RuleErrors extends TermSyntaxError {
  readonly problems: RuleProblem[];
  constructor(problems: RuleProblem[]) {
    super(problems.map((problem) => problem.message).join('\n'));
    this.name = 'RuleErrors';
    this.problems = problems;
  }
}

const MAX_NEAR = 50;
/** Letters before a `*`: fewer would match half the language. Inside a phrase the other words narrow it. */
const MIN_PREFIX_ALONE = 3;
const MIN_PREFIX_IN_PHRASE = 2;

export function parseExpression(
  source: string,
  lang: string,
  sets: SetTable,
  expanding: string[] = [],
): AltAst[] {
  const alts: AltAst[] = [];
  for (const rawAlt of source.split('|')) {
    const alt = rawAlt.trim();
    if (alt.length === 0) throw new TermSyntaxError(`empty alternative around "|" in "${source}"`);
    if (alt.startsWith('@')) {
      alts.push(...expandSet(alt, sets, expanding));
      continue;
    }
    alts.push(parseAlternative(alt, lang));
  }
  return alts;
}

function expandSet(ref: string, sets: SetTable, expanding: string[]): AltAst[] {
  const name = ref.slice(1);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new TermSyntaxError(`"${ref}" is not a set name (write @name alone)`);
  const set = sets[name];
  if (set === undefined) throw new TermSyntaxError(`unknown set "@${name}" (define it under sets:)`);
  if (expanding.includes(name)) throw new TermSyntaxError(`set "@${name}" refers to itself`);
  const out: AltAst[] = [];
  for (const [setLang, terms] of Object.entries(set)) {
    for (const term of terms) {
      try {
        out.push(...parseExpression(term, setLang, sets, [...expanding, name]));
      } catch (err) {
        if (err instanceof TermSyntaxError && err.inSet === undefined)
          throw new TermSyntaxError(`in set "@${name}", term "${term}": ${err.message}`, name);
        throw err;
      }
    }
  }
  return out;
}

function parseAlternative(alt: string, lang: string): AltAst {
  const phrases: WordSpec[][] = [];
  const near: number[] = [];
  let phrase: WordSpec[] = [];
  for (const piece of alt.split(/\s+/)) {
    const op = /^NEAR\/(\d+)$/.exec(piece);
    if (op !== null) {
      const distance = Number(op[1]);
      if (distance < 1 || distance > MAX_NEAR) {
        throw new TermSyntaxError(`NEAR/${distance}: the distance must be 1 to ${MAX_NEAR}`);
      }
      if (phrase.length === 0) throw new TermSyntaxError(`"${piece}" needs a word on its left`);
      phrases.push(phrase);
      near.push(distance);
      phrase = [];
      continue;
    }
    if (/^near\b/i.test(piece) && piece.includes('/')) {
      throw new TermSyntaxError(`"${piece}": write the operator as NEAR/n in capitals, e.g. NEAR/3`);
    }
    if (piece === 'NEAR') throw new TermSyntaxError('NEAR needs a distance, e.g. NEAR/3');
    phrase.push(...parseWord(piece, lang));
  }
  if (phrase.length === 0) throw new TermSyntaxError(`"${alt}" ends with an operator`);
  phrases.push(phrase);
  const only = phrases.length === 1 && phrase.length === 1 ? phrase[0] : undefined;
  if (only !== undefined && only.mode === 'prefix' && only.word.length < MIN_PREFIX_ALONE) {
    throw new TermSyntaxError(
      `"${alt}": a wildcard alone needs at least ${MIN_PREFIX_ALONE} letters before the *`,
    );
  }
  return { source: alt, phrases, near };
}

function parseWord(piece: string, lang: string): WordSpec[] {
  // Hyphenated words are phrases in text, so "мигрант*-рабоч*" is the phrase "мигрант* рабоч*".
  const parts = piece.split('-').filter((part) => part.length > 0);
  if (parts.length > 1) return parts.flatMap((part) => parseWord(part, lang));
  const exact = piece.startsWith('=');
  const prefix = piece.endsWith('*');
  const core = piece.slice(exact ? 1 : 0, prefix ? -1 : undefined);
  if (core.includes('*')) throw new TermSyntaxError(`"${piece}": a * wildcard may only end a word`);
  if (core.includes('=')) throw new TermSyntaxError(`"${piece}": = may only start a word`);
  if (exact && prefix)
    throw new TermSyntaxError(`"${piece}": a word is either =exact or a prefix*, not both`);
  const words = foldWords(core);
  if (words.length === 0) throw new TermSyntaxError(`"${piece}" has no letters or digits`);
  const last = words[words.length - 1] ?? '';
  if (prefix && last.length < MIN_PREFIX_IN_PHRASE) {
    throw new TermSyntaxError(
      `"${piece}": a wildcard needs at least ${MIN_PREFIX_IN_PHRASE} letters before the *`,
    );
  }
  return words.map((word, i) => ({
    word,
    mode: exact ? 'exact' : prefix && i === words.length - 1 ? 'prefix' : 'stem',
    lang,
  }));
}
