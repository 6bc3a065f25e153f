// The text toolkit every stage that reads words shares (classify, dedupe): one folding, one tokeniser for matching
// and one for names and numbers, one set of stemmers, one transliteration, one language detector, and the country,
// alias, month and stop-word tables of the seven languages (en ru tk uz kk ky tg; Polish where a table has it).
// Pure and stage-level: imports nothing of ours but core. Tables are data; functions take text and return data.
//   normalize.ts  tokenize (folded words + offsets), foldWords, normaliseText/tokenizeCased (case kept)
//   stem.ts       wordForm (how a rule word matches inflected forms), stemFamily, comparisonStem
//   language.ts   detectLanguage, LANGUAGES
//   aliases.ts    transliterate, phoneticKey, ALIASES (places, organisations, countries across scripts)
//   countries.ts  COUNTRY_TERMS (names and demonyms per ISO code, rule syntax)
//   months.ts     MONTHS, MONTH_NAMES, monthOf
//   stopwords.ts  STOPWORDS
//   hash.ts       hash32 (FNV-1a)
export { tokenize, foldWords, normaliseText, tokenizeCased, MAX_FIELD_CHARS } from './normalize.ts';
export type { Tokens, CasedToken } from './normalize.ts';
export { wordForm, stemFamily, comparisonStem } from './stem.ts';
export type { WordForm, StemFamily } from './stem.ts';
export { detectLanguage, LANGUAGES } from './language.ts';
export { transliterate, phoneticKey, ALIASES } from './aliases.ts';
export type { Alias } from './aliases.ts';
export { COUNTRY_TERMS } from './countries.ts';
export { MONTHS, MONTH_NAMES, monthOf } from './months.ts';
export { STOPWORDS } from './stopwords.ts';
export { hash32 } from './hash.ts';
