// Classifier throughput on a realistic mix: the labelled items of test/fixtures/classify (seven languages, a third
// hard negatives, titles plus 1-2 sentence summaries), cycled. Prints items/s for
//   baseline   a naive matcher: lower-cased title+summary, `includes` of every rule term's first word (no stems,
//              no NEAR, no context) — the cheapest thing that could be called a filter;
//   classify   classifyItem (tokenize, trie, rules, language given, countries);
//   +detect    classifyItem with language detection (no language given, as for feeds that declare none);
//   +model     classifyItem with the shipped relevance model (config/model.json): the model decides for English;
//              the written items in other languages go through the rules alone, as in production;
//   real news  the same on labelled real news when ../shared/corpus is present (English and Polish feed items,
//              longer summaries; every item goes through the model);
// and each one's ratio to the baseline measured in the same run. Goal: classify >= 20,000 items/s on one core.
// Time is this process's CPU time, so other work on a shared machine does not count against it.
import { existsSync, readFileSync } from 'node:fs';
import { compileRules, classifyItem } from '../src/classify/index.ts';
import { loadModelFile, loadTopicsFile } from '../src/config/load.ts';
import { haveCorpus, loadRealNews } from '../test/helpers/real-news.ts';
import { parseLabelled } from '../src/classify/eval.ts';
import type { TopicsConfig } from '../src/config/topics-schema.ts';

const config = loadTopicsFile('config/topics.yaml');
const rules = compileRules(config);
const model = existsSync('config/model.json') ? loadModelFile('config/model.json') : undefined;
const withModel = compileRules(config, model);
const real = haveCorpus()
  ? loadRealNews().map((item) => ({ title: item.title, summary: item.summary, lang: item.lang ?? 'en' }))
  : [];
const items = [
  ...parseLabelled(readFileSync('test/fixtures/classify/eval.jsonl', 'utf8')),
  ...parseLabelled(readFileSync('test/fixtures/classify/heldout.jsonl', 'utf8')),
];

function naiveTerms(topics: TopicsConfig): string[] {
  const out = new Set<string>();
  for (const topic of topics.topics) {
    for (const list of Object.values(topic.terms)) {
      for (const rule of list) {
        const match = typeof rule === 'string' ? rule : rule.match;
        for (const alt of match.split('|')) {
          const word = alt.trim().split(/\s+/)[0]?.replace(/[*=]/g, '').toLowerCase();
          if (word !== undefined && word.length > 2 && !word.startsWith('@')) out.add(word);
        }
      }
    }
  }
  return [...out];
}
const terms = naiveTerms(config);

let sink = 0;
/** CPU time of this process in ms: on a shared machine, items per CPU-second is "items/s on one core". */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
function measure(name: string, fn: (i: number) => number, minMs = 1500): { name: string; perSecond: number } {
  for (let i = 0; i < 2000; i++) sink += fn(i); // warm-up
  let n = 0;
  const start = cpuMs();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let k = 0; k < 500; k++, n++) sink += fn(n);
    elapsed = cpuMs() - start;
  }
  return { name, perSecond: (n / elapsed) * 1000 };
}

const pick = (i: number): (typeof items)[number] => items[i % items.length]!;
const results = [
  measure('baseline: naive substring matcher', (i) => {
    const it = pick(i);
    const text = `${it.title} ${it.summary}`.toLowerCase();
    let hits = 0;
    for (const term of terms) if (text.includes(term)) hits++;
    return hits;
  }),
  measure('classifyItem (language given)', (i) => {
    const it = pick(i);
    return classifyItem(rules, { title: it.title, summary: it.summary, language: it.lang }).topics.length;
  }),
  measure('classifyItem (+ language detection)', (i) => {
    const it = pick(i);
    return classifyItem(rules, { title: it.title, summary: it.summary }).topics.length;
  }),
  ...(model === undefined
    ? []
    : [
        measure('classifyItem + model (language given)', (i) => {
          const it = pick(i);
          return classifyItem(withModel, { title: it.title, summary: it.summary, language: it.lang }).topics
            .length;
        }),
      ]),
  ...(real.length === 0
    ? []
    : [
        measure('real news: classifyItem (rules)', (i) => {
          const it = real[i % real.length]!;
          return classifyItem(rules, { title: it.title, summary: it.summary, language: it.lang }).topics
            .length;
        }),
        measure('real news: classifyItem + model', (i) => {
          const it = real[i % real.length]!;
          return classifyItem(withModel, { title: it.title, summary: it.summary, language: it.lang }).topics
            .length;
        }),
      ]),
];

const base = results[0]!.perSecond;
console.log(
  `${items.length} distinct written items, ${real.length} real news items, ${terms.length} naive terms, ` +
    `${rules.engine.rules.length} compiled rules, model ${model === undefined ? 'none' : `${Object.keys(model.weights).length} weights`}`,
);
console.log(`${'case'.padEnd(40)} ${'items/s'.padStart(10)}  ratio to baseline`);
for (const r of results) {
  console.log(
    `${r.name.padEnd(40)} ${Math.round(r.perSecond).toString().padStart(10)}  ${(r.perSecond / base).toFixed(2)}`,
  );
}
for (const r of results.slice(1)) {
  if (!r.name.includes('classifyItem') || r.name.includes('detection')) continue;
  console.log(`goal >= 20000 items/s, ${r.name}: ${r.perSecond >= 20000 ? 'met' : 'NOT met'}`);
}
if (sink === -1) console.log('');
