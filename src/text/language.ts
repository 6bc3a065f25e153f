// Language identification for the seven languages tipwire ships rules for: en ru tk uz kk ky tg.
// Letters decide first, because they are certain where trigrams guess (and titles are short):
//   Cyrillic: ӣ ӯ ҷ → Tajik; ў → Uzbek; ә ұ һ, or і with Turkic letters → Kazakh; ң ө ү without any Kazakh-only
//   letter and without қ ғ → Kyrgyz; ҳ қ ғ alone → Uzbek or Tajik (trigrams choose); none → Russian unless trigrams
//   on a long enough text say Kyrgyz or Kazakh written without their letters.
//   Latin: ä ň ý ž → Turkmen; oʻ gʻ (any apostrophe) → Uzbek; ç ş ö ü without ı ğ ə → Turkmen; otherwise trigrams
//   (franc, restricted to eng/uzn/tuk) on longer text, English on short text.
// Texts of another language (Ukrainian є ї ґ, Turkish ı ğ, Azerbaijani ə) give undefined, as does text with almost
// no letters. `allowed` (e.g. a source's declared languages) restricts the answer.
import { franc } from 'franc';

export const LANGUAGES = ['en', 'ru', 'tk', 'uz', 'kk', 'ky', 'tg'] as const;
const ISO3: Record<string, string> = {
  en: 'eng',
  ru: 'rus',
  tk: 'tuk',
  uz: 'uzn',
  kk: 'kaz',
  ky: 'kir',
  tg: 'tgk',
};
const FROM_ISO3: Record<string, string> = Object.fromEntries(Object.entries(ISO3).map(([a, b]) => [b, a]));

/** Letters counted, by their role in the decision. */
interface Counts {
  cyr: number;
  lat: number;
  tajik: number; // ӣ ӯ ҷ
  uzbekCyr: number; // ў
  kazakhOnly: number; // ә ұ һ
  dottedI: number; // і (Kazakh, but also Ukrainian and Belarusian)
  kazKyr: number; // ң ө ү
  qg: number; // қ ғ
  h: number; // ҳ
  ukrainian: number; // є ї ґ
  turkmen: number; // ä ň ý ž
  turkicLatin: number; // ç ş ö ü
  otherTurkic: number; // ı ğ ə
  uzApostrophe: number; // oʻ gʻ
}

const APOS = new Set(["'", 'ʻ', 'ʼ', '’', '‘', '`']);

function countLetters(text: string): Counts {
  const c: Counts = {
    cyr: 0,
    lat: 0,
    tajik: 0,
    uzbekCyr: 0,
    kazakhOnly: 0,
    dottedI: 0,
    kazKyr: 0,
    qg: 0,
    h: 0,
    ukrainian: 0,
    turkmen: 0,
    turkicLatin: 0,
    otherTurkic: 0,
    uzApostrophe: 0,
  };
  const lower = text.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const ch = lower[i] as string;
    const code = ch.charCodeAt(0);
    if (code >= 0x0400 && code <= 0x04ff) {
      c.cyr++;
      if (ch === 'ӣ' || ch === 'ӯ' || ch === 'ҷ') c.tajik++;
      else if (ch === 'ў') c.uzbekCyr++;
      else if (ch === 'ә' || ch === 'ұ' || ch === 'һ') c.kazakhOnly++;
      else if (ch === 'і') c.dottedI++;
      else if (ch === 'ң' || ch === 'ө' || ch === 'ү') c.kazKyr++;
      else if (ch === 'қ' || ch === 'ғ') c.qg++;
      else if (ch === 'ҳ') c.h++;
      else if (ch === 'є' || ch === 'ї' || ch === 'ґ') c.ukrainian++;
    } else if ((code >= 0x61 && code <= 0x7a) || (code >= 0xc0 && code <= 0x24f)) {
      c.lat++;
      if (ch === 'ä' || ch === 'ň' || ch === 'ý' || ch === 'ž') c.turkmen++;
      else if (ch === 'ç' || ch === 'ş' || ch === 'ö' || ch === 'ü') c.turkicLatin++;
      else if (ch === 'ı' || ch === 'ğ' || ch === 'ə') c.otherTurkic++;
      else if ((ch === 'o' || ch === 'g') && APOS.has(lower[i + 1] ?? '')) c.uzApostrophe++;
    }
  }
  return c;
}

/** Text shorter than this (in letters) is not given to trigrams, whose guesses on short titles are noise. */
const TRIGRAM_MIN_LETTERS = 20;

