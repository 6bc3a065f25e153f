// Table tests for the rule engine: normalisation, word forms (stems, Turkic suffixes, wildcards), NEAR, context
// (unless / requires), weights and title boost, rule errors and country extraction (folding and language
// identification are tested with the text toolkit, test/text).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRules, classifyItem, extractCountries, scoreItem } from '../../src/classify/index.ts';
import { loadTopicsFile } from '../../src/config/load.ts';

const tmp = mkdtempSync(join(tmpdir(), 'tipwire-engine-'));
let files = 0;
/** A topics file read the way the config loader reads every topics file. */
function parseTopicsYaml(text: string): ReturnType<typeof loadTopicsFile> {
  const file = join(tmp, `topics-${(files += 1)}.yaml`);
  writeFileSync(file, text);
  return loadTopicsFile(file);
}
import { isTipwireError } from '../../src/core/errors.ts';

/** Rules from a small topics file: one topic "t" with the given English/Russian/other rules. */
function rulesFor(terms: string, threshold = 1): ReturnType<typeof compileRules> {
  return compileRules(
    parseTopicsYaml(
      `topics:\n  - id: t\n    names: { en: T }\n    threshold: ${threshold}\n    terms:\n${terms}`,
    ),
  );
}
function score(rules: ReturnType<typeof compileRules>, title: string, summary = ''): number {
  return scoreItem(rules, { title, summary, language: 'xx' })[0]?.score ?? 0;
}

describe('word forms', () => {
  const cases: [string, string, string, boolean][] = [
    ['Russian stem: торговли людьми', '      ru: ["торговля людьми"]', 'Борьба с торговлей людьми', true],
    ['Russian stem: торговлю людьми', '      ru: ["торговля людьми"]', 'за торговлю людьми', true],
    ['Russian stem: торговле людьми', '      ru: ["торговля людьми"]', 'доклад о торговле людьми', true],
    ['Russian: торговля without people', '      ru: ["торговля людьми"]', 'торговля зерном выросла', false],
    ['English stem: trafficked', '      en: [trafficking]', 'women were trafficked', true],
    ['English stem: traffic is another word', '      en: [trafficking]', 'traffic jams in Almaty', false],
    ['Kazakh suffix chain', '      kk: ["адам сауда"]', 'адам саудасының құрбандары', true],
    ['Kazakh: other word with same start', '      kk: ["адам сауда"]', 'адам саудагерлік', false],
    ['Kyrgyz suffixes', '      ky: ["адам сатуу"]', 'адам сатуунун курмандыктары', true],
    ['Uzbek Latin suffixes', '      uz: ["odam savdo"]', 'odam savdosining qurbonlari', true],
    ['Turkmen suffixes (folded)', '      tk: ["adam söwda"]', 'adam söwdasyna garşy', true],
    ['Tajik izafa', '      tg: ["савдои одамон"]', 'қурбониёни савдои одамон', true],
    ['prefix wildcard', '      en: ["migra*"]', 'Migrants arrive', true],
    ['exact word', '      en: ["=uae"]', 'uaes', false],
    ['look-alike letters still match', '      ru: ["торговля людьми"]', 'тoргoвля людьми', true],
  ];
  it.each(cases)('%s', (_name, terms, text, expected) => {
    expect(score(rulesFor(terms), text) > 0).toBe(expected);
  });
});

describe('NEAR', () => {
  const rules = rulesFor('      en: ["human NEAR/3 trafficking"]');
  const cases: [string, string, boolean][] = [
    ['adjacent', 'human trafficking', true],
    ['reversed order', 'trafficking of human beings', true],
    ['two words between', 'human organ and trafficking', true],
    ['three words between is too far', 'human rights are about trafficking', false],
    ['only one side', 'trafficking report', false],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(score(rules, text) > 0).toBe(expected);
  });
});

describe('context: unless and requires', () => {
  const rules = rulesFor(
    [
      '      en:',
      '        - { match: trafficking, weight: 2, unless: "drug* | arms | wildlife", within: 3 }',
      '        - { match: migrants, weight: 1, requires: work*, within: item }',
    ].join('\n'),
  );
  const cases: [string, string, string, number][] = [
    ['trafficking alone counts', 'trafficking case', '', 4],
    ['drug trafficking is excluded', 'drug trafficking case', '', 0],
    ['arms nearby excludes', 'arms and trafficking', '', 0],
    ['exclusion only within the window', 'drug policy meeting then later a trafficking case', '', 4],
    ['requires found anywhere in the item', 'migrants return', 'they found work', 2],
    ['requires missing', 'migrants return', 'home at last', 0],
  ];
  it.each(cases)('%s', (_name, title, summary, expected) => {
    expect(score(rules, title, summary)).toBe(expected);
  });
});

