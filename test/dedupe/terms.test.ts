// Table tests for what the similarity clusterer compares: the cross-language lexicon, cognate keys, stems, and the
// Polish correction of declared languages.
import { describe, expect, it } from 'vitest';
import { lookupConcept } from '../../src/dedupe/lexicon.ts';
import { cognateKey, stemWord } from '../../src/dedupe/terms.ts';
import { effectiveLanguage } from '../../src/dedupe/language.ts';

describe('lexicon', () => {
  const cases: [string, string, string | undefined][] = [
    ['english plural', 'migrants', 'migrant'],
    ['polish genitive plural', 'migrantów', 'migrant'],
    ['russian case form', 'мигрантов', 'migrant'],
    ['kyrgyz refugee', 'качкындар', 'refugee'],
    ['polish refugees', 'uchodźców', 'refugee'],
    ['polish country form meets the alias key', 'ukrainy', 'c:ua'],
    ['exact form: "dead" but not "deadline"', 'deadline', undefined],
    ['exact form: war', 'war', 'war'],
    ['exact form: "warm" is not war', 'warm', undefined],
    ['a phrase word alone is not the phrase ("handel" is trade)', 'handel', undefined],
    ['a trailer is not a truck', 'trailer', undefined],
    ['russian trade is not trafficking', 'торговли', undefined],
  ];
  for (const [name, word, concept] of cases) {
    it(name, () => expect(lookupConcept(word)).toBe(concept));
  }
});

describe('cognate keys across scripts', () => {
  const same: [string, string][] = [
    ['сенат', 'senate'],
    ['президент', 'president'],
    ['парламент', 'parliament'],
  ];
  for (const [a, b] of same) it(`${a} ~ ${b}`, () => expect(cognateKey(a)).toBe(cognateKey(b)));
  it('different words differ', () => expect(cognateKey('погибли')).not.toBe(cognateKey('police')));
  it('short words have none', () => expect(cognateKey('суд')).toBeUndefined());
});

describe('stems', () => {
  it('Polish endings meet', () => expect(stemWord('migrantami', 'pl')).toBe(stemWord('migrantom', 'pl')));
  it('English by Snowball', () => expect(stemWord('graves', 'en')).toBe(stemWord('grave', 'en')));
  it('Russian by Snowball', () => expect(stemWord('сенатом', 'ru')).toBe(stemWord('сенат', 'ru')));
});

describe('effective language', () => {
  const cases: [string, string | undefined, string, string][] = [
    [
      'declared English, plainly Polish',
      'en',
      'Nowe produkty Apple, które już są w sklepach i się sprzedają',
      'pl',
    ],
    ['declared English, English', 'en', 'New Apple products are in the shops', 'en'],
    ['declared Russian stays Russian', 'ru', 'Сенат принял закон', 'ru'],
    ['undeclared Cyrillic', undefined, 'Сенат принял закон', 'ru'],
    ['undeclared Latin', undefined, 'The Senate passed a law', 'en'],
  ];
  for (const [name, declared, text, expected] of cases) {
    it(name, () => expect(effectiveLanguage(declared, text)).toBe(expected));
  }
});
