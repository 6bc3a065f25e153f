// Language-independent keys for names: a Cyrillic→Latin transliteration, a phonetic skeleton that survives the
// usual spelling differences between English, Russian and the Turkic languages (Ashgabat/Ашхабад, Tashkent/Toshkent/
// Ташкент, Berdimuhamedov/Бердымухамедов), and an alias table for places and organisations whose names differ by
// more than spelling (UNODC/УНП ООН, IOM/МОМ/XMT). Data only, plus three small pure functions.

const CYRILLIC: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'sh',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  // Kazakh, Kyrgyz, Tajik, Uzbek Cyrillic
  ә: 'a',
  ғ: 'g',
  қ: 'q',
  ң: 'n',
  ө: 'o',
  ұ: 'u',
  ү: 'u',
  һ: 'h',
  і: 'i',
  ӣ: 'i',
  ӯ: 'u',
  ҳ: 'h',
  ҷ: 'j',
  ў: 'o',
  // Ukrainian, Azerbaijani leftovers
  є: 'ye',
  ї: 'yi',
  ґ: 'g',
  ј: 'y',
};

const LATIN_SPECIAL: Record<string, string> = {
  ş: 'sh',
  ç: 'ch',
  ž: 'zh',
  ň: 'n',
  ý: 'y',
  ä: 'a',
  ö: 'o',
  ü: 'u',
  ı: 'i',
  ğ: 'g',
  ə: 'a',
  â: 'a',
  î: 'i',
  û: 'u',
  é: 'e',
  è: 'e',
  á: 'a',
  í: 'i',
  ó: 'o',
  ú: 'u',
  ñ: 'n',
  č: 'ch',
  š: 'sh',
  ğ̆: 'g',
};

