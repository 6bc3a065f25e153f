// StoryClusterer: assigns items to stories, one at a time, against every item already seen inside the window.
// Incremental and in memory: seed it with the window's clustered items (with their storyId), then assign new ones.
// Pure (no I/O); the poll job keeps one between polls and persists what it returns.
//
// Rule order for a new item (first that applies wins; precision first — when in doubt, a new story):
//   0. an item id already seen keeps its story (an outlet edited its headline: an update, not news)
//   1. same canonical URL                                                  → copy
//   2. same host and numeric article id under another language path/subdomain (/en/post/38483 ~ /ru/post/38483)
//                                                                           → translation
//   3. MinHash/LSH candidates whose shingle sets agree (Jaccard ≥ copyThreshold, or a teaser contained in a full
//      text), unless they name different places/numbers/dates (two trainings in two cities)    → copy
//   4. candidates sharing rare anchors (names, places, numbers, dates, acronyms) inside eventWindowHours:
//        same language: enough anchors + enough content words, no conflicting title facts    → same-event
//        other language: most anchors shared, one of them in both titles, no conflict         → translation
//      when the later item is a later phase of the case (arrest → trial → verdict → appeal → protest), or the
//      match is older than the event window, it is a new story that follows the matched one
//   5. otherwise a new story
// Candidate search never compares all pairs: LSH buckets and anchor postings are read at most CAP entries deep, so
// each assignment costs O(features × CAP) whatever the window holds.
import { stableId } from '../core/hash.ts';
import { bandKeys, minhash } from './minhash.ts';
import {
  extractFeatures,
  intersectionSize,
  type Anchor,
  type AnchorKind,
  type Features,
} from './features.ts';
import { canonicalUrl } from './canonical.ts';

export type Relation = 'new' | 'copy' | 'same-event' | 'translation';

export interface ClusterInput {
  id: string;
  sourceId: string;
  url?: string | undefined;
  title: string;
  /** Plain text: summary, or the full text when the feed gives it. */
  text: string;
  language?: string | undefined;
  publishedAt: string;
  /** Set when seeding with already-clustered items. */
  storyId?: string | undefined;
}

export interface Assignment {
  storyId: string;
  relation: Relation;
  /** The item this one was matched to (absent for a new story without a predecessor). */
  matchedItemId?: string | undefined;
  followsStoryId?: string | undefined;
  /** One line an operator can read: which rule, against which item, on what evidence. */
  evidence: string;
}

export interface ClustererOptions {
  windowDays: number;
  eventWindowHours: number;
  copyThreshold: number;
  trackingParams: string[];
}

interface Doc {
  id: string;
  sourceId: string;
  storyId: string;
  time: number;
  language: string;
  url: string | undefined;
  features: Features;
  signature: Uint32Array;
  phase: number;
  alive: boolean;
}

interface Candidate {
  doc: Doc;
  relation: Exclude<Relation, 'new'>;
  score: number;
  follows: boolean;
  evidence: string;
}

const CAP = 64;
const HOUR = 3_600_000;

const KIND_WEIGHT: Record<AnchorKind, number> = {
  name: 1,
  number: 1,
  small: 0.5,
  date: 0.8,
  place: 0.8,
  acronym: 0.6,
  org: 0.5,
  year: 0.2,
  country: 0.15,
};
const SPECIFIC: ReadonlySet<AnchorKind> = new Set([
  'name',
  'number',
  'small',
  'date',
  'place',
  'acronym',
  'org',
]);
const HARD: ReadonlySet<AnchorKind> = new Set(['number', 'date', 'place', 'org', 'acronym']);
const FACT: ReadonlySet<AnchorKind> = new Set(['number', 'date', 'place']);
const LANGUAGE_SEGMENT =
  /^(en|eng|english|ru|rus|russian|uz|uzb|oz|uzc|kk|kz|kaz|ky|kg|kir|tk|tm|tg|tj|taj|tr|de|fr)$/i;

