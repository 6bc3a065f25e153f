// Helpers shared by our conformance suites: read a corpus file as the poll job would (bytes → fetch's decodeBody →
// parseFeed) and record the outcome without letting anything escape.

import { readFileSync } from 'node:fs';
import { isTipwireError } from '../../src/core/errors.ts';
import { decodeBody } from '../../src/fetch/index.ts';
import { parseFeed, type ParsedFeed } from '../../src/parse/index.ts';

export const FETCHED_AT = '2026-03-05T10:00:00.000Z';

export type Outcome =
  | { ok: true; feed: ParsedFeed; encoding: string; ascii: boolean; decodeWarning?: string; ms: number }
  | { ok: false; code: string; message: string; tipwire: boolean; encoding: string; ms: number };

export async function parseFile(path: string, url: string, contentType?: string): Promise<Outcome> {
  const bytes = readFileSync(path);
  const started = performance.now();
  let encoding = '';
  try {
    const decoded = decodeBody(new Uint8Array(bytes), contentType);
    encoding = decoded.encoding;
    const feed = await parseFeed(decoded.text, {
      url,
      fetchedAt: FETCHED_AT,
      ...(contentType === undefined ? {} : { contentType }),
    });
    return {
      ok: true,
      feed,
      encoding,
      ascii: !bytes.some((b) => b >= 0x80),
      ...(decoded.warning === undefined ? {} : { decodeWarning: decoded.warning }),
      ms: performance.now() - started,
    };
  } catch (err) {
    const ms = performance.now() - started;
    if (isTipwireError(err))
      return { ok: false, code: err.code, message: err.message, tipwire: true, encoding, ms };
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { ok: false, code: 'UNEXPECTED', message, tipwire: false, encoding, ms };
  }
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  failures: { case: string; reason: string }[];
}

export function tally(): Tally {
  return { passed: 0, failed: 0, skipped: 0, failures: [] };
}

export function check(t: Tally, ok: boolean, name: string, reason: () => string): void {
  if (ok) t.passed += 1;
  else {
    t.failed += 1;
    if (t.failures.length < Number(process.env['CONFORMANCE_FAILURES'] ?? 40))
      t.failures.push({ case: name, reason: reason() });
  }
}

export function short(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 140 ? `${s.slice(0, 140)}…` : s;
}
