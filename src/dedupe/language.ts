// The language the clusterer compares an item in. Declared languages are mostly right, but some feeds declare
// every item English (Polish YouTube channels, .pl hosts declared en-US): a text that is plainly Polish is Polish,
// whatever its feed says, so its words go through the Polish stemmer and lexicon and its pairs count as
// cross-language. Without a declared language, the script decides (Cyrillic → ru, else en), as before.

const POLISH_LETTERS = /[ąćęłńśźżĄĆĘŁŃŚŹŻ]/gu;
const POLISH_WORDS =
  /(?:^|[^\p{L}])(się|nie|jest|że|oraz|dla|przez|jak|czy|już|będzie|został|została|zostało|tylko|który|która|które|także|może|ich|jego|po|od|do|na|w|z|i)(?=[^\p{L}]|$)/giu;

/** The declared language, corrected to Polish when the text is plainly Polish; lower-case ISO 639-1. */
export function effectiveLanguage(declared: string | undefined, text: string): string {
  const lang = declared?.toLowerCase().slice(0, 2);
  if (lang === undefined || lang === '' || lang === 'en') {
    const letters = (text.match(POLISH_LETTERS) ?? []).length;
    const words = (text.match(POLISH_WORDS) ?? []).length;
    if (letters >= 2 && words >= 2) return 'pl';
    if (lang === 'en') return 'en';
    const cyrillic = (text.match(/\p{Script=Cyrillic}/gu) ?? []).length;
    const latin = (text.match(/\p{Script=Latin}/gu) ?? []).length;
    return cyrillic > latin ? 'ru' : 'en';
  }
  return lang;
}
