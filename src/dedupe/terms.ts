// terms: the bag of terms the clusterer scores two items on, computed once per item. Pure.
// Each term is a 32-bit hash of a prefixed key, with flags:
//   w:<stem>      a content word of the item's language (stemmed; stop words dropped)
//   x:<concept>   a word of the cross-language lexicon (lexicon.ts): the same key in every language
//   k:<skeleton>  the consonant skeleton of a longer word, for cognates across languages and scripts
//   anchors       names (phonetic key), places, organisations, countries, numbers, dates, acronyms (features.ts):
//                 the same key in every language too
// Flags say whether the term is in the headline and whether it is language-independent (concept or anchor), so a
// pair in two languages is scored on what the two languages can share.
import { stemmer as stemEnglish } from '@orama/stemmers/english';
import { stemmer as stemRussian } from '@orama/stemmers/russian';
import { stemmer as stemUkrainian } from '@orama/stemmers/ukrainian';
import { stemmer as stemTurkish } from '@orama/stemmers/turkish';
import { STOPWORDS, hash32, normaliseText, transliterate } from '../text/index.ts';
import { stripTitlePrefix, type Features } from './features.ts';
import { lookupConcept } from './lexicon.ts';

export const TERM_TITLE = 1;
export const TERM_SHARED = 2;
/** Kinds of anchor; weight factors are the clusterer's. */
export const TERM_NAME = 4;
export const TERM_NUMBER = 8;
/** A cognate key: counts across languages only, and only when both sides have it (the word is in the norms). */
export const TERM_COGNATE = 16;

export interface Terms {
  /** Sorted unique term hashes. */
  keys: Uint32Array;
  /** TERM_* flags per key. */
  flags: Uint8Array;
}

// Stop words beyond the toolkit's (src/text): Polish, and feed words that say nothing about the event.
const STOP = new Set(
  (
    'a an the and or but of in on at to for from by with without about as into over after before under between ' +
    'during is are was were be been being has have had do does did will would shall should can could may might must ' +
    'this that these those it its he she they we you his her their our your them him us not no also than then there ' +
    'here which who whom whose what when where why how all any each more most other some such only own same so too ' +
    'very just one said says say new get gets got make makes made takes take way first last back out off up down ' +
    'now still even much many well like live video watch full latest news today week day days year years time ' +
    'what’s here’s it’s don’t can’t won’t i’m you’re we’re they’re let’s ' +
    'i w z na do się nie jest to że o od po za dla przez jak czy co już ale oraz lub są być był była było będzie ' +
    'został została zostało tylko który która które ich jego jej tak też także może może tym tego tej ten ta te ' +
    'przy pod nad przed bez pan pani mln tys roku rok lat dni dzień tydzień nowy nowa nowe wideo zobacz ' +
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от ' +
    'меня еще нет о из ему когда даже ли если уже или ни быть был него до вас там потом себя ей может они тут где ' +
    'есть для мы их чем была сам без под будет тогда кто этот того потому этого какой ним здесь этом почти мой тем ' +
    'чтобы были куда при два об другой после над больше тот через эти нас про всего них много три эту перед это ' +
    'также года году год время которые который которая которых заявил сообщает сообщил сообщили'
  ).split(/\s+/),
);

// Light Polish stemmer: strips the commonest inflectional endings so that "migrantów", "migrantami", "migranci"
// and "migrantom" meet; never leaves fewer than four letters.
const POLISH_ENDINGS =
  /(owie|ami|ach|ego|emu|owi|ów|om|ych|ymi|ich|imi|iej|ej|ie|ia|ię|ią|ię|ek|ka|ki|ce|cy|ę|ą|a|e|i|o|u|y)$/u;

function stemPolish(word: string): string {
  let out = word;
  for (let round = 0; round < 2; round += 1) {
    const next = out.replace(POLISH_ENDINGS, '');
    if (next.length < 4 || next === out) break;
    out = next;
  }
  return out;
}

