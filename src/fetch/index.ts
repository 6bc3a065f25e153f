// The fetch stage: HTTP for feeds (conditional GET, timeouts, size cap, redirects, SSRF guard), charset decoding,
// a per-host politeness limiter and the next-poll policy.
export {
  fetchFeed,
  DEFAULT_FETCH_OPTIONS,
  type FetchOptions,
  type FetchRequest,
  type FetchResult,
  type Redirect,
} from './fetch.ts';
export { decodeBody, codecFor, type Decoded, type EncodingSource } from './decode.ts';
export { createHostLimiter, type HostLimiter } from './limiter.ts';
export { nextPollAt, type PollPolicyInput } from './policy.ts';
export { blockedReason } from './address.ts';
export { parseRetryAfter, parseMaxAge, parseExpires } from './headers.ts';
