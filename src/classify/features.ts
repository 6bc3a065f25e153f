// What the relevance model sees of an item: named features with values, computed from the folded words and from
// where the topic rules matched. Names are readable on purpose ("w:refuge", "m:refugee camp", "r:late"): `explain`
// shows the strongest ones for and against a topic. Pure.
//
// Two groups, both fed to every topic's score (model.ts adds the shared weight of a name and its topic's own weight):
//   item features (the same for every topic)
//     w:STEM          a word of title or summary (stemmed, stop words left out), each time it occurs
//     t:STEM          a word of the title
//     b:STEM STEM     two neighbouring words of one field
//     (only the first 80 words of each field are read)
//   topic features (about one topic's rule matches)
//     r:assigned      the rules assign the topic;   r:score  score / threshold (at most 3)
//     r:title         a positive term in the headline
//     r:lead          a positive term in the lead (first sentence of the summary)
//     r:late          positive terms only after the lead: a passing clause
//     r:hits          number of positive matches (at most 4) / 4;   r:density  matched words per 10 words (at most 1)
//     r:neg           a negative rule matched
//     m:TERM          this rule term matched (positive terms only): how much a term can be trusted is learned
//     x:STEM          a word within CONTEXT words of a positive match: what surrounds the term
import { STOPWORDS, comparisonStem } from '../text/index.ts';
import type { Tokens } from '../text/index.ts';
import type { TopicScore } from './engine.ts';

/** Words on each side of a rule match read as its context. */
export const CONTEXT = 3;
/** Words read per field (feeds put the subject first; nine summaries in ten are shorter; a long one must not slow a
 * poll). */
export const MAX_WORDS = 40;

export type FeatureKind = 'w' | 't' | 'b' | 'r' | 'm' | 'x';

/**
 * Receives one feature: its kind, its key (and for a word pair the second word) and its value. The readable name is
 * featureName(kind, key, key2); the fast path looks features up without building it.
 */
export type Emit = (kind: FeatureKind, key: string, value: number, key2?: string) => void;

export function featureName(kind: FeatureKind, key: string, key2?: string): string {
  return key2 === undefined ? `${kind}:${key}` : `${kind}:${key} ${key2}`;
}

/** The tokens an item's features are computed from, with their stems computed once. */
export interface FeatureText {
  title: Tokens;
  summary: Tokens;
  language: string;
  titleStems: (string | undefined)[];
  summaryStems: (string | undefined)[];
  /** Index of the first summary word after the lead sentence (summary length when it has one sentence). */
  leadEnd: number;
}

/** Per language, word → feature stem ('' for a stop word): one lookup per word once a word has been seen. */
const stemCache = new Map<string, Map<string, string>>();

/** The feature stem of a folded word: undefined for a stop word, '#' for a number, else its comparison stem. */
export function featureStem(word: string, language: string): string | undefined {
  if (word.length < 2 || STOPWORDS.has(word)) return undefined;
  if (word.charCodeAt(0) <= 0x39) return '#';
  return comparisonStem(word, language);
}

function stemsOf(tokens: Tokens, language: string, max: number): (string | undefined)[] {
  const n = Math.min(tokens.words.length, max);
  const out: (string | undefined)[] = new Array<string | undefined>(n);
  let cache = stemCache.get(language);
  if (cache === undefined) {
    cache = new Map();
    stemCache.set(language, cache);
  }
  if (cache.size > 200_000) cache.clear();
  for (let i = 0; i < n; i++) {
    const word = tokens.words[i] as string;
    let stem = cache.get(word);
    if (stem === undefined) {
      stem = featureStem(word, language) ?? '';
      cache.set(word, stem);
    }
    out[i] = stem === '' ? undefined : stem;
  }
  return out;
}

