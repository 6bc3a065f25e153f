// What a publisher says in response headers about when to come back. Pure functions; `now` is passed in.

/** Retry-After as whole seconds from `now` (delta-seconds or an HTTP date; a past date gives 0), else undefined. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!/[a-z]/i.test(text)) return undefined; // a bare number with a sign or a dot is not a date either
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** Cache-Control max-age in seconds (s-maxage is for shared caches and ignored; no-store/no-cache give none). */
export function parseMaxAge(cacheControl: string | undefined): number | undefined {
  if (!cacheControl) return undefined;
  if (/(^|[,\s])(no-store|no-cache)\b/i.test(cacheControl)) return undefined;
  const match = /(?:^|[,\s])max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Expires as an ISO date, when it is a valid HTTP date ("0" and junk mean "already expired": none). */
export function parseExpires(expires: string | undefined): string | undefined {
  if (!expires || !/[a-z]/i.test(expires)) return undefined;
  const at = Date.parse(expires);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}
