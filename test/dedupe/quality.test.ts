// Pair precision and recall of the clusterer per relation kind, on the project's labelled fixtures. Floors are the
// figures measured when the engine was tuned (tune.json) and, for held-out.json, measured once after tuning ended:
// a change that loses precision or recall fails here.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { evaluate, formatEvaluation, loadFixture, type PairKind } from './evaluate.ts';

const fixtures = join(import.meta.dirname, '../fixtures/dedupe');

const floors: Record<
  string,
  { precision: Record<PairKind, number>; recall: Record<PairKind, number>; follows: number }
> = {
  'tune.json': {
    precision: { copy: 1, 'same-event': 1, translation: 1 },
    recall: { copy: 1, 'same-event': 1, translation: 1 },
    follows: 2,
  },
  // measured with the similarity clusterer: precision 1/1/1, recall 1/1/1, follow-ups 1/1
  'holdout.json': {
    precision: { copy: 1, 'same-event': 1, translation: 1 },
    recall: { copy: 1, 'same-event': 1, translation: 1 },
    follows: 1,
  },
};

describe('clusterer quality on labelled fixtures', () => {
  for (const [file, floor] of Object.entries(floors)) {
    it(`${file}: pair precision and recall stay at or above the recorded floors`, () => {
      const result = evaluate(loadFixture(join(fixtures, file)));
      console.log(formatEvaluation(file, result));
      for (const kind of ['copy', 'same-event', 'translation'] as const) {
        expect(
          result.byKind[kind].precision,
          `${kind} precision; false: ${result.falsePositives.join(' | ')}`,
        ).toBeGreaterThanOrEqual(floor.precision[kind]);
        expect(
          result.byKind[kind].recall,
          `${kind} recall; missed: ${result.missed.join(' | ')}`,
        ).toBeGreaterThanOrEqual(floor.recall[kind]);
        expect(result.byKind[kind].gold).toBeGreaterThan(0);
      }
      expect(result.follows.found).toBeGreaterThanOrEqual(floor.follows);
    });
  }
});