/** A sentence ends where . ! or ? (and any closing quote or bracket) is followed by a space. */
const SENTENCE_END = /[.!?][»"'”’)\]]*\s/;

function leadEndOf(tokens: Tokens, max: number): number {
  const n = Math.min(tokens.words.length, max);
  // A lead shorter than four words is an abbreviation's full stop ("U.S. troops"), not a sentence.
  for (let i = 4; i < n; i++) {
    const gap = tokens.text.slice(tokens.ends[i - 1], tokens.starts[i]);
    if (gap.length > 1 && SENTENCE_END.test(gap)) return i;
  }
  return n;
}

export function featureText(title: Tokens, summary: Tokens, language: string): FeatureText {
  return {
    title,
    summary,
    language,
    titleStems: stemsOf(title, language, MAX_WORDS),
    summaryStems: stemsOf(summary, language, MAX_WORDS),
    leadEnd: leadEndOf(summary, MAX_WORDS),
  };
}

/**
 * Item features: words, headline words, word pairs, each occurrence emitted, all with the value 1/√n (n features), so
 * a long text does not outweigh the rule features and a text of unknown words leaves only the prior.
 */
export function itemFeatures(text: FeatureText, emit: Emit): void {
  let n = 0;
  for (const stems of [text.titleStems, text.summaryStems]) {
    let previous: string | undefined;
    for (const stem of stems) {
      if (stem === undefined) {
        previous = undefined;
        continue;
      }
      if (stem !== '#') n++;
      if (previous !== undefined) n++;
      previous = stem;
    }
  }
  for (const stem of text.titleStems) if (stem !== undefined && stem !== '#') n++;
  const value = 1 / Math.sqrt(Math.max(1, n));
  for (const stems of [text.titleStems, text.summaryStems]) {
    let previous: string | undefined;
    for (const stem of stems) {
      if (stem === undefined) {
        previous = undefined;
        continue;
      }
      if (stem !== '#') emit('w', stem, value);
      if (previous !== undefined) emit('b', previous, value, stem);
      previous = stem;
    }
  }
  for (const stem of text.titleStems) if (stem !== undefined && stem !== '#') emit('t', stem, value);
}

/** Topic features: where and how the topic's rules matched. Nothing is emitted for a topic no rule touched. */
export function topicFeatures(text: FeatureText, score: TopicScore, emit: Emit): void {
  if (score.hits.length === 0) return;
  let positive = 0;
  let negative = false;
  let inTitle = false;
  let inLead = false;
  let late = false;
  let matchedWords = 0;
  const terms = new Set<string>();
  const context = new Set<string>();
  score.hits.forEach((hit, i) => {
    if (hit.weight < 0) {
      negative = true;
      return;
    }
    positive++;
    matchedWords += hit.end - hit.start + 1;
    terms.add(score.evidence[i]?.term ?? '');
    if (hit.field === 0) inTitle = true;
    else if (hit.start < text.leadEnd) inLead = true;
    else late = true;
    const stems = hit.field === 0 ? text.titleStems : text.summaryStems;
    const from = Math.max(0, hit.start - CONTEXT);
    const to = Math.min(stems.length - 1, hit.end + CONTEXT);
    for (let k = from; k <= to; k++) {
      if (k >= hit.start && k <= hit.end) continue;
      const stem = stems[k];
      if (stem !== undefined && stem !== '#') context.add(stem);
    }
  });
  if (score.assigned) emit('r', 'assigned', 1);
  emit('r', 'score', Math.min(3, Math.max(-3, score.score / score.threshold)));
  if (negative) emit('r', 'neg', 1);
  if (positive === 0) return;
  if (inTitle) emit('r', 'title', 1);
  if (inLead) emit('r', 'lead', 1);
  if (late && !inTitle && !inLead) emit('r', 'late', 1);
  emit('r', 'hits', Math.min(4, positive) / 4);
  const words = text.titleStems.length + text.summaryStems.length;
  emit('r', 'density', Math.min(1, (10 * matchedWords) / Math.max(1, words)));
  for (const term of terms) emit('m', term, 1);
  for (const stem of context) emit('x', stem, 1);
}
