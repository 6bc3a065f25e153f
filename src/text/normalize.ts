// Text normalisation and tokenisation shared by rule compilation and matching, so a rule word and a text word are
// folded by exactly the same steps:
//   1. Unicode NFKC (ligatures, full-width forms, composed letters);
//   2. per character: lower case, ё→е, Turkic and Tajik letters to their base letter (қ→к, ң→н, ә→а, ө→о, ү/ұ/ў/ӯ→у,
//      і/ӣ→и, ғ→г, ҳ/һ→х, ҷ→ч), Latin diacritics stripped (ä ç ň ö ş ü ý ž ı ğ → a c n o s u y z i g), apostrophes
//      and combining marks dropped inside words (Uzbek oʻ/gʻ written with any of ' ʻ ʼ ’ ‘ ` become o/g);
//   3. words are runs of letters and digits; any other character separates them;
//   4. a word mixing Cyrillic and Latin letters is rewritten into its majority script through look-alike letters
//      (Latin "o" typed inside "торгoвля"), when every minority letter has a look-alike.
// Folding loses distinctions that never matter for topic terms and makes feeds that type "к" for "қ" or Latin look-
// alikes in Cyrillic words match the same rules. Offsets of each word in the NFKC text are kept for evidence.

/** Code for "this character separates words". */
const SEP = 0;
/** Code for "skip this character but stay inside the word". */
const DROP = -1;

const EXTRA_FOLDS: Record<string, string> = {
  ё: 'е',
  ә: 'а',
  ғ: 'г',
  қ: 'к',
  ң: 'н',
  ө: 'о',
  ұ: 'у',
  ү: 'у',
  һ: 'х',
  і: 'и',
  ӣ: 'и',
  ӯ: 'у',
  ҳ: 'х',
  ҷ: 'ч',
  ў: 'у',
  ї: 'и',
  є: 'е',
  ґ: 'г',
  ҕ: 'г',
  ҡ: 'к',
  ı: 'i',
  ə: 'a',
  ß: 's',
  ø: 'o',
  æ: 'a',
  đ: 'd',
  ł: 'l',
};

const APOSTROPHES = "'ʻʼ’‘`´ʹ′ʾʿ";

function buildFoldTable(): Int32Array {
  const table = new Int32Array(0x10000);
  const letterOrDigit = /^[\p{L}\p{N}]$/u;
  const mark = /^\p{M}$/u;
  for (let code = 0; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const ch = String.fromCharCode(code);
    if (APOSTROPHES.includes(ch) || mark.test(ch)) {
      table[code] = DROP;
      continue;
    }
    if (!letterOrDigit.test(ch)) continue;
    let lower = ch.toLowerCase();
    if (lower.length !== 1) lower = lower.charAt(0);
    const extra = EXTRA_FOLDS[lower];
    if (extra !== undefined) lower = extra;
    else if (code < 0x0250 && lower > '\u007f') {
      // Latin-1 and Latin Extended: strip the diacritic when the base letter is ASCII.
      const base = lower.normalize('NFD').charAt(0);
      if (base >= 'a' && base <= 'z') lower = base;
    }
    table[code] = lower.charCodeAt(0);
  }
  return table;
}

const FOLD = buildFoldTable();

const LATIN_TO_CYRILLIC: Record<string, string> = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'н',
  i: 'и',
  k: 'к',
  m: 'м',
  o: 'о',
  p: 'р',
  t: 'т',
  x: 'х',
  y: 'у',
};
const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: 'a',
  в: 'b',
  с: 'c',
  е: 'e',
  н: 'h',
  и: 'i',
  к: 'k',
  м: 'm',
  о: 'o',
  р: 'p',
  т: 't',
  х: 'x',
  у: 'y',
};

function isCyrillic(code: number): boolean {
  return code >= 0x0400 && code <= 0x04ff;
}
function isLatin(code: number): boolean {
  return code >= 0x61 && code <= 0x7a;
}