export function stemWord(word: string, language: string): string {
  const cyrillic = /\p{Script=Cyrillic}/u.test(word);
  if (!cyrillic && /^[a-z]+$/.test(word) && language === 'en') return stemEnglish(word);
  if (cyrillic && language === 'ru') return stemRussian(word);
  if (cyrillic && language === 'uk') return stemUkrainian(word);
  if (!cyrillic && language === 'tr') return stemTurkish(word);
  if (language === 'pl') return stemPolish(word);
  if (/^[a-z]+$/.test(word)) return stemEnglish(word);
  // Turkic languages and Tajik are agglutinative: the first six letters are a fair stem within a language.
  return word.slice(0, 6);
}

/** Latin letters without their marks (ń → n, ł → l), so Mińsku meets Minsk and Łódź meets Lodz. */
function foldLatin(word: string): string {
  if (!/\P{ASCII}/u.test(word) || /\p{Script=Cyrillic}/u.test(word)) return word;
  return word.normalize('NFD').replace(/\p{M}/gu, '').replace(/ł/g, 'l');
}

/**
 * Consonant skeleton of a word of five letters or more, in any script: its first five consonants, with the
 * classes that the scripts spell differently merged (k/c/q/g/h/x, s/z/ts, t/d, b/p, v/f/w, sh/ch/zh/j).
 */
export function cognateKey(word: string): string | undefined {
  if (word.length < 5) return undefined;
  const latin = foldLatin(transliterate(word))
    .replace(/sh|ch|zh|sz|cz|rz|j/g, 'J')
    .replace(/kh|ck|q|x|g|h|c(?=[aou])/g, 'k')
    .replace(/ts|c|z/g, 's')
    .replace(/[dt]/g, 't')
    .replace(/[bp]/g, 'b')
    .replace(/[vfw]|ph/g, 'f')
    .replace(/[^a-zJ]/g, '')
    .replace(/[aeiouy]/g, '');
  let key = '';
  for (const char of latin) {
    if (key.endsWith(char)) continue;
    key += char;
    if (key.length >= 5) break;
  }
  return key.length >= 3 ? key : undefined;
}

const WORD = /[\p{L}\p{M}][\p{L}\p{M}\p{N}'’-]*/gu;

/** The item's term bag: its words (stemmed or mapped to lexicon concepts) plus the anchors of its features. */
/** `vocabulary` (hash → key) is filled with the keys seen, so that evidence lines can name the shared terms. */
export function extractTerms(
  title: string,
  text: string,
  language: string,
  features: Features,
  vocabulary?: Map<number, string>,
): Terms {
  const flags = new Map<number, number>();
  const add = (key: string, flag: number): void => {
    const h = hash32(key);
    flags.set(h, (flags.get(h) ?? 0) | flag);
    if (vocabulary && !vocabulary.has(h)) vocabulary.set(h, key);
  };
  const scan = (part: string, inTitle: number): void => {
    for (const match of part.toLowerCase().matchAll(WORD)) {
      const word = match[0].replace(/['’-]+$/u, '');
      if (word.length < 3 || STOP.has(word) || STOPWORDS.has(word)) continue;
      const concept = lookupConcept(word, language);
      if (concept !== undefined) add(concept.includes(':') ? concept : `x:${concept}`, inTitle | TERM_SHARED);
      else {
        add(`w:${foldLatin(stemWord(word, language))}`, inTitle);
        // International words (сенат/senate, президент/president) meet on their consonants across languages.
        const key = cognateKey(word);
        if (key !== undefined) add(`k:${key}`, inTitle | TERM_SHARED | TERM_COGNATE);
      }
    }
  };
  scan(normaliseText(stripTitlePrefix(title)), TERM_TITLE);
  scan(normaliseText(text), 0);
  for (const anchor of features.anchors.values()) {
    const kind =
      anchor.kind === 'name'
        ? TERM_NAME
        : anchor.kind === 'number' || anchor.kind === 'date'
          ? TERM_NUMBER
          : 0;
    add(anchor.key, (anchor.inTitle ? TERM_TITLE : 0) | TERM_SHARED | kind);
  }
  const keys = Uint32Array.from(flags.keys()).sort();
  const out = new Uint8Array(keys.length);
  keys.forEach((key, i) => {
    out[i] = flags.get(key) ?? 0;
  });
  return { keys, flags: out };
}
