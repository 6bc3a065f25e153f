// The dedupe stage: URL canonicalisation, item identity, and story clustering (copies, same event, translations).
export { canonicalUrl, type CanonicalOptions } from './canonical.ts';
export { identityKey, DEFAULT_TRACKING_PARAMS, type IdentityEntry } from './identity.ts';
