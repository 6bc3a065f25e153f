// features: what the clusterer compares, computed once per item from its title and text. Pure.
//   - shingles: hashed word 3-grams of the normalised text (boilerplate and bylines removed) — for copies
//   - content: hashed stems of the content words — for "same event, other words" within a language
//   - anchors: language-independent keys — places and organisations (alias table), names (phonetic key), numbers,
//     dates, acronyms — for same event and across languages; each records whether the title has it
import {
  ALIASES,
  STOPWORDS,
  comparisonStem as stem,
  hash32,
  monthOf,
  normaliseText,
  phoneticKey,
  tokenizeCased as tokenise,
  transliterate,
  type Alias,
  type CasedToken as Token,
} from '../text/index.ts';

export type AnchorKind =
  'place' | 'country' | 'org' | 'name' | 'number' | 'small' | 'year' | 'date' | 'acronym';

export interface Anchor {
  key: string;
  kind: AnchorKind;
  inTitle: boolean;
}

export interface Features {
  shingles: Uint32Array;
  content: Uint32Array;
  titleContent: Uint32Array;
  anchors: Map<string, Anchor>;
}

// Lines that syndication adds around the same article: "The post … appeared first on …", "Read more", bylines…
const BOILERPLATE: RegExp[] = [
  /the post .{0,300}? appeared first on .{0,120}?(\.|$)/gi,
  /запись .{0,300}? впервые появилась .{0,120}?(\.|$)/gi,
  /\b(read more|continue reading|read the full (story|article)|подробнее|читать далее|читайте также|batafsil)\b.{0,80}$/gi,
  /\b(subscribe to our|подписывайтесь на наш|follow us on)\b.{0,120}$/gi,
  /^\s*(by|автор:?|author:?)\s+[\p{Lu}][\p{L}.'-]+(\s+[\p{Lu}][\p{L}.'-]+){0,3}\s*[,|–—-]?/gu,
  /\b(photo|фото|rasm|сурет)\s*:\s*[^.]{0,60}(\.|$)/giu,
  /\(?\b(c|©)\s*\d{4}\b.{0,60}$/gi,
  /\[[.…]{1,3}\]|\[…\]/g,
];

// Headline prefixes that outlets add to someone else's story: "UPDATE:", "Exclusive:", "24.kg:", "Video |"…
const TITLE_PREFIX =
  /^\s*((breaking|update[d]?|exclusive|video|photo|watch|срочно|обновлено|эксклюзив|видео|фото)\b\s*[:|–—-]\s*)+/iu;

// Capitalised words that are not names: sentence openers, titles, weekdays, institutions in general.
const NOT_NAMES = new Set(
  (
    'the a an in on at for from with by according this that these it he she they we mr mrs ms dr president minister ' +
    'ministry government police court deputy head chairman director ambassador embassy republic state national ' +
    'international regional city region province district monday tuesday wednesday thursday friday saturday sunday ' +
    'january february march april may june july august september october november december news update breaking ' +
    'в на по как это по словам министерство министр президент суд полиция глава председатель директор посол ' +
    'посольство республика государственный национальный международный область район город понедельник вторник ' +
    'среда четверг пятница суббота воскресенье январь февраль март апрель май июнь июль август сентябрь октябрь ' +
    'ноябрь декабрь также однако кроме при после'
  ).split(/\s+/),
);

function stripBoilerplate(text: string): string {
  let out = text;
  for (const pattern of BOILERPLATE) out = out.replace(pattern, ' ');
  return out;
}

export function stripTitlePrefix(title: string): string {
  const stripped = title.replace(TITLE_PREFIX, '');
  return stripped.trim() === '' ? title : stripped;
}

function sortedUnique(values: number[]): Uint32Array {
  const array = Uint32Array.from(values).sort();
  let write = 0;
  for (let read = 0; read < array.length; read += 1) {
    if (read === 0 || array[read] !== array[read - 1]) array[write++] = array[read] ?? 0;
  }
  return array.slice(0, write);
}

const ALIAS_INDEX = new Map<string, { alias: Alias; words: string[] }[]>();
for (const alias of ALIASES) {
  for (const form of alias.forms) {
    // Russian forms ending in a vowel match their case forms through the stem (Москва → Москве, Москву)
    const words = normaliseText(form)
      .toLowerCase()
      .split(/[\s]+/)
      .map((word) => (word.length >= 5 && /[аяыиеоуюйь]$/.test(word) ? word.slice(0, -1) : word));
    const head = (words[0] ?? '').slice(0, 3);
    const list = ALIAS_INDEX.get(head) ?? [];
    list.push({ alias, words });
    ALIAS_INDEX.set(head, list);
  }
}

function wordMatches(token: Token, form: string, alias: Alias): boolean {
  if (form.length <= 4 && alias.kind === 'org')
    return token.lower === form && token.raw === token.raw.toUpperCase();
  if (form.length <= 3)
    return token.lower === form || (token.lower.startsWith(form) && token.lower.length <= form.length + 1);
  return token.lower.startsWith(form) && token.lower.length - form.length <= 3;
}

// Russian case and adjective endings, so that Карасайском/Карасай and Алматинской/Алматы meet on one key.
function nameStem(word: string): string {
  if (!/\p{Script=Cyrillic}/u.test(word)) return word;
  return word.replace(
    /(ского|ской|ском|ских|ский|ская|ское|ские|ск|ого|ему|ому|ами|ями|ым|им|ой|ей|ом|ем|ах|ях|а|я|у|ю|е|ы|и)$/u,
    '',
  );
}

