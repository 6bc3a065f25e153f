// The dedupe stage: URL canonicalisation, item identity, and story clustering (copies, same event, translations).
export { canonicalUrl, withoutTracking, type CanonicalOptions } from './canonical.ts';
export { identityKey, DEFAULT_TRACKING_PARAMS, type IdentityEntry } from './identity.ts';
export {
  StoryClusterer,
  type Assignment,
  type ClusterInput,
  type ClustererOptions,
  type Relation,
} from './clusterer.ts';
export { extractFeatures, type Features, type Anchor } from './features.ts';
// Moved to the shared text toolkit (src/text); re-exported for the dedupe tests that use them through here.
export { transliterate, phoneticKey, ALIASES } from '../text/index.ts';
export {
  clusterLabelled,
  evaluateStories,
  formatStoryEvaluation,
  parseStoryLabelled,
  PAIR_KINDS,
  type PairKind,
  type PairScore,
  type StoryEvaluation,
  type StoryLabelledItem,
} from './eval.ts';
export { effectiveLanguage } from './language.ts';
