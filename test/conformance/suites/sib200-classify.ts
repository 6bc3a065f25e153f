// sib-200 (FLORES-200 general-news sentences, ../shared/corpus/sib-200) against the topic filter and language ID:
//   sib200/classify-fp/<lang>  every sentence is a check that passes when no topic is assigned (almost none of these
//                              sentences is about trafficking or migration; each match is listed with its evidence
//                              so it can be explained or fixed — a few travel sentences about immigration checks are
//                              borderline by design);
//   sib200/langid/<lang>       a check per sentence: detectLanguage gives the sentence's language (for Ukrainian,
//                              Azerbaijani and Turkish, which tipwire does not ship rules for: undefined).
// The classifier is the shipped one: config/topics.yaml and, when present, config/model.json (the relevance model
// decides for the languages it was trained on); no language is given to the classifier (detection runs, as for
// feeds that declare none).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { classifyItem, compileRules, detectLanguage } from '../../../src/classify/index.ts';
import { loadModelFile, loadTopicsFile } from '../../../src/config/load.ts';
import { readSentences } from './sib200-dedupe.ts';
import type { SuiteResult, SuiteRunner } from '../suite.ts';

const LANGUAGES: Record<string, string | undefined> = {
  eng_Latn: 'en',
  rus_Cyrl: 'ru',
  kaz_Cyrl: 'kk',
  kir_Cyrl: 'ky',
  uzn_Latn: 'uz',
  tgk_Cyrl: 'tg',
  tuk_Latn: 'tk',
  ukr_Cyrl: undefined,
  azj_Latn: undefined,
  tur_Latn: undefined,
};

const TOPICS_FILE = join(import.meta.dirname, '../../../config/topics.yaml');
const MODEL_FILE = join(import.meta.dirname, '../../../config/model.json');

export const run: SuiteRunner = async (corpusDir) => {
  const base = join(corpusDir, 'sib-200/data/annotated');
  if (!existsSync(base)) return [];
  const rules = compileRules(
    loadTopicsFile(TOPICS_FILE),
    existsSync(MODEL_FILE) ? loadModelFile(MODEL_FILE) : undefined,
  );
  const results: SuiteResult[] = [];
  for (const [dir, lang] of Object.entries(LANGUAGES)) {
    const sentences = readSentences(join(base, dir));
    const label = lang ?? dir.slice(0, 3);
    const fp: SuiteResult = {
      name: `sib200/classify-fp/${label}`,
      passed: 0,
      failed: 0,
      skipped: 0,
      failures: [],
    };
    const id: SuiteResult = {
      name: `sib200/langid/${label}`,
      passed: 0,
      failed: 0,
      skipped: 0,
      failures: [],
    };
    for (const [index, text] of sentences) {
      const result = classifyItem(rules, { title: '', summary: text });
      if (result.topics.length === 0) fp.passed++;
      else {
        fp.failed++;
        const evidence = result.topics
          .map(
            (t) =>
              `${t.topic} ${t.score}: ${t.evidence.map((e) => `"${e.match}" [${e.term}] ${e.weight}`).join(', ')}`,
          )
          .join('; ');
        fp.failures!.push({ case: `${dir}#${index}`, reason: `${evidence} — ${text.slice(0, 160)}` });
      }
      const detected = detectLanguage(text);
      if (detected === lang) id.passed++;
      else {
        id.failed++;
        if (id.failures!.length < 5)
          id.failures!.push({
            case: `${dir}#${index}`,
            reason: `detected ${detected ?? 'undefined'}: ${text.slice(0, 100)}`,
          });
      }
    }
    results.push(fp, id);
  }
  return results;
};
