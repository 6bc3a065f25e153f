// Word forms: how a rule word written in one form matches the inflected forms a text uses.
// - en, ru: Snowball stemmers (@orama/stemmers); a text word matches when its stem equals the rule word's stem
//   ("торговли", "торговлю", "торговле" → "торговл").
// - Turkic languages (tk, uz, kk, ky) and Tajik (tg): the rule word is written as a stem and a text word matches when
//   the rest of it is a chain of known suffixes ("migrant" + "lar" + "ning", "сауда" + "сы" + "на"). Suffix lists are
//   folded (normalize.ts), so one list serves letters written with or without their diacritics.
// - comparisonStem: one stem per word for comparing two texts (dedupe): Snowball for en/ru words, the first six
//   letters for the agglutinative languages.
// - any other language code: exact word only.
// Text words are stemmed only when they are candidates (they begin with a rule stem), so the cost stays with the few
// words that might match.
import { stemmer as englishStemmer } from '@orama/stemmers/english';
import { stemmer as russianStemmer } from '@orama/stemmers/russian';

export type StemFamily = 'en' | 'ru' | 'turkic' | 'tg' | 'none';

export function stemFamily(lang: string): StemFamily {
  // "uz-cyrl": the language part decides; the script is seen in the word itself.
  switch (lang.slice(0, 2)) {
    case 'en':
      return 'en';
    case 'ru':
      return 'ru';
    case 'tk':
    case 'uz':
    case 'kk':
    case 'ky':
      return 'turkic';
    case 'tg':
      return 'tg';
    default:
      return 'none';
  }
}

const TURKIC_CYRILLIC_SUFFIXES = `
лар лер лор дар дер дор тар тер тор
нын нин нун дын дин дун тын тин тун нинг
га ге го ка ке ко на не но а е
да де до та те то нда нде ндо
дан ден дон тан тен тон нан нен нон ндан нден ндон
ны ни ну ды ди ду ты ти ту н
ы и у сы си су ым им ум м ын ин ун мыз миз муз ымыз имиз умуз ыныз иниз
лык лик лук дык дик дук тык тик тук чы чи чу шы ши
лы ли лу сыз сиз суз ча че
гы ги гу кы ки ку дагы деги догу тагы теги ндагы ндеги даги
мен бен пен менен бенен пенен
уу уш иш ыш мак мек ган кан ген кен
`;

const TURKIC_LATIN_SUFFIXES = `
lar ler
ning nyn nin nun yn in un
ga ge ka ke qa a e na ne
da de ta te nda nde dagi daky daki deki
dan den tan ten ndan nden
ni ny y i
si sy im ym ing imiz ymyz ingiz miz myz niz nyz m n ng
lik lyk luk chi cy ci siz syz suz li ly lu
ish mak mek ma me gan kan qan uv ov
`;

const TAJIK_SUFFIXES = `
хо он ён гон ён и ии ро ам ат аш амон атон ашон е ест анд ед ем ию
`;

function suffixSet(list: string): Set<string> {
  return new Set(list.split(/\s+/).filter((s) => s.length > 0));
}

const SUFFIXES: Record<'turkic-cyrillic' | 'turkic-latin' | 'tg', Set<string>> = {
  'turkic-cyrillic': suffixSet(TURKIC_CYRILLIC_SUFFIXES),
  'turkic-latin': suffixSet(TURKIC_LATIN_SUFFIXES),
  tg: suffixSet(TAJIK_SUFFIXES),
};

/** At most this many letters of suffixes after a stem: longer rests are a different word. */
const MAX_REST = 14;

function isSuffixChain(rest: string, suffixes: Set<string>, depth = 0): boolean {
  if (rest.length === 0) return true;
  if (depth > 6) return false;
  for (let len = Math.min(5, rest.length); len >= 1; len--) {
    if (suffixes.has(rest.slice(0, len)) && isSuffixChain(rest.slice(len), suffixes, depth + 1)) return true;
  }
  return false;
}

const stemCache: Record<'en' | 'ru', Map<string, string>> = { en: new Map(), ru: new Map() };

function snowball(family: 'en' | 'ru', word: string): string {
  const cache = stemCache[family];
  let stem = cache.get(word);
  if (stem === undefined) {
    stem = family === 'en' ? englishStemmer(word) : russianStemmer(word);
    if (cache.size > 100_000) cache.clear();
    cache.set(word, stem);
  }
  return stem;
}

/** How one rule word is found in text: a trie key (a prefix every matching word starts with) and a check. */
export interface WordForm {
  /** Prefix that every matching text word starts with (the trie walks to it). */
  key: string;
  /** Decides whether a text word that starts with `key` is a form of the rule word. */
  accepts(textWord: string): boolean;
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return a.slice(0, i);
}

function isCyrillicWord(word: string): boolean {
  return /[\u0400-\u04ff]/.test(word);
}

/** The word form for a folded rule word under the given matching mode and language. */
export function wordForm(word: string, mode: 'exact' | 'prefix' | 'stem', lang: string): WordForm {
  if (mode === 'exact') return { key: word, accepts: (t) => t === word };
  if (mode === 'prefix') return { key: word, accepts: () => true };
  const family = stemFamily(lang);
  if (family === 'en' || family === 'ru') {
    // A Cyrillic word in an English list (or the reverse) is stemmed by its own script's stemmer.
    const effective: 'en' | 'ru' = isCyrillicWord(word) ? 'ru' : 'en';
    const stem = snowball(effective, word);
    if (stem.length < 3) return { key: word, accepts: (t) => t === word };
    const key = commonPrefix(stem, word);
    return { key, accepts: (t) => t === word || snowball(effective, t) === stem };
  }
  if (family === 'turkic' || family === 'tg') {
    const suffixes =
      family === 'tg'
        ? SUFFIXES.tg
        : isCyrillicWord(word)
          ? SUFFIXES['turkic-cyrillic']
          : SUFFIXES['turkic-latin'];
    const key = word;
    return {
      key,
      accepts: (t) => t.length - key.length <= MAX_REST && isSuffixChain(t.slice(key.length), suffixes),
    };
  }
  return { key: word, accepts: (t) => t === word };
}

/**
 * One stem per lower-case word, for comparing texts rather than matching rules: Snowball for English and Russian
 * words (when the language allows them), else the first six letters (Turkic words are agglutinative, and the first
 * six letters are a fair stem for comparison within a language).
 */
export function comparisonStem(word: string, language: string | undefined): string {
  if (/^[a-z]+$/.test(word) && (language === 'en' || language === undefined)) return snowball('en', word);
  if (/^[а-я]+$/.test(word) && (language === 'ru' || language === undefined)) return snowball('ru', word);
  return word.slice(0, 6);
}