// Words that mark a later phase of the same case; the higher phase is the follow-up of the lower one.
const PHASES: [RegExp, number][] = [
  [/^(detain|arrest|задерж|арестов|qo'lga|ushlan|ұста|кармал)/, 1],
  [/^(charg|indict|обвин|ayblan|айыпта|айыпта)/, 2],
  [/^(trial|hearing|court-hear|судебн|заседан|слушан|sud majlis)/, 3],
  [/^(sentenc|convict|jail|prison|verdict|приговор|осужден|осуждён|лишени|hukm|qamoq|сотталд|кесилди)/, 4],
  [/^(appeal|апелляц|обжал|shikoyat)/, 5],
  [
    /^(protest|rally|demonstrat|react|respond|condemn|critici|outrage|протест|митинг|пикет|осудил|возмущ|раскритик|норозилик|наразылық)/,
    6,
  ],
];

function phaseOf(title: string): number {
  let phase = 0;
  for (const word of title.toLowerCase().split(/[^\p{L}'-]+/u)) {
    for (const [pattern, value] of PHASES) if (pattern.test(word) && value > phase) phase = value;
  }
  return phase;
}

function scriptOf(text: string): string {
  const cyrillic = (text.match(/\p{Script=Cyrillic}/gu) ?? []).length;
  const latin = (text.match(/\p{Script=Latin}/gu) ?? []).length;
  return cyrillic > latin ? 'cyrl' : 'latn';
}

export class StoryClusterer {
  readonly options: ClustererOptions;
  private docs: Doc[] = [];
  private byId = new Map<string, Doc>();
  private byUrl = new Map<string, Doc>();
  private byUrlId = new Map<string, Doc[]>();
  private buckets = new Map<number, Doc[]>();
  private postings = new Map<string, Doc[]>();
  private df = new Map<string, number>();
  private dead = 0;

  constructor(options: ClustererOptions) {
    this.options = options;
  }

  get size(): number {
    return this.docs.length - this.dead;
  }

  has(id: string): boolean {
    return this.byId.get(id)?.alive === true;
  }

  storyOf(id: string): string | undefined {
    const doc = this.byId.get(id);
    return doc?.alive ? doc.storyId : undefined;
  }

  /** Adds items that already belong to stories (from the store), without deciding anything. */
  seed(items: Iterable<ClusterInput & { storyId: string }>): void {
    for (const item of items) {
      if (this.has(item.id)) continue;
      this.add(this.makeDoc(item, item.storyId));
    }
  }

  /** Decides the story of one item and remembers it for the next ones. */
  assign(item: ClusterInput): Assignment {
    const known = this.byId.get(item.id);
    if (known?.alive) {
      return {
        storyId: known.storyId,
        relation: 'copy',
        matchedItemId: item.id,
        evidence: 'same item id: an update keeps its story',
      };
    }
    const doc = this.makeDoc(item, '');
    const best = this.match(doc);
    let assignment: Assignment;
    if (best && !best.follows) {
      doc.storyId = best.doc.storyId;
      assignment = {
        storyId: best.doc.storyId,
        relation: best.relation,
        matchedItemId: best.doc.id,
        evidence: best.evidence,
      };
    } else {
      doc.storyId = stableId(`story:${item.id}`);
      assignment = best
        ? {
            storyId: doc.storyId,
            relation: 'new',
            matchedItemId: best.doc.id,
            followsStoryId: best.doc.storyId,
            evidence: `follows ${best.doc.id}: ${best.evidence}`,
          }
        : { storyId: doc.storyId, relation: 'new', evidence: 'no earlier item tells this news' };
    }
    this.add(doc);
    return assignment;
  }

  /** Forgets items published before the window (relative to now); rebuilds the indexes when many are gone. */
  prune(now: Date): number {
    const cutoff = now.getTime() - this.options.windowDays * 24 * HOUR;
    let removed = 0;
    for (const doc of this.docs) {
      if (doc.alive && doc.time < cutoff) {
        doc.alive = false;
        this.dead += 1;
        removed += 1;
        for (const anchor of doc.features.anchors.keys()) this.df.set(anchor, (this.df.get(anchor) ?? 1) - 1);
      }
    }
    if (this.dead > 0 && this.dead * 2 > this.docs.length) this.rebuild();
    return removed;
  }

  private rebuild(): void {
    const live = this.docs.filter((doc) => doc.alive);
    this.docs = [];
    this.byId.clear();
    this.byUrl.clear();
    this.byUrlId.clear();
    this.buckets.clear();
    this.postings.clear();
    this.df.clear();
    this.dead = 0;
    for (const doc of live) this.add(doc);
  }

  private makeDoc(item: ClusterInput, storyId: string): Doc {
    const features = extractFeatures(item.title, item.text, item.language);
    const url = item.url
      ? canonicalUrl(item.url, { trackingParams: this.options.trackingParams })
      : undefined;
    const time = Date.parse(item.publishedAt);
    return {
      id: item.id,
      sourceId: item.sourceId,
      storyId,
      time: Number.isNaN(time) ? 0 : time,
      language: item.language?.toLowerCase() || scriptOf(`${item.title} ${item.text}`),
      url,
      features,
      signature: minhash(features.shingles),
      phase: phaseOf(item.title),
      alive: true,
    };
  }

  private add(doc: Doc): void {
    this.docs.push(doc);
    this.byId.set(doc.id, doc);
    if (doc.url) {
      this.byUrl.set(doc.url, doc);
      const key = urlIdKey(doc.url);
      if (key) push(this.byUrlId, key.key, doc);
    }
    if (doc.features.shingles.length > 0)
      for (const key of bandKeys(doc.signature)) push(this.buckets, key, doc);
    for (const [key, anchor] of doc.features.anchors) {
      this.df.set(key, (this.df.get(key) ?? 0) + 1);
      if (SPECIFIC.has(anchor.kind)) push(this.postings, key, doc);
    }
  }

  private inWindow(a: Doc, b: Doc, hours: number): boolean {
    return Math.abs(a.time - b.time) <= hours * HOUR;
  }

  private match(doc: Doc): Candidate | undefined {
    const windowHours = this.options.windowDays * 24;
    // 1. same canonical URL
    if (doc.url) {
      const same = this.byUrl.get(doc.url);
      if (same?.alive)
        return {
          doc: same,
          relation: 'copy',
          score: 1,
          follows: false,
          evidence: `same canonical URL as ${same.id}`,
        };
      // 2. same article id under another language
      const key = urlIdKey(doc.url);
      if (key) {
        for (const other of recent(this.byUrlId.get(key.key))) {
          const otherKey = other.url ? urlIdKey(other.url) : undefined;
          if (
            !other.alive ||
            !otherKey ||
            otherKey.language === key.language ||
            !this.inWindow(doc, other, windowHours)
          )
            continue;
          return {
            doc: other,
            relation: 'translation',
            score: 1,
            follows: false,
            evidence: `translation of ${other.id}: same host and article id ${key.id} under ${otherKey.language} and ${key.language}`,
          };
        }
      }
    }

    // 3. copies by MinHash candidates, verified on the exact shingle sets
    let best: Candidate | undefined;
    const seen = new Set<Doc>();
    if (doc.features.shingles.length > 0) {
      for (const key of bandKeys(doc.signature)) {
        for (const other of recent(this.buckets.get(key))) {
          if (seen.has(other) || !other.alive || !this.inWindow(doc, other, windowHours)) continue;
          seen.add(other);
          const candidate = this.verifyCopy(doc, other);
          if (candidate && (!best || candidate.score > best.score)) best = candidate;
        }
      }
    }
    if (best) return best;

    // 4. same event / translation by shared anchors: count shared anchors while reading the postings, and verify
    //    only the items that share at least two (most share one common place or organisation and nothing else)
    const shared = new Map<Doc, number>();
    for (const [key, anchor] of doc.features.anchors) {
      if (!SPECIFIC.has(anchor.kind)) continue;
      for (const other of recent(this.postings.get(key))) {
        if (!other.alive) continue;
        shared.set(other, (shared.get(other) ?? 0) + 1);
      }
    }
    for (const [other, count] of shared) {
      if (count < 2 || !this.inWindow(doc, other, windowHours)) continue;
      const candidate = this.verifyEvent(doc, other);
      if (candidate && (!best || rank(candidate) > rank(best))) best = candidate;
    }
    return best;
  }

  private verifyCopy(doc: Doc, other: Doc): Candidate | undefined {
    const a = doc.features.shingles;
    const b = other.features.shingles;
    const shared = intersectionSize(a, b);
    const jaccard = shared / (a.length + b.length - shared);
    const smaller = Math.min(a.length, b.length);
    const containment = smaller === 0 ? 0 : shared / smaller;
    const isCopy = jaccard >= this.options.copyThreshold || (smaller >= 12 && containment >= 0.85);
    if (!isCopy) return undefined;
    // Templated releases (same outlet, same kind of event) share most words but name other places or figures.
    if (jaccard < 0.9) {
      const conflict = factConflict(doc.features.anchors, other.features.anchors, false);
      if (conflict) return undefined;
    }
    return {
      doc: other,
      relation: 'copy',
      score: 2 + jaccard,
      follows: false,
      evidence: `copy of ${other.id} (jaccard ${jaccard.toFixed(2)}, containment ${containment.toFixed(2)})`,
    };
  }

  private weight(anchor: Anchor): number {
    const df = this.df.get(anchor.key) ?? 1;
    const common = Math.max(3, this.size * 0.01);
    const rarity = df <= common ? 1 : Math.max(0.2, Math.sqrt(common / df));
    return KIND_WEIGHT[anchor.kind] * rarity;
  }

  private verifyEvent(doc: Doc, other: Doc): Candidate | undefined {
    const mine = doc.features.anchors;
    const theirs = other.features.anchors;
    const sharedKeys: string[] = [];
    let shared = 0;
    let sharedSpecific = 0;
    let sharedHard = 0;
    let sharedSmall = 0;
    let sharedInTitles = 0;
    let totalMine = 0;
    let totalTheirs = 0;
    for (const anchor of mine.values()) {
      const w = this.weight(anchor);
      totalMine += w;
      const match = theirs.get(anchor.key);
      if (match) {
        // Small numbers (1–9, times) are common: together they count as one anchor at most.
        if (anchor.kind === 'small') {
          sharedSmall += 1;
          if (sharedSmall > 1) continue;
        }
        shared += w;
        sharedKeys.push(anchor.key);
        if (SPECIFIC.has(anchor.kind)) sharedSpecific += 1;
        if (HARD.has(anchor.kind)) sharedHard += 1;
        if (anchor.inTitle && match.inTitle && anchor.kind !== 'country' && anchor.kind !== 'year')
          sharedInTitles += 1;
      }
    }
    for (const anchor of theirs.values()) totalTheirs += this.weight(anchor);
    // Names alone are not enough (two sentences about one person are not one event): one hard fact must be shared.
    if (sharedSpecific < 2 || sharedHard < 1) return undefined;
    const coverage = shared / Math.max(1e-9, Math.min(totalMine, totalTheirs));
    const crossLanguage = doc.language !== other.language;
    if (factConflict(mine, theirs, true)) return undefined;

    let relation: 'same-event' | 'translation';
    let detail: string;
    if (crossLanguage) {
      if (shared < 2 || coverage < 0.5 || sharedInTitles < 1) return undefined;
      relation = 'translation';
      detail = `score ${shared.toFixed(2)}, coverage ${coverage.toFixed(2)}`;
    } else {
      const a = doc.features.content;
      const b = other.features.content;
      const overlap = intersectionSize(a, b) / Math.max(1, Math.min(a.length, b.length));
      const titleOverlap =
        intersectionSize(doc.features.titleContent, other.features.titleContent) /
        Math.max(1, Math.min(doc.features.titleContent.length, other.features.titleContent.length));
      const strong = (shared >= 2 && overlap >= 0.3) || (shared >= 3 && overlap >= 0.2);
      if (!strong || coverage < 0.3 || (sharedInTitles < 1 && titleOverlap < 0.3)) return undefined;
      relation = 'same-event';
      detail = `score ${shared.toFixed(2)}, coverage ${coverage.toFixed(2)}, words ${overlap.toFixed(2)}`;
    }
    const later = doc.time >= other.time ? doc : other;
    const earlier = later === doc ? other : doc;
    const laterPhase = later.phase > earlier.phase && earlier.phase > 0;
    const tooLate = !this.inWindow(doc, other, this.options.eventWindowHours);
    const follows = (laterPhase && later === doc) || (tooLate && doc.time > other.time);
    if ((laterPhase && later !== doc) || (tooLate && !follows)) return undefined;
    return {
      doc: other,
      relation,
      score: shared * coverage,
      follows,
      evidence: `${relation} as ${other.id}: shared ${sharedKeys.slice(0, 6).join(', ')} (${detail}${follows ? (laterPhase ? ', later phase' : ', outside the event window') : ''})`,
    };
  }
}

function rank(candidate: Candidate): number {
  return (candidate.follows ? 0 : 100) + candidate.score;
}

/** Newest entries of a posting list first, at most CAP of them: keeps every lookup O(CAP). */
function* recent(list: Doc[] | undefined): Generator<Doc> {
  if (!list) return;
  for (let i = list.length - 1, n = 0; i >= 0 && n < CAP; i -= 1, n += 1) yield list[i] as Doc;
}

function push<K>(map: Map<K, Doc[]>, key: K, doc: Doc): void {
  const list = map.get(key);
  if (list) list.push(doc);
  else map.set(key, [doc]);
}

/**
 * Each side names a fact (place, number, date) that the other does not mention at all. In titles only when
 * `titlesOnly`: bodies of reports in other words carry different background facts.
 */
function factConflict(a: Map<string, Anchor>, b: Map<string, Anchor>, titlesOnly: boolean): boolean {
  const onlyIn = (x: Map<string, Anchor>, y: Map<string, Anchor>): boolean => {
    for (const anchor of x.values()) {
      if (!FACT.has(anchor.kind) || (titlesOnly && !anchor.inTitle)) continue;
      if (!y.has(anchor.key)) return true;
    }
    return false;
  };
  return onlyIn(a, b) && onlyIn(b, a);
}

/** host + numeric article id, when the URL carries a language segment or subdomain. */
function urlIdKey(url: string): { key: string; id: string; language: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const labels = parsed.hostname.split('.');
  const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
  let language: string | undefined;
  let host = parsed.hostname;
  if (labels.length > 2 && LANGUAGE_SEGMENT.test(labels[0] ?? '')) {
    language = (labels[0] ?? '').toLowerCase();
    host = labels.slice(1).join('.');
  }
  const rest: string[] = [];
  for (const segment of segments) {
    if (!language && LANGUAGE_SEGMENT.test(segment)) language = segment.toLowerCase();
    else rest.push(segment);
  }
  const query = [...parsed.searchParams.entries()].find(
    ([key]) => LANGUAGE_SEGMENT.test(key) || key === 'lang',
  );
  if (!language && query) language = query[0] === 'lang' ? query[1].toLowerCase() : query[0].toLowerCase();
  if (!language) return undefined;
  // Years and yyyymmdd dates in paths are shared by every article of the day: not an article id.
  const ids = (
    `${rest.join('/')}?${[...parsed.searchParams.values()].join('&')}`.match(/\d{4,}/g) ?? []
  ).filter((value) => !/^(19|20)\d\d((0[1-9]|1[0-2])([0-2]\d|3[01]))?$/.test(value));
  if (ids.length === 0) return undefined;
  const id = ids.reduce((longest, value) => (value.length > longest.length ? value : longest));
  return { key: `${host}|${id}`, id, language };
}
