// One conformance suite: a named slice of someone else's test material and how many of its checks we pass.
// Suites live in test/conformance/suites/*.ts and export `run(corpusDir)`; run.ts finds them, prints the tables,
// writes conformance.json and compares with floors.json.

export interface SuiteResult {
  /** e.g. "feedparser/wellformed/rss". */
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  /** A few failing cases with the reason, for the report (not every one). */
  failures?: { case: string; reason: string }[];
}

export type SuiteRunner = (corpusDir: string) => Promise<SuiteResult[]>;
