// The relevance model: training is deterministic and learns what the rules alone cannot (a "refugee camp" raid is not
// about displacement); the fast scoring path adds exactly the named features explain shows; the model decides only
// in its languages and only for items a topic term touched; a model file that does not fit is refused.
import { describe, expect, it } from 'vitest';
import { classifyItem, compileRules, judgeItem, scoreItem } from '../../src/classify/index.ts';
import type { TopicsInput } from '../../src/classify/index.ts';
import { featureText } from '../../src/classify/features.ts';
import { ANY, combinedScore, contributions, modelLogits } from '../../src/classify/model.ts';
import { trainModel } from '../../src/classify/train.ts';
import type { TrainingItem } from '../../src/classify/train.ts';
import { scoreTokens } from '../../src/classify/engine.ts';
import { tokenize } from '../../src/text/index.ts';
import { isTipwireError } from '../../src/core/errors.ts';

const TOPICS: TopicsInput = {
  settings: { titleWeight: 2, window: 8 },
  sets: {},
  topics: [
    {
      id: 'displacement',
      names: { en: 'Displacement' },
      threshold: 2,
      terms: {
        en: [{ match: 'refugee*', weight: 2, unless: [], requires: [], field: 'any' }],
        ru: [{ match: 'беженц*', weight: 2, unless: [], requires: [], field: 'any' }],
      },
    },
    {
      id: 'work',
      names: { en: 'Work' },
      threshold: 2,
      terms: { en: [{ match: 'migrant worker*', weight: 3, unless: [], requires: [], field: 'any' }] },
    },
  ],
};

/** Refugees fleeing (relevant), raids on refugee camps (not), migrant workers (relevant), football (not). */
function corpus(): TrainingItem[] {
  const items: TrainingItem[] = [];
  const towns = ['Aleppo', 'Kharkiv', 'Mosul', 'Kabul', 'Juba', 'Goma', 'Sumy', 'Herat'];
  for (let i = 0; i < 48; i++) {
    const town = towns[i % towns.length] as string;
    const group = `day${i % 6}`;
    items.push(
      {
        id: `f${i}`,
        lang: 'en',
        group,
        title: `Refugees flee ${town} as fighting spreads`,
        summary: `Thousands of families crossed into the neighbouring country, aid agencies said (${i}).`,
        topics: ['displacement'],
      },
      {
        id: `r${i}`,
        lang: 'en',
        group,
        title: `Troops raid refugee camp near ${town}, ${i} killed`,
        summary: 'Soldiers stormed the camp at dawn in a military operation against militants.',
        topics: [],
      },
      {
        id: `w${i}`,
        lang: 'en',
        group,
        title: `Migrant workers in ${town} go unpaid for months`,
        summary: 'Labourers on building sites say wages were withheld by their employers.',
        topics: ['work'],
      },
      {
        id: `o${i}`,
        lang: 'en',
        group,
        title: `${town} club wins the derby ${i}-1`,
        summary: 'The striker scored twice in the second half.',
        topics: [],
      },
    );
  }
  return items;
}

const rules = compileRules(TOPICS);
const trained = trainModel(rules, corpus(), { epochs: 15, folds: 3, minLanguageItems: 20 });
const withModel = compileRules(TOPICS, trained.model);

describe('training', () => {
  it('is deterministic: the same items give the same file', () => {
    const again = trainModel(rules, corpus(), { epochs: 15, folds: 3, minLanguageItems: 20 });
    expect(JSON.stringify(again.model)).toEqual(JSON.stringify(trained.model));
  });
  it('lists the languages it was trained on, a relevance scorer and every topic, weights sorted by name', () => {
    const model = trained.model;
    expect(model.languages).toEqual(['en']);
    expect(model.topics.map((t) => t.id)).toEqual(['displacement', 'work', ANY]);
    const names = Object.keys(model.weights);
    expect(names).toEqual([...names].sort());
    expect(model.trained.rules).toBe(rules.rulesVersion);
  });
  it('learns that a raid on a refugee camp is not about displacement, which the rules alone get wrong', () => {
    const raid = {
      title: 'Troops raid refugee camp near Tartus, 9 killed',
      summary: 'Soldiers stormed the camp at dawn.',
      language: 'en',
    };
    const flight = {
      title: 'Refugees flee Tartus as fighting spreads',
      summary: 'Families crossed the border.',
      language: 'en',
    };
    expect(classifyItem(rules, raid).topics.map((t) => t.topic)).toEqual(['displacement']);
    expect(classifyItem(withModel, raid).topics).toEqual([]);
    const kept = classifyItem(withModel, flight).topics;
    expect(kept.map((t) => t.topic)).toEqual(['displacement']);
    expect(kept[0]?.relevance).toBeGreaterThan(0.5);
    expect(kept[0]?.features?.some((f) => f.weight > 0)).toBe(true);
  });
});

describe('scoring', () => {
  const model = withModel.model!;
  const texts = [
    ...corpus().slice(0, 40),
    { title: 'Refugee camp', summary: '' },
    { title: '', summary: 'A refugee camp. Migrant workers and refugees; 12 3 4.' },
  ];
  it('the fast path adds exactly the named features that explain shows', () => {
    for (const item of texts) {
      const title = tokenize(item.title);
      const summary = tokenize(item.summary);
      const scores = scoreTokens(rules.engine, title, summary);
      const text = featureText(title, summary, 'en');
      const fast = modelLogits(model, title, summary, 'en', scores, () => text);
      const slow = (modelTopic: number, score: (typeof scores)[number]): number => {
        let z = model.topics[modelTopic]!.bias;
        for (const w of contributions(model, text, score, modelTopic).values()) z += w;
        return z;
      };
      scores.forEach((score, r) => expect(fast.topics[r]).toBeCloseTo(slow(model.topicIndex[r]!, score), 9));
      expect(fast.any).toBeCloseTo(slow(model.anyIndex, combinedScore(scores)), 9);
    }
  });
  it('an item no topic term touches is about no topic, without asking the model', () => {
    const judged = judgeItem(withModel, {
      title: 'Refugee-free zone? No: football',
      summary: 'derby',
      language: 'en',
    });
    expect(judged.judgements.find((j) => j.topic === 'displacement')?.decidedBy).toBe('model');
    const untouched = judgeItem(withModel, {
      title: 'Club wins the derby',
      summary: 'Two goals.',
      language: 'en',
    });
    expect(untouched.relevance).toBeUndefined();
    expect(untouched.judgements.every((j) => j.decidedBy === 'rules' && !j.assigned)).toBe(true);
  });
  it('a language the model was not trained on is decided by the rules', () => {
    const ru = {
      title: 'Беженцы из лагеря',
      summary: 'Военные провели рейд в лагере беженцев.',
      language: 'ru',
    };
    const judged = scoreItem(withModel, ru);
    expect(judged.every((j) => j.decidedBy === 'rules')).toBe(true);
    expect(classifyItem(withModel, ru)).toEqual(classifyItem(rules, ru));
  });
  it('the classifier version changes with the model', () => {
    expect(withModel.version).not.toBe(rules.version);
    expect(withModel.rulesVersion).toBe(rules.rulesVersion);
  });
  it('refuses a file that is not a tipwire model', () => {
    try {
      compileRules(TOPICS, { ...trained.model, format: 'something-else' as 'tipwire-relevance-model' });
      expect.unreachable('compileRules should throw');
    } catch (err) {
      expect(isTipwireError(err, 'CLASSIFY_MODEL_INVALID')).toBe(true);
    }
  });
});