/** Rewrites a word that mixes Cyrillic and Latin letters into its majority script, when every letter can be. */
function unmixScripts(word: string): string {
  let cyr = 0;
  let lat = 0;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (isCyrillic(code)) cyr++;
    else if (isLatin(code)) lat++;
  }
  if (cyr === 0 || lat === 0) return word;
  const toCyrillic = cyr >= lat;
  const map = toCyrillic ? LATIN_TO_CYRILLIC : CYRILLIC_TO_LATIN;
  let out = '';
  for (const ch of word) {
    const code = ch.charCodeAt(0);
    const minority = toCyrillic ? isLatin(code) : isCyrillic(code);
    if (!minority) {
      out += ch;
      continue;
    }
    const swapped = map[ch];
    if (swapped === undefined) return word;
    out += swapped;
  }
  return out;
}

/** Words of one text, folded, with their offsets in `text` (the NFKC form of the input). */
export interface Tokens {
  text: string;
  words: string[];
  starts: number[];
  ends: number[];
}

/** Longest text looked at per field: summaries are a few sentences; a runaway one must not slow a poll. */
export const MAX_FIELD_CHARS = 20_000;

export function tokenize(input: string): Tokens {
  const text = (input.length > MAX_FIELD_CHARS ? input.slice(0, MAX_FIELD_CHARS) : input).normalize('NFKC');
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let word = '';
  let start = -1;
  let last = -1;
  let mixed = false;
  let sawCyr = false;
  let sawLat = false;
  const flush = (): void => {
    if (word.length > 0) {
      words.push(mixed ? unmixScripts(word) : word);
      starts.push(start);
      ends.push(last + 1);
    }
    word = '';
    start = -1;
    mixed = sawCyr = sawLat = false;
  };
  for (let i = 0; i < text.length; i++) {
    const folded = FOLD[text.charCodeAt(i)] ?? SEP;
    if (folded === SEP) {
      if (start >= 0) flush();
      continue;
    }
    if (folded === DROP) continue;
    if (start < 0) start = i;
    last = i;
    word += String.fromCharCode(folded);
    if (isCyrillic(folded)) sawCyr = true;
    else if (isLatin(folded)) sawLat = true;
    if (sawCyr && sawLat) mixed = true;
  }
  flush();
  return { text, words, starts, ends };
}

/** The folded words of a short text (rule terms, set members). */
export function foldWords(input: string): string[] {
  return tokenize(input).words;
}

/**
 * A lighter normalisation that keeps case and letters as written (NFKC, one apostrophe, ё→е), for readers of the
 * text that need capitals and sentence boundaries (names, acronyms: the dedupe stage's anchors).
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[’ʻʼ‘`]/g, "'")
    .replace(/ё/g, 'е')
    .replace(/Ё/g, 'Е');
}

/** A word as written, with its lower-case form, its index among the words, and whether it opens a sentence. */
export interface CasedToken {
  raw: string;
  lower: string;
  /** Offset of the token in its text (0 = first word). */
  index: number;
  sentenceStart: boolean;
}

/**
 * Words that keep their case and their digits ("COVID-19", "24kg", "1 200", "10:30"), with sentence starts: the
 * tokenisation for names, numbers and dates. `tokenize` above is the one for matching words.
 */
export function tokenizeCased(text: string): CasedToken[] {
  const tokens: CasedToken[] = [];
  // Words may carry digits ("COVID-19", "24kg", "G7"): they are words, not numbers; "8-year" is 8 and "year".
  const pattern =
    /\p{N}*[\p{L}\p{M}][\p{L}\p{M}\p{N}']*(?:-[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}']*)*|\d{1,2}:\d\d\b|\d+(?:[.,\u00a0 ]\d{3})*(?:[.,]\d+)?|[.!?;:]/gu;
  let sentenceStart = true;
  let index = 0;
  for (const match of text.matchAll(pattern)) {
    const raw = match[0].replace(/^['-]+|['-]+$/g, '');
    if (raw === '') continue;
    if (/^[.!?;:]$/.test(raw)) {
      sentenceStart = true;
      continue;
    }
    tokens.push({ raw, lower: raw.toLowerCase(), index, sentenceStart });
    index += 1;
    sentenceStart = false;
  }
  return tokens;
}