/** Lower-case Latin spelling of any of our scripts (input should already be lower case). */
export function transliterate(word: string): string {
  let out = '';
  for (const char of word) out += CYRILLIC[char] ?? LATIN_SPECIAL[char] ?? char;
  // Uzbek Latin o‘ g‘ and apostrophes in names
  return out.replace(/['’ʻʼ`‘]/g, '');
}

/**
 * Phonetic skeleton: first sound class plus up to three consonant classes, vowels dropped, repeats collapsed.
 * Classes merge what the scripts spell differently (g/k/q/kh/h/x, d/t, b/p, v/f/w, s/z/ts, sh/ch/zh/j/dzh).
 */
export function phoneticKey(word: string): string {
  const latin = transliterate(word.toLowerCase())
    .replace(/dzh|dj/g, 'J')
    .replace(/sh|ch|zh|j/g, 'J')
    .replace(/kh|ck|q|x|g|h/g, 'k')
    .replace(/ts|c|z/g, 's')
    .replace(/[dt]/g, 't')
    .replace(/[bp]/g, 'b')
    .replace(/[vfw]|ph/g, 'f')
    .replace(/[^a-zJ]/g, '');
  if (latin === '') return '';
  const first = /[aeiouy]/.test(latin[0] ?? '') ? 'a' : (latin[0] ?? '');
  let key = first;
  let previous = first;
  for (const char of latin.slice(1)) {
    if (/[aeiouy]/.test(char)) {
      previous = '';
      continue;
    }
    if (char === previous) continue;
    key += char;
    previous = char;
    if (key.length >= 4) break;
  }
  return key;
}

export interface Alias {
  /** Canonical id, e.g. "unodc", "ashgabat". */
  id: string;
  kind: 'place' | 'country' | 'org';
  /** Surface forms, lower case, words separated by single spaces; inflected endings are allowed after each word. */
  forms: string[];
}

// Countries are weak evidence (almost every story names one); places and organisations are stronger.
export const ALIASES: Alias[] = [
  {
    id: 'tm',
    kind: 'country',
    forms: [
      'turkmenistan',
      'туркменистан',
      'туркмения',
      'türkmenistan',
      'turkmaniston',
      'туркманистон',
      'түркменстан',
      'туркменстан',
    ],
  },
  {
    id: 'uz',
    kind: 'country',
    forms: [
      'uzbekistan',
      'узбекистан',
      "o'zbekiston",
      'o‘zbekiston',
      'ozbekiston',
      'ўзбекистон',
      'өзбекстан',
      'özbegistan',
      'ӯзбекистон',
    ],
  },
  {
    id: 'kz',
    kind: 'country',
    forms: [
      'kazakhstan',
      'казахстан',
      'qazaqstan',
      'қазақстан',
      "qozog'iston",
      'қозоғистон',
      'казакстан',
      'gazagystan',
    ],
  },
  {
    id: 'kg',
    kind: 'country',
    forms: [
      'kyrgyzstan',
      'кыргызстан',
      'киргизия',
      'киргизстан',
      "qirg'iziston",
      'қирғизистон',
      'қырғызстан',
      'gyrgyzystan',
      'қирғизистон',
    ],
  },
  {
    id: 'tj',
    kind: 'country',
    forms: ['tajikistan', 'таджикистан', 'тоҷикистон', 'tojikiston', 'тәжікстан', 'тажикстан', 'täjigistan'],
  },
  {
    id: 'ru',
    kind: 'country',
    forms: ['russia', 'россия', 'росси', 'rossiya', 'ресей', 'орусия', 'русия', 'rusiýa', 'rusiya'],
  },
  {
    id: 'tr',
    kind: 'country',
    forms: ['turkey', 'türkiye', 'турция', 'туркия', 'turkiya', 'түркия', 'түркие', 'türkiýe'],
  },
  {
    id: 'ae',
    kind: 'country',
    forms: ['uae', 'united arab emirates', 'оаэ', 'объединенные арабские эмираты', 'бaa', 'baa'],
  },
  {
    id: 'af',
    kind: 'country',
    forms: ['afghanistan', 'афганистан', "afg'oniston", 'афғонистон', 'ауғанстан', 'owganystan'],
  },
  { id: 'cn', kind: 'country', forms: ['china', 'китай', 'xitoy', 'хитой', 'қытай', 'кытай', 'hytaý'] },
  {
    id: 'kr',
    kind: 'country',
    forms: ['south korea', 'korea', 'корея', 'koreya', 'корея', 'кореясы', 'koreýa'],
  },
  { id: 'pl', kind: 'country', forms: ['poland', 'польша', 'polsha', 'польшa', 'полша', 'polşa'] },
  { id: 'ua', kind: 'country', forms: ['ukraine', 'украина', 'ukraina', 'украина', 'украйна'] },
  {
    id: 'gb',
    kind: 'country',
    forms: ['united kingdom', 'britain', 'великобритания', 'britaniya', 'британия', 'ulybritaniýa'],
  },
  {
    id: 'de',
    kind: 'country',
    forms: ['germany', 'германия', 'germaniya', 'германия', 'германиya', 'germaniýa'],
  },
  {
    id: 'ashgabat',
    kind: 'place',
    forms: [
      'ашхабадск',
      'ashgabat',
      'ashkhabad',
      'aşgabat',
      'ашхабад',
      'ашгабат',
      'ashxobod',
      'ашхобод',
      'ашғабат',
    ],
  },
  {
    id: 'dashoguz',
    kind: 'place',
    forms: ['дашогузск', 'dashoguz', 'dashogus', 'daşoguz', 'дашогуз', 'дашховуз', 'дашховузе', 'doshhovuz'],
  },
  {
    id: 'turkmenabat',
    kind: 'place',
    forms: ['turkmenabat', 'türkmenabat', 'туркменабат', 'чарджоу', 'turkmanobod'],
  },
  {
    id: 'mary',
    kind: 'place',
    forms: ['mary province', 'mary velayat', 'марыйский', 'мары', 'mary welaýaty'],
  },
  {
    id: 'balkanabat',
    kind: 'place',
    forms: ['balkanabat', 'балканабат', 'balkan province', 'балканский велаят', 'balkan welaýaty'],
  },
  { id: 'lebap', kind: 'place', forms: ['lebap', 'лебап', 'лебапский'] },
  { id: 'tashkent', kind: 'place', forms: ['ташкентск', 'tashkent', 'toshkent', 'ташкент', 'тошкент'] },
  {
    id: 'samarkand',
    kind: 'place',
    forms: ['самаркандск', 'samarkand', 'samarqand', 'самарканд', 'самарқанд'],
  },
  { id: 'bukhara', kind: 'place', forms: ['бухарск', 'bukhara', 'buxoro', 'бухара', 'бухоро', 'бұхара'] },
  {
    id: 'fergana',
    kind: 'place',
    forms: ['ферганск', 'fergana', 'ferghana', "farg'ona", 'фергана', 'фарғона', 'фергана'],
  },
  {
    id: 'andijan',
    kind: 'place',
    forms: ['андижанск', 'andijan', 'andijon', 'андижан', 'андижон', 'әндіжан'],
  },
  { id: 'namangan', kind: 'place', forms: ['наманганск', 'namangan', 'наманган'] },
  { id: 'khorezm', kind: 'place', forms: ['хорезмск', 'khorezm', 'xorazm', 'хорезм', 'хоразм'] },
  { id: 'nukus', kind: 'place', forms: ['nukus', 'нукус'] },
  {
    id: 'karakalpakstan',
    kind: 'place',
    forms: ['karakalpakstan', "qoraqalpog'iston", 'каракалпакстан', 'қорақалпоғистон'],
  },
  {
    id: 'kashkadarya',
    kind: 'place',
    forms: ['кашкадарьинск', 'kashkadarya', 'qashqadaryo', 'кашкадарья', 'қашқадарё'],
  },
  { id: 'surkhandarya', kind: 'place', forms: ['surkhandarya', 'surxondaryo', 'сурхандарья', 'сурхондарё'] },
  { id: 'bishkek', kind: 'place', forms: ['бишкекск', 'bishkek', 'бишкек', 'бішкек'] },
  { id: 'osh', kind: 'place', forms: ['ошск', 'osh', 'ош'] },
  { id: 'batken', kind: 'place', forms: ['баткенск', 'batken', 'баткен'] },
  {
    id: 'jalalabad',
    kind: 'place',
    forms: [
      'джалал-абадск',
      'jalal-abad',
      'jalalabad',
      'джалал-абад',
      'жалал-абад',
      'джалал абад',
      'jalal abad',
      'жалал абад',
    ],
  },
  { id: 'karakol', kind: 'place', forms: ['каракольск', 'karakol', 'каракол'] },
  { id: 'naryn', kind: 'place', forms: ['нарынск', 'naryn', 'нарын'] },
  { id: 'talas', kind: 'place', forms: ['таласск', 'talas', 'талас'] },
  {
    id: 'issykkul',
    kind: 'place',
    forms: [
      'иссык-кульск',
      'issyk-kul',
      'issyk kul',
      'иссык-куль',
      'иссык куль',
      'ысык-көл',
      'ысык көл',
      'issiqko‘l',
      'issiqkol',
    ],
  },
  { id: 'chui', kind: 'place', forms: ['чуйск', 'chui', 'chuy', 'чуй', 'чүй'] },
  { id: 'almaty', kind: 'place', forms: ['алматинск', 'almaty', 'алматы', 'алма-ата', 'olmaota', 'олмаота'] },
  { id: 'astana', kind: 'place', forms: ['astana', 'астана', 'nur-sultan', 'нур-султан'] },
  { id: 'shymkent', kind: 'place', forms: ['шымкентск', 'shymkent', 'шымкент', 'chimkent', 'чимкент'] },
  { id: 'karaganda', kind: 'place', forms: ['karaganda', 'qaraghandy', 'караганда', 'қарағанды'] },
  { id: 'aktau', kind: 'place', forms: ['aktau', 'актау', 'ақтау'] },
  { id: 'atyrau', kind: 'place', forms: ['atyrau', 'атырау'] },
  { id: 'turkestan', kind: 'place', forms: ['turkestan region', 'туркестанск', 'түркістан'] },
  { id: 'aktobe', kind: 'place', forms: ['aktobe', 'aqtobe', 'актобе', 'актюбинск', 'ақтөбе'] },
  { id: 'samara', kind: 'place', forms: ['samara', 'самар', 'самарск'] },
  { id: 'dushanbe', kind: 'place', forms: ['душанбинск', 'dushanbe', 'душанбе', 'dushanbe'] },
  { id: 'khujand', kind: 'place', forms: ['khujand', 'khudzhand', 'худжанд', 'хуҷанд', 'xo‘jand', 'xujand'] },
  { id: 'kulob', kind: 'place', forms: ['kulob', 'kulyab', 'куляб', 'кулоб'] },
  { id: 'khorog', kind: 'place', forms: ['khorog', 'хорог', 'хоруғ'] },
  { id: 'gbao', kind: 'place', forms: ['gbao', 'гбао', 'gorno-badakhshan', 'горно-бадахшан', 'вмкб'] },
  { id: 'sughd', kind: 'place', forms: ['согдийск', 'sughd', 'sogd', 'согд', 'суғд'] },
  { id: 'khatlon', kind: 'place', forms: ['хатлонск', 'khatlon', 'хатлон'] },
  {
    id: 'moscow',
    kind: 'place',
    forms: ['московск', 'moscow', 'москва', 'москве', 'moskva', 'мәскеу', 'москов', 'moskwa'],
  },
  {
    id: 'stpetersburg',
    kind: 'place',
    forms: [
      'st petersburg',
      'saint petersburg',
      'st. petersburg',
      'санкт-петербург',
      'петербург',
      'sankt-peterburg',
    ],
  },
  { id: 'yekaterinburg', kind: 'place', forms: ['yekaterinburg', 'екатеринбург'] },
  { id: 'novosibirsk', kind: 'place', forms: ['novosibirsk', 'новосибирск'] },
  { id: 'dubai', kind: 'place', forms: ['dubai', 'дубай', 'dubay'] },
  { id: 'istanbul', kind: 'place', forms: ['istanbul', 'стамбул', 'istanbul', 'истанбул', 'ystanbul'] },
  {
    id: 'unodc',
    kind: 'org',
    forms: [
      'unodc',
      'унп оон',
      'юнодк',
      'управление оон по наркотикам и преступности',
      'un office on drugs and crime',
      'bmt giyohvand',
      'бмтнинг гиёҳванд',
    ],
  },
  {
    id: 'iom',
    kind: 'org',
    forms: [
      'iom',
      'мом',
      'международная организация по миграции',
      'international organization for migration',
      'xalqaro migratsiya tashkiloti',
      'халықаралық көші-қон ұйымы',
      'хмт',
      'xmt',
      'эмм',
      'халкаралык миграция уюму',
    ],
  },
  {
    id: 'unhcr',
    kind: 'org',
    forms: [
      'unhcr',
      'увкб',
      'управление верховного комиссара оон по делам беженцев',
      'un refugee agency',
      'bmt qochqinlar',
    ],
  },
  {
    id: 'osce',
    kind: 'org',
    forms: [
      'osce',
      'обсе',
      'организация по безопасности и сотрудничеству в европе',
      'еххт',
      'еқыұ',
      'ыкбу',
      'yxht',
      'ybgt',
    ],
  },
  {
    id: 'un',
    kind: 'org',
    forms: ['united nations', 'un', 'оон', 'bmt', 'бмт', 'бұұ', 'бую', 'бдт', 'birleşen milletler'],
  },
  {
    id: 'ilo',
    kind: 'org',
    forms: [
      'ilo',
      'international labour organization',
      'мот',
      'международная организация труда',
      'xmt',
      'ilo',
    ],
  },
  { id: 'unicef', kind: 'org', forms: ['unicef', 'юнисеф'] },
  { id: 'usaid', kind: 'org', forms: ['usaid', 'юсаид', 'агентство сша по международному развитию'] },
  {
    id: 'eu',
    kind: 'org',
    forms: [
      'european union',
      'eu',
      'евросоюз',
      'европейский союз',
      'ес',
      'yevropa ittifoqi',
      'еуропалық одақ',
      'евробиримдик',
    ],
  },
  { id: 'hrw', kind: 'org', forms: ['human rights watch', 'hrw', 'хьюман райтс вотч'] },
  {
    id: 'amnesty',
    kind: 'org',
    forms: ['amnesty international', 'амнести интернешнл', 'международная амнистия'],
  },
  {
    id: 'usembassy',
    kind: 'org',
    forms: ['us embassy', 'u.s. embassy', 'посольство сша', 'aqsh elchixonasi', 'ақш елшілігі'],
  },
  { id: 'undp', kind: 'org', forms: ['undp', 'программа развития оон', 'проон', 'bmttd'] },
  {
    id: 'fmsru',
    kind: 'org',
    forms: [
      'mvd',
      'мвд',
      'ministry of internal affairs',
      'ministry of interior',
      'interior ministry',
      'министерство внутренних дел',
      'iib',
      'ички ишлар вазирлиги',
      'ichki ishlar vazirligi',
      'иим',
    ],
  },
  { id: 'gknb', kind: 'org', forms: ['gknb', 'гкнб', 'state committee for national security'] },
  {
    id: 'shos',
    kind: 'org',
    forms: ['sco', 'шос', 'shanghai cooperation organisation', 'шанхайская организация сотрудничества'],
  },
  { id: 'cis', kind: 'org', forms: ['cis', 'снг', 'mdh', 'тмд', 'commonwealth of independent states'] },
];
