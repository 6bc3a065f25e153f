// The dedupe stage: URL canonicalisation, item identity, and story clustering (copies, same event, translations).
export { canonicalUrl, type CanonicalOptions } from './canonical.ts';
export { identityKey, DEFAULT_TRACKING_PARAMS, type IdentityEntry } from './identity.ts';
export {
  StoryClusterer,
  type Assignment,
  type ClusterInput,
  type ClustererOptions,
  type Relation,
} from './clusterer.ts';
export { extractFeatures, type Features, type Anchor } from './features.ts';
export { transliterate, phoneticKey, ALIASES } from './aliases.ts';
