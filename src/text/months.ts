// Month names of the seven languages and Polish, lower case: full names, Russian stems (январ → января, январе), common
// abbreviations. monthOf answers 1..12 for a month word (Russian genitive endings accepted), else undefined.
export const MONTHS: Record<string, number> = {};
export const MONTH_NAMES: string[][] = [
  ['january', 'jan', 'январ', 'yanvar', 'қаңтар', 'январь', 'ýanwar', 'styczeń', 'stycznia'],
  ['february', 'feb', 'феврал', 'fevral', 'ақпан', 'fewral', 'luty', 'lutego'],
  ['march', 'mar', 'март', 'mart', 'наурыз', 'marzec', 'marca'],
  ['april', 'apr', 'апрел', 'aprel', 'сәуір', 'kwiecień', 'kwietnia'],
  ['may', 'мая', 'май', 'мамыр', 'maý', 'maj', 'maja'],
  ['june', 'jun', 'июн', 'iyun', 'маусым', 'iýun', 'czerwiec', 'czerwca'],
  ['july', 'jul', 'июл', 'iyul', 'шілде', 'iýul', 'lipiec', 'lipca'],
  ['august', 'aug', 'август', 'avgust', 'тамыз', 'awgust', 'sierpień', 'sierpnia'],
  ['september', 'sep', 'sept', 'сентябр', 'sentyabr', 'қыркүйек', 'sentýabr', 'wrzesień', 'września'],
  ['october', 'oct', 'октябр', 'oktyabr', 'қазан', 'oktýabr', 'październik', 'października'],
  ['november', 'nov', 'ноябр', 'noyabr', 'қараша', 'noýabr', 'listopad', 'listopada'],
  ['december', 'dec', 'декабр', 'dekabr', 'желтоқсан', 'dekabr', 'grudzień', 'grudnia'],
];
MONTH_NAMES.forEach((names, index) => {
  for (const name of names) MONTHS[name] = index + 1;
});

export function monthOf(word: string): number | undefined {
  if (MONTHS[word] !== undefined && word.length > 2) return MONTHS[word];
  // Russian genitive ("мая", "марта", "сентября"): a known stem plus a one- or two-letter ending
  for (let cut = 1; cut <= 2; cut += 1) {
    const stem = word.slice(0, word.length - cut);
    if (stem.length >= 2 && MONTHS[stem] !== undefined && /[а-я]$/.test(word)) return MONTHS[stem];
  }
  return undefined;
}
