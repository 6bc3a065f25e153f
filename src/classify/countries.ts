// Countries a text mentions, by name or demonym, in English, Russian and the five Central Asian languages: the five
// Central Asian states, and the destination and transit countries of the region's migrants. Answers ISO 3166-1
// alpha-2 codes in lower case, in a fixed order. Terms are written folded-friendly (normalize.ts folds қ→к, ң→н,
// ў→у, oʻ→o, ä→a …) and matched with the same engine as topic rules, compiled once on first use.
import { Engine, exprSpans } from './engine.ts';
import type { RuleInput } from './engine.ts';
import { tokenize } from './normalize.ts';
import type { Tokens } from './normalize.ts';

/** Code → terms (rule syntax, no stemming: use * for inflected forms). */
const COUNTRY_TERMS: Record<string, string[]> = {
  kz: [
    'kazakhstan*',
    'kazakh*',
    'kazak*',
    'qazaq*',
    'qozogist*',
    'qozoq*',
    'gazagyst*',
    'gazak*',
    'казахстан*',
    'казах*',
    'казакстан*',
    'казак*',
    'козогист*',
    'казокист*',
  ],
  uz: ['uzbek*', 'ozbek*', 'ozbegist*', 'usbek*', 'узбек*', 'озбек*', 'узбегист*'],
  kg: ['kyrgyz*', 'kirgiz*', 'kirghiz*', 'qirgiz*', 'gyrgyz*', 'кыргыз*', 'киргиз*', 'кирғиз*', 'кыргызст*'],
  tj: ['tajik*', 'tadjik*', 'tojik*', 'tajig*', 'таджик*', 'тажик*', 'тожик*', 'точик*'],
  tm: ['turkmen*', 'turkman*', 'туркмен*', 'туркман*', 'турикмен*', 'туркмон*'],
  ru: [
    'russia',
    'russian*',
    'russias',
    'rossiya*',
    'russiya*',
    'россия',
    'россии',
    'россию',
    'россией',
    'российск*',
    'россиян*',
    '=рф',
    'ресей*',
    'орусия*',
    'русия*',
    'rusiya*',
    'moscow',
    'москв*',
    'moskva*',
  ],
  tr: [
    'turkey',
    'turkeys',
    'turkish',
    'turkiye*',
    'turkiya*',
    'турци*',
    'турецк*',
    'туркия*',
    'istanbul*',
    'стамбул*',
  ],
  ae: [
    '=uae',
    'united arab emirates',
    'emirates',
    '=оаэ',
    'объединенн* араб* эмират*',
    'араб* эмират*',
    'arab amirlik*',
    'араб амирлик*',
    'араб амирлиг*',
    'араб амирлик*',
    'arap emirlik*',
    'dubai*',
    'дубай*',
  ],
  kr: ['south korea*', 'korea*', 'koreya*', 'корея*', 'корей*', 'кореи', 'корею', 'кореяга', 'кореяда'],
  af: ['afghan*', 'afgan*', 'owgan*', 'афган*', 'ауган*', 'ооган*', 'афгон*'],
  cn: ['china', 'chinese', 'xitoy*', 'hytay*', 'китай*', 'китая', 'кытай*', 'хитой*'],
  pl: ['poland', 'polsha*', 'polsa*', 'польш*', 'польск*', 'польша*'],
  de: ['germany', 'german', 'germaniya*', 'germaniy*', 'германи*', 'немец*', 'немецк*'],
  gb: ['united kingdom', 'britain*', 'british', 'великобритан*', 'британи*', 'britaniya*', 'британия*'],
  us: ['united states', '=usa', '=сша', 'aqsh*', '=акш', 'америк*', 'amerik*'],
  ua: ['ukrain*', 'украин*', 'ukraina*', 'украина*'],
  az: [
    'azerbaijan*',
    'azerbaycan*',
    'ozarbayjon*',
    'azerbayjan*',
    'азербайджан*',
    'озарбайжон*',
    'азербайжан*',
  ],
  jp: ['japan*', 'япони*', 'yaponiya*', 'yaponi*', 'japoniya*', 'жапони*'],
  il: ['israel*', 'израил*', 'isroil*', 'исроил*', 'израиль*'],
  sa: ['saudi*', 'саудов*', 'саудия*', 'saudiya*', 'сауд араб*'],
  by: ['belarus*', 'беларус*', 'белорус*'],
};

const ORDER = Object.keys(COUNTRY_TERMS);
let engine: Engine | undefined;

function countryEngine(): Engine {
  engine ??= new Engine({
    titleWeight: 1,
    window: 1,
    sets: {},
    topics: ORDER.map((code) => ({
      id: code,
      threshold: 1,
      terms: {
        xx: (COUNTRY_TERMS[code] ?? []).map((match): RuleInput => ({
          match,
          weight: 1,
          unless: [],
          requires: [],
          field: 'any',
        })),
      },
    })),
  });
  return engine;
}

export function extractCountries(text: string): string[] {
  return countriesInTokens([tokenize(text)]);
}

/** extractCountries on texts already tokenized (classifyItem shares tokens with topic scoring). */
export function countriesInTokens(texts: Tokens[]): string[] {
  const compiled = countryEngine();
  const found = new Set<number>();
  for (const tokens of texts) {
    const hits = compiled.findWords(tokens);
    if (hits.size === 0) continue;
    for (const index of compiled.candidateRules(hits)) {
      const rule = compiled.rules[index];
      if (rule !== undefined && !found.has(rule.topic) && exprSpans(rule.expr, hits).length > 0)
        found.add(rule.topic);
    }
  }
  return [...found].sort((a, b) => a - b).map((i) => ORDER[i] as string);
}
