// Calibration aid on the tune split of real news (never the held-out days): pair precision/recall of the clusterer
// for a range of join thresholds, to choose the defaults in src/dedupe/clusterer.ts.
//   npx tsx test/dedupe/tune-real.ts [same-language thresholds…] [--cross t1,t2…]
import { StoryClusterer, clusterLabelled, evaluateStories } from '../../src/dedupe/index.ts';
import { dedupeSchema } from '../../src/config/schema.ts';
import { haveCorpus, loadRealNews, storySplit } from '../helpers/real-news.ts';

if (!haveCorpus()) {
  console.log('tune-real: ../shared/corpus is absent; nothing to calibrate on');
  process.exit(0);
}
const args = process.argv.slice(2);
const crossAt = args.indexOf('--cross');
const cross = crossAt >= 0 ? (args[crossAt + 1] ?? '').split(',').map(Number) : [undefined];
const same = (crossAt >= 0 ? args.slice(0, crossAt) : args).map(Number);
const items = storySplit(loadRealNews(), 'tune');
console.log(`tune split: ${items.length} items`);
console.log('join  cross  | all P / R       | copy P / R      | same-event P / R | cross-lang P / R');
for (const joinThreshold of same.length > 0 ? same : [undefined]) {
  for (const crossLanguageThreshold of cross) {
    const clusterer = new StoryClusterer({
      ...dedupeSchema.parse({}),
      joinThreshold,
      crossLanguageThreshold,
    });
    const r = evaluateStories(items, clusterLabelled(items, clusterer));
    const f = (s: { precision: number; recall: number }): string =>
      `${s.precision.toFixed(3)} / ${s.recall.toFixed(3)}`;
    console.log(
      `${String(joinThreshold ?? 'def').padEnd(5)} ${String(crossLanguageThreshold ?? 'def').padEnd(6)} | ${f(r.all)} | ${f(r.byKind.copy)} | ${f(r.byKind['same-event'])}  | ${f(r.byKind['cross-language'])}   (gold ${r.all.gold}, x ${r.byKind['cross-language'].gold})`,
    );
  }
}