/** Russian prepositions and conjunctions, and ь щ ъ, which Kyrgyz prose hardly uses outside loanwords. */
const RUSSIAN_SIGNS =
  /[ьщъЬЩЪ]|(?:^|[^\p{L}])(?:в|и|на|с|не|по|что|из|за|для|от|к|об|при|как|или|В|И|На|По|Из|За|Для)(?=$|[^\p{L}])/u;

const ENGLISH_SIGNS =
  /(?:^|[^\p{L}])(?:the|of|and|to|in|for|with|from|on|is|are|was|were|has|have|by|its|their)(?=$|[^\p{L}])/giu;

function countMatches(re: RegExp, text: string, enough: number): number {
  re.lastIndex = 0;
  let n = 0;
  while (n < enough && re.exec(text) !== null) n++;
  return n;
}

function trigram(text: string, candidates: string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return candidates[0];
  const guess = franc(text, { only: candidates.map((lang) => ISO3[lang] as string), minLength: 10 });
  return FROM_ISO3[guess];
}

export function detectLanguage(text: string, allowed?: string[]): string | undefined {
  const pool: string[] =
    allowed === undefined || allowed.length === 0
      ? [...LANGUAGES]
      : LANGUAGES.filter((lang) => allowed.map((a) => a.toLowerCase()).includes(lang));
  if (pool.length === 0) return undefined;
  const c = countLetters(text);
  if (c.cyr + c.lat < 3) return pool.length === 1 ? pool[0] : undefined;
  const ok = (lang: string): string | undefined => (pool.includes(lang) ? lang : undefined);

  if (c.cyr >= c.lat) {
    const cyrillicPool = pool.filter((lang) => lang !== 'en' && lang !== 'tk');
    if (cyrillicPool.length === 0) return pool.length === 1 ? pool[0] : undefined;
    if (cyrillicPool.length === 1) return cyrillicPool[0];
    const turkicLetters = c.kazakhOnly + c.kazKyr + c.qg;
    // і, є, ї, ґ without a single Turkic letter: Ukrainian or Belarusian, not ours.
    if ((c.ukrainian > 0 || c.dottedI > 0) && turkicLetters === 0) return undefined;
    if (c.tajik > 0 && c.tajik >= c.uzbekCyr) return ok('tg') ?? trigram(text, cyrillicPool);
    if (c.uzbekCyr > 0) return ok('uz') ?? trigram(text, cyrillicPool);
    if (c.kazakhOnly > 0 || (c.dottedI > 0 && turkicLetters > 0))
      return ok('kk') ?? trigram(text, cyrillicPool);
    if (c.kazKyr > 0 && c.qg === 0 && c.kazakhOnly === 0) return ok('ky') ?? trigram(text, cyrillicPool);
    if (c.kazKyr > 0) return ok('kk') ?? trigram(text, cyrillicPool);
    if (c.qg + c.h > 0) {
      const between = cyrillicPool.filter((lang) => lang === 'uz' || lang === 'tg');
      return trigram(text, between.length > 0 ? between : cyrillicPool);
    }
    // No letter of any Central Asian alphabet: Russian, or Kyrgyz that happens to avoid ң ө ү (trigrams decide
    // between the two on text long enough for them).
    const ruKy = cyrillicPool.filter((lang) => lang === 'ru' || lang === 'ky');
    if (ruKy.length === 2 && c.cyr >= TRIGRAM_MIN_LETTERS && !RUSSIAN_SIGNS.test(text))
      return trigram(text, ruKy);
    return ok('ru') ?? trigram(text, cyrillicPool);
  }

  const latinPool = pool.filter((lang) => lang === 'en' || lang === 'tk' || lang === 'uz');
  if (latinPool.length === 0) return pool.length === 1 ? pool[0] : undefined;
  if (latinPool.length === 1) return latinPool[0];
  if (c.otherTurkic > 0 && c.turkmen === 0 && c.uzApostrophe === 0) return undefined;
  if (c.turkmen > 0) return ok('tk') ?? trigram(text, latinPool);
  if (c.uzApostrophe > 0) return ok('uz') ?? trigram(text, latinPool);
  if (c.turkicLatin > 0) return ok('tk') ?? trigram(text, latinPool);
  // Two English function words settle it without trigrams (Uzbek and Turkmen have none of these words).
  if (pool.includes('en') && countMatches(ENGLISH_SIGNS, text, 2) >= 2) return 'en';
  if (c.lat >= TRIGRAM_MIN_LETTERS) return trigram(text, latinPool);
  return ok('en') ?? trigram(text, latinPool);
}
