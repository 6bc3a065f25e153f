// Quality floors of the shipped topic rules (config/topics.yaml), measured on the project's labelled sets:
//   eval.jsonl    307 items the rules were tuned on (all seven languages, >1/3 hard negatives);
//   heldout.jsonl 101 items written before any rule and never used for tuning (honest figures for unseen text).
// The floors are the figures reached when they were recorded: a rule edit that lowers them fails here, and
// `tipwire eval FILE` prints the confusion list that explains why.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/classify/index.ts';
import { loadTopicsFile } from '../../src/config/load.ts';
import { evaluate, parseLabelled } from '../../src/classify/eval.ts';

const rules = compileRules(loadTopicsFile('config/topics.yaml'));
const run = (file: string): ReturnType<typeof evaluate> =>
  evaluate(rules, parseLabelled(readFileSync(`test/fixtures/classify/${file}`, 'utf8'), file));

const FLOORS = {
  'eval.jsonl': { anyPrecision: 1.0, anyRecall: 0.994, traffickingF1: 1.0, languageId: 1.0 },
  'heldout.jsonl': { anyPrecision: 1.0, anyRecall: 1.0, traffickingF1: 1.0, languageId: 1.0 },
} as const;

describe.each(Object.entries(FLOORS))('%s', (file, floor) => {
  const report = run(file);
  it('relevant to any topic: precision and recall at or above the floors', () => {
    expect(report.any.precision).toBeGreaterThanOrEqual(floor.anyPrecision);
    expect(report.any.recall).toBeGreaterThanOrEqual(floor.anyRecall);
  });
  it('trafficking F1 at or above the floor', () => {
    expect(report.topics.trafficking?.f1).toBeGreaterThanOrEqual(floor.traffickingF1);
  });
  it('language identification at or above the floor', () => {
    expect(report.languageId.accuracy).toBeGreaterThanOrEqual(floor.languageId);
  });
  it('covers all seven languages and every topic', () => {
    expect(Object.keys(report.languages).sort()).toEqual(['en', 'kk', 'ky', 'ru', 'tg', 'tk', 'uz']);
    for (const counts of Object.values(report.topics)) expect(counts.support).toBeGreaterThan(0);
  });
});

it('the tuning set is at least 300 items, a third or more hard negatives', () => {
  const items = parseLabelled(readFileSync('test/fixtures/classify/eval.jsonl', 'utf8'));
  expect(items.length).toBeGreaterThanOrEqual(300);
  expect(items.filter((item) => item.topics.length === 0).length * 3).toBeGreaterThanOrEqual(items.length);
});
