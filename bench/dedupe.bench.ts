// bench/dedupe: clustering time and peak memory for 25k, 50k and 100k synthetic items (near-linearity: doubling the
// items should roughly double the time), against an all-pairs baseline (exact Jaccard of every pair) on a 5,000-item
// subset in the same run. Synthetic news: stories of random vocabulary with places and numbers, ~30 % of items copies
// with a changed headline prefix or a few words, spread over 60 days (so the 14-day window matters).
import { StoryClusterer, extractFeatures, type ClusterInput } from '../src/dedupe/index.ts';
import { intersectionSize } from '../src/dedupe/features.ts';
import { dedupeSchema } from '../src/config/schema.ts';

let seed = 42;
function random(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 0x100000000;
}
const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;

const VOCABULARY = Array.from({ length: 6000 }, (_, i) => `w${i.toString(36)}`);
const PLACES = [
  'Ashgabat',
  'Tashkent',
  'Bishkek',
  'Osh',
  'Almaty',
  'Astana',
  'Dushanbe',
  'Khujand',
  'Samarkand',
  'Naryn',
  'Moscow',
  'Dubai',
];
const ORGS = ['UNODC', 'IOM', 'OSCE', 'UNHCR', 'ILO'];

function makeItems(count: number): ClusterInput[] {
  const items: ClusterInput[] = [];
  const start = Date.parse('2025-01-01T00:00:00Z');
  const stories: ClusterInput[] = [];
  for (let i = 0; i < count; i += 1) {
    const time = new Date(start + (i / count) * 60 * 86_400_000).toISOString();
    if (stories.length > 0 && random() < 0.3) {
      const base = pick(stories.slice(-200));
      const words = base.text.split(' ');
      for (let k = 0; k < 3; k += 1) words[Math.floor(random() * words.length)] = pick(VOCABULARY);
      items.push({
        id: `i${i}`,
        sourceId: `s${i % 40}`,
        title: `Update: ${base.title}`,
        text: words.join(' '),
        language: 'en',
        publishedAt: time,
      });
      continue;
    }
    const words = Array.from({ length: 60 }, () => pick(VOCABULARY));
    const text = `${words.slice(0, 30).join(' ')} in ${pick(PLACES)} ${pick(ORGS)} said ${Math.floor(random() * 9000) + 100} ${words.slice(30).join(' ')}`;
    const item = {
      id: `i${i}`,
      sourceId: `s${i % 40}`,
      title: words.slice(0, 8).join(' '),
      text,
      language: 'en',
      publishedAt: time,
    };
    stories.push(item);
    items.push(item);
  }
  return items;
}

function measure(items: ClusterInput[]): { ms: number; peakMb: number; stories: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const clusterer = new StoryClusterer(dedupeSchema.parse({}));
  const stories = new Set<string>();
  const t0 = performance.now();
  for (let i = 0; i < items.length; i += 1) {
    stories.add(clusterer.assign(items[i] as ClusterInput).storyId);
    if (i % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { ms, peakMb: (peak - before) / 1048576, stories: stories.size };
}

function allPairs(items: ClusterInput[], threshold: number): { ms: number; stories: number } {
  const t0 = performance.now();
  const shingles = items.map((item) => extractFeatures(item.title, item.text, item.language).shingles);
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i] as number)));
  for (let i = 0; i < items.length; i += 1) {
    for (let j = 0; j < i; j += 1) {
      const a = shingles[i] as Uint32Array;
      const b = shingles[j] as Uint32Array;
      const shared = intersectionSize(a, b);
      if (shared / (a.length + b.length - shared) >= threshold) parent[find(i)] = find(j);
    }
  }
  const ms = performance.now() - t0;
  return { ms, stories: new Set(items.map((_, i) => find(i))).size };
}

const all = makeItems(100_000);
const rows: string[][] = [];
const subset = all.slice(0, 5000);
const baseline = allPairs(subset, dedupeSchema.parse({}).copyThreshold);
const small = measure(subset);
rows.push([
  'all-pairs (baseline)',
  '5,000',
  baseline.ms.toFixed(0),
  '',
  String(baseline.stories),
  '1.00',
  '',
]);
rows.push([
  'StoryClusterer',
  '5,000',
  small.ms.toFixed(0),
  small.peakMb.toFixed(1),
  String(small.stories),
  (small.ms / baseline.ms).toFixed(2),
  '',
]);
let previous: number | undefined;
for (const n of [25_000, 50_000, 100_000]) {
  const result = measure(all.slice(0, n));
  rows.push([
    'StoryClusterer',
    n.toLocaleString('en'),
    result.ms.toFixed(0),
    result.peakMb.toFixed(1),
    String(result.stories),
    (result.ms / baseline.ms).toFixed(2),
    previous === undefined ? '' : (result.ms / previous).toFixed(2),
  ]);
  previous = result.ms;
}
const estimate = baseline.ms * (100_000 / 5000) ** 2;
const headers = ['method', 'items', 'ms', 'peak heap MB', 'stories', 'x baseline(5k)', 'x previous size'];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i] as number)).join('  ');
console.log(line(headers));
for (const row of rows) console.log(line(row));
console.log(
  `all-pairs at 100,000 items would take ~${(estimate / 1000).toFixed(0)} s (quadratic estimate from the 5,000 baseline)`,
);
console.log(`per item at 100,000: ${((previous ?? 0) / 100_000).toFixed(3)} ms`);
