// sib-200 (FLORES-200 sentences, ../shared/corpus/sib-200): 1,004 sentences translated into ten languages; equal
// index_id = same content. For each language paired with English, every sentence of both languages goes through one
// clusterer at the same instant (the hardest case for time evidence), and we count:
//   - wrong merges: pairs of different sentences put into one story (must stay near zero: precision first)
//   - translations found: the same sentence in both languages put into one story (recall; general-news sentences
//     without names or numbers cannot be matched across languages by design)
// A check passes per sentence: "no wrong merge" checks and "translation found" checks are reported as two suites.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { StoryClusterer } from '../../../src/dedupe/index.ts';
import { dedupeSchema } from '../../../src/config/schema.ts';
import type { SuiteResult, SuiteRunner } from '../suite.ts';

const LANGUAGES: Record<string, string> = {
  rus_Cyrl: 'ru',
  kaz_Cyrl: 'kk',
  kir_Cyrl: 'ky',
  uzn_Latn: 'uz',
  tgk_Cyrl: 'tg',
  tuk_Latn: 'tk',
  ukr_Cyrl: 'uk',
  azj_Latn: 'az',
  tur_Latn: 'tr',
};

export function readSentences(dir: string): Map<string, string> {
  const sentences = new Map<string, string>();
  for (const split of ['train', 'dev', 'test']) {
    const file = join(dir, `${split}.tsv`);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [id, , text] = line.split('\t');
      if (id && text) sentences.set(id, text.trim());
    }
  }
  return sentences;
}

export interface PairOutcome {
  language: string;
  sentences: number;
  wrongMergePairs: number;
  /** Sentences involved in at least one wrong merge. */
  wronglyMerged: number;
  translationsFound: number;
  examples: { case: string; reason: string }[];
}

export function measurePair(
  english: Map<string, string>,
  other: Map<string, string>,
  language: string,
): PairOutcome {
  const clusterer = new StoryClusterer(dedupeSchema.parse({}));
  const publishedAt = '2025-03-01T12:00:00.000Z';
  const story = new Map<string, string>();
  const ids = [...english.keys()].filter((id) => other.has(id));
  for (const id of ids) {
    story.set(
      `en:${id}`,
      clusterer.assign({
        id: `en:${id}`,
        sourceId: 'en',
        title: english.get(id) ?? '',
        text: '',
        language: 'en',
        publishedAt,
      }).storyId,
    );
  }
  for (const id of ids) {
    const key = `${language}:${id}`;
    story.set(
      key,
      clusterer.assign({
        id: key,
        sourceId: language,
        title: other.get(id) ?? '',
        text: '',
        language,
        publishedAt,
      }).storyId,
    );
  }
  const members = new Map<string, string[]>();
  for (const [key, storyId] of story) members.set(storyId, [...(members.get(storyId) ?? []), key]);
  let wrongMergePairs = 0;
  const wrong = new Set<string>();
  const examples: { case: string; reason: string }[] = [];
  for (const keys of members.values()) {
    for (let i = 0; i < keys.length; i += 1) {
      for (let j = i + 1; j < keys.length; j += 1) {
        const a = keys[i] as string;
        const b = keys[j] as string;
        if (a.split(':')[1] === b.split(':')[1]) continue;
        wrongMergePairs += 1;
        wrong.add(a.split(':')[1] as string);
        wrong.add(b.split(':')[1] as string);
        if (examples.length < 5) examples.push({ case: `${a} ~ ${b}`, reason: 'different sentences merged' });
      }
    }
  }
  const translationsFound = ids.filter(
    (id) => story.get(`en:${id}`) === story.get(`${language}:${id}`),
  ).length;
  return {
    language,
    sentences: ids.length,
    wrongMergePairs,
    wronglyMerged: wrong.size,
    translationsFound,
    examples,
  };
}

export const run: SuiteRunner = async (corpusDir) => {
  const base = join(corpusDir, 'sib-200', 'data', 'annotated');
  if (!existsSync(base)) return [];
  const english = readSentences(join(base, 'eng_Latn'));
  const results: SuiteResult[] = [];
  for (const [folder, language] of Object.entries(LANGUAGES)) {
    const other = readSentences(join(base, folder));
    const outcome = measurePair(english, other, language);
    results.push({
      name: `sib-200/dedupe/no-wrong-merge/en-${language}`,
      passed: outcome.sentences - outcome.wronglyMerged,
      failed: outcome.wronglyMerged,
      skipped: 0,
      failures: outcome.examples,
    });
    results.push({
      name: `sib-200/dedupe/translation-found/en-${language}`,
      passed: outcome.translationsFound,
      failed: outcome.sentences - outcome.translationsFound,
      skipped: 0,
    });
  }
  return results;
};

if (process.argv[1]?.endsWith('sib200-dedupe.ts')) {
  const corpus = process.env.TIPWIRE_CORPUS ?? join(import.meta.dirname, '../../../../shared/corpus');
  const base = join(corpus, 'sib-200', 'data', 'annotated');
  const english = readSentences(join(base, 'eng_Latn'));
  console.log('pair    sentences  wrong-merge-pairs  sentences-wrongly-merged  translations-found');
  for (const [folder, language] of Object.entries(LANGUAGES)) {
    const o = measurePair(english, readSentences(join(base, folder)), language);
    console.log(
      `en-${language}   ${String(o.sentences).padStart(6)}  ${String(o.wrongMergePairs).padStart(17)}  ${String(o.wronglyMerged).padStart(24)}  ${String(o.translationsFound).padStart(6)} (${((100 * o.translationsFound) / o.sentences).toFixed(1)}%)`,
    );
    for (const e of o.examples) console.log(`     ${e.case}`);
  }
}
