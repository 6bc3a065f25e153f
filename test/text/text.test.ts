// Table tests for the shared text toolkit (src/text): folding and tokenising, language identification, the
// comparison stem, month and country tables.
import { describe, expect, it } from 'vitest';
import { comparisonStem, detectLanguage, monthOf, tokenize, tokenizeCased } from '../../src/text/index.ts';

describe('normalisation', () => {
  const cases: [string, string, string[]][] = [
    ['NFKC and case', 'ＴＲＡＦＦＩＣＫＩＮＧ Human', ['trafficking', 'human']],
    ['ё folds to е', 'Её ёлка', ['ее', 'елка']],
    ['Kazakh letters fold', 'Адам саудасының құрбандары', ['адам', 'саудасынын', 'курбандары']],
    ['Tajik letters fold', 'Муҳоҷирони меҳнатӣ', ['мухочирони', 'мехнати']],
    ['Uzbek Cyrillic ў қ ғ ҳ', 'Ўзбекистон қочқин ғолиб ҳуқуқ', ['узбекистон', 'кочкин', 'голиб', 'хукук']],
    [
      'Turkmen Latin letters',
      'Türkmenistanyň adam söwdasy ýaşaýyş žurnal',
      ['turkmenistanyn', 'adam', 'sowdasy', 'yasayys', 'zurnal'],
    ],
    [
      'Uzbek apostrophes of every kind',
      "Oʻzbekiston O'zbekiston O’zbekiston gʻalaba",
      ['ozbekiston', 'ozbekiston', 'ozbekiston', 'galaba'],
    ],
    ['Latin look-alike inside a Cyrillic word', 'торгoвля', ['торговля']],
    ['Cyrillic look-alike inside a Latin word', 'trаfficking', ['trafficking']],
    [
      'hyphens and punctuation separate words',
      'anti-trafficking, (people)',
      ['anti', 'trafficking', 'people'],
    ],
  ];
  it.each(cases)('%s', (_name, input, words) => {
    expect(tokenize(input).words).toEqual(words);
  });
  it('keeps offsets into the NFKC text for evidence', () => {
    const t = tokenize('Торговля людьми');
    expect(t.text.slice(t.starts[1], t.ends[1])).toBe('людьми');
  });
});

describe('detectLanguage', () => {
  const cases: [string, string, string | undefined][] = [
    ['English', 'Police rescue victims of human trafficking in Osh', 'en'],
    ['Russian', 'В Бишкеке задержан вербовщик, отправлявший женщин в Турцию', 'ru'],
    ['Kazakh', 'Адам саудасының құрбандарына арналған баспана ашылды', 'kk'],
    ['Kyrgyz', 'Эмгек мигранттары Орусиядан жөнөткөн акча которуулар өстү', 'ky'],
    ['Tajik', 'Муҳоҷирони меҳнатӣ аз Русия ба ватан пул интиқол доданд', 'tg'],
    ['Uzbek Cyrillic', 'Меҳнат мигрантлари учун янги суғурта тизими жорий қилинади', 'uz'],
    ['Uzbek Latin', 'Odam savdosi qurbonlariga yordam koʻrsatildi', 'uz'],
    ['Turkmen', 'Zähmet migrantlary üçin maslahat merkezi açyldy', 'tk'],
    ['Ukrainian is not ours', 'Міграційна служба України видала нові паспорти', undefined],
    ['Turkish is not ours', 'Göç idaresi yeni kuralları açıkladı ve ılımlı bir dil kullandı', undefined],
    ['too little text', '!!', undefined],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(detectLanguage(text)).toBe(expected);
  });
  it('allowed languages restrict the answer', () => {
    expect(detectLanguage('Адам саудасының құрбандары', ['ru', 'kk'])).toBe('kk');
    expect(detectLanguage('Some text in English here', ['ru'])).toBe('ru');
  });
});

describe('tokenizeCased', () => {
  it('keeps case, numbers with thousands separators and sentence starts', () => {
    const tokens = tokenizeCased('UNODC met 1 200 migrants. Then COVID-19 came');
    expect(tokens.map((t) => t.raw)).toEqual([
      'UNODC',
      'met',
      '1 200',
      'migrants',
      'Then',
      'COVID-19',
      'came',
    ]);
    expect(tokens.filter((t) => t.sentenceStart).map((t) => t.raw)).toEqual(['UNODC', 'Then']);
  });
});

describe('comparisonStem', () => {
  const cases: [string, string, string | undefined, string][] = [
    ['English plural', 'migrants', 'en', 'migrant'],
    ['Russian case form', 'мигрантов', 'ru', 'мигрант'],
    ['Turkic: first six letters', 'мигранттардын', 'ky', 'мигран'],
    ['Cyrillic word in an English text: not stemmed by English', 'мигрантов', 'en', 'мигран'],
  ];
  it.each(cases)('%s', (_name, word, lang, stem) => expect(comparisonStem(word, lang)).toBe(stem));
});

describe('monthOf', () => {
  const cases: [string, number | undefined][] = [
    ['september', 9],
    ['сентября', 9],
    ['sentýabr', 9],
    ['września', 9],
    ['maja', 5],
    ['grudnia', 12],
    ['mar', 3],
    ['migrant', undefined],
  ];
  it.each(cases)('%s → %s', (word, month) => expect(monthOf(word)).toBe(month));
});