function parseNumber(raw: string): string {
  // "1 200", "1,200", "1.200" are thousands; "3,5" / "3.5" are decimals
  if (/^\d{1,3}([.,\u00a0 ]\d{3})+$/.test(raw)) return raw.replace(/[.,\u00a0 ]/g, '');
  return raw.replace(',', '.');
}

export function extractFeatures(title: string, text: string, language: string | undefined): Features {
  const cleanTitle = normaliseText(stripTitlePrefix(title));
  const cleanText = normaliseText(stripBoilerplate(text));
  const titleTokens = tokenise(cleanTitle);
  const textTokens = tokenise(cleanText);
  const anchors = new Map<string, Anchor>();
  const add = (key: string, kind: AnchorKind, inTitle: boolean): void => {
    const existing = anchors.get(key);
    if (existing) existing.inTitle ||= inTitle;
    else anchors.set(key, { key, kind, inTitle });
  };

  const scan = (tokens: Token[], inTitle: boolean): void => {
    for (let i = 0; i < tokens.length; i += 1) {
      const token = tokens[i] as Token;
      // aliases (longest form first wins because longer forms are listed with more words)
      let consumed = 0;
      const heads = [token.lower.slice(0, 3), token.lower.slice(0, 2)];
      for (const candidate of heads.flatMap((head) => ALIAS_INDEX.get(head) ?? [])) {
        const { words, alias } = candidate;
        let ok = true;
        for (let w = 0; w < words.length && ok; w += 1) {
          const next = tokens[i + w];
          ok = next !== undefined && wordMatches(next, words[w] as string, alias);
        }
        if (ok && words.length > consumed) {
          consumed = words.length;
          add(
            `${alias.kind === 'country' ? 'c' : alias.kind === 'place' ? 'p' : 'o'}:${alias.id}`,
            alias.kind,
            inTitle,
          );
        }
      }
      if (consumed > 0) {
        i += consumed - 1;
        continue;
      }
      if (/^\d/.test(token.raw)) {
        if (token.raw.includes(':')) {
          add(`t:${token.raw}`, 'small', inTitle);
          continue;
        }
        const value = parseNumber(token.raw);
        const next = tokens[i + 1];
        const previous = tokens[i - 1];
        const month =
          (next ? monthOf(next.lower) : undefined) ?? (previous ? monthOf(previous.lower) : undefined);
        const numeric = Number(value);
        if (month !== undefined && numeric >= 1 && numeric <= 31 && Number.isInteger(numeric)) {
          add(`d:${month}-${numeric}`, 'date', inTitle);
        } else if (/^(19|20)\d\d$/.test(value)) {
          add(`y:${value}`, 'year', inTitle);
        } else if (/^0+$/.test(value)) {
          continue;
        } else if (value.replace(/\D/g, '').length >= 2) {
          add(`#:${value}`, 'number', inTitle);
        } else {
          add(`#:${value}`, 'small', inTitle);
        }
        continue;
      }
      const first = token.raw[0] ?? '';
      const isUpper = first !== first.toLowerCase();
      if (!isUpper) continue;
      const letters = token.raw.replace(/[^\p{L}]/gu, '');
      if (letters.length >= 2 && letters.length <= 6 && letters === letters.toUpperCase()) {
        add(`a:${transliterate(token.lower)}`, 'acronym', inTitle);
        continue;
      }
      if (letters.length < 4 || NOT_NAMES.has(token.lower) || STOPWORDS.has(token.lower)) continue;
      if (monthOf(token.lower) !== undefined) continue;
      const key = phoneticKey(nameStem(token.lower));
      if (key.length < 3) continue;
      // A capitalised sentence opener says nothing; neither does a word of a Title Case headline. In titles a word
      // counts as a name only mid-sentence in a sentence-case headline, or when the text capitalises it too.
      if (inTitle) {
        if (anchors.has(`n:${key}`) || (!token.sentenceStart && !titleCase)) add(`n:${key}`, 'name', true);
        continue;
      }
      if (token.sentenceStart) continue;
      add(`n:${key}`, 'name', false);
    }
  };
  const long = titleTokens.filter((token) => /^\p{L}{4,}/u.test(token.raw));
  const titleCase =
    long.length >= 3 && long.filter((token) => /^\p{Lu}/u.test(token.raw)).length / long.length >= 0.6;
  scan(textTokens, false);
  scan(titleTokens, true);

  const shingleWords = [...titleTokens, ...textTokens].map((token) => token.lower);
  const shingles: number[] = [];
  for (let i = 0; i + 2 < shingleWords.length; i += 1) {
    shingles.push(hash32(`${shingleWords[i]} ${shingleWords[i + 1]} ${shingleWords[i + 2]}`));
  }
  if (shingleWords.length > 0 && shingleWords.length < 3) shingles.push(hash32(shingleWords.join(' ')));

  const contentOf = (tokens: Token[]): number[] =>
    tokens
      .filter((token) => !/^\d/.test(token.raw) && token.lower.length > 2 && !STOPWORDS.has(token.lower))
      .map((token) => hash32(stem(token.lower, language)));

  return {
    shingles: sortedUnique(shingles),
    content: sortedUnique(contentOf([...titleTokens, ...textTokens])),
    titleContent: sortedUnique(contentOf(titleTokens)),
    anchors,
  };
}

/** |A ∩ B| of two sorted unique arrays. */
export function intersectionSize(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      count += 1;
      i += 1;
      j += 1;
    } else if (x < y) i += 1;
    else j += 1;
  }
  return count;
}