describe('weights, title boost, thresholds, evidence', () => {
  const rules = rulesFor(
    '      en:\n        - { match: refugees, weight: 1.5 }\n        - { match: birds, weight: -2 }',
    2,
  );
  it('title matches count titleWeight (2) times', () => {
    expect(score(rules, 'refugees')).toBe(3);
    expect(score(rules, 'news', 'refugees')).toBe(1.5);
  });
  it('negative weights take away', () => {
    expect(score(rules, 'refugees', 'birds')).toBe(1);
  });
  it('assigns only at the threshold and explains with evidence', () => {
    expect(classifyItem(rules, { title: 'news', summary: 'refugees' }).topics).toEqual([]);
    const c = classifyItem(rules, { title: 'Refugees arrive', summary: '' });
    expect(c.topics).toEqual([
      {
        topic: 't',
        score: 3,
        evidence: [{ term: 'refugees', field: 'title', match: 'Refugees', weight: 3 }],
      },
    ]);
  });
  it('the same term in two language lists counts once', () => {
    const twice = rulesFor('      en: [migrant*]\n      uz: [migrant*]');
    expect(score(twice, 'migrants')).toBe(2);
  });
});

describe('rule errors name topic, rule and term', () => {
  const cases: [string, string, RegExp][] = [
    [
      'NEAR without distance',
      '      en: ["human NEAR trafficking"]',
      /terms\.en\[0\].*NEAR needs a distance/,
    ],
    ['lower-case near', '      en: ["human near/3 trafficking"]', /capitals/],
    ['wildcard inside a word', '      en: ["tra*ff"]', /may only end a word/],
    ['short wildcard', '      en: ["ab*"]', /at least 3 letters/],
    ['unknown set', '      en: [{ match: x, unless: "@nothing" }]', /unknown set "@nothing"/],
    ['operator at the end', '      ru: ["торговля NEAR/2"]', /ends with an operator/],
    ['no letters', '      en: ["!!"]', /no letters or digits/],
  ];
  it.each(cases)('%s', (_name, terms, message) => {
    try {
      rulesFor(terms);
      expect.unreachable('compileRules should throw');
    } catch (err) {
      expect(isTipwireError(err, 'CLASSIFY_RULE_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(/topic "t"/);
      expect((err as Error).message).toMatch(message);
    }
  });
  it('every broken term at once, each with the path of its value; a broken set once, at the set', () => {
    const text = [
      'sets:',
      '  bad:',
      '    en: ["x NEAR"]',
      'topics:',
      '  - id: t',
      '    names: { en: T }',
      '    terms:',
      '      en:',
      '        - "human NEAR trafficking"',
      '        - fine',
      '        - { match: fine, unless: ["ab*", "@nothing"] }',
      '        - "@bad"',
      '',
    ].join('\n');
    try {
      compileRules(parseTopicsYaml(text));
      expect.unreachable('compileRules should throw');
    } catch (err) {
      expect(isTipwireError(err, 'CLASSIFY_RULE_INVALID')).toBe(true);
      const problems = (err as { details: { problems: { path: unknown[]; message: string }[] } }).details
        .problems;
      expect(problems.map((problem) => problem.path)).toEqual([
        ['sets', 'bad', 'en', 0],
        ['topics', 0, 'terms', 'en', 0],
        ['topics', 0, 'terms', 'en', 2, 'unless', 0],
        ['topics', 0, 'terms', 'en', 2, 'unless', 1],
      ]);
      expect(problems[0]?.message).toMatch(/set "@bad".*NEAR needs a distance/);
      expect(problems[3]?.message).toMatch(/unknown set "@nothing"/);
    }
  });
  it('schema errors name the field', () => {
    expect(() => parseTopicsYaml('topics:\n  - id: Bad Id\n    names: {}\n    terms: {}\n')).toThrow(
      /topics\[0\]\.id/,
    );
  });
});

describe('extractCountries', () => {
  const cases: [string, string, string[]][] = [
    ['English names and demonyms', 'Uzbek migrants in Russia and South Korea', ['uz', 'ru', 'kr']],
    ['Russian cases', 'из Таджикистана в Россию через Казахстан', ['kz', 'tj', 'ru']],
    ['Kazakh', 'Қырғызстан мен Ресей арасындағы', ['kg', 'ru']],
    ['Uzbek Latin', 'Oʻzbekiston va Qozogʻiston, Turkiya', ['kz', 'uz', 'tr']],
    ['Turkmen', 'Türkmenistan we Türkiýe', ['tm', 'tr']],
    ['Tajik', 'Тоҷикистон ва Аморати Муттаҳидаи Араб, Дубай', ['tj', 'ae']],
    ['nothing', 'A meeting about water', []],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(extractCountries(text)).toEqual(expected);
  });
});
