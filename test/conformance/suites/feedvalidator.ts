// W3C feedvalidator testcases as a robustness run. Every file must parse, or be refused with a TipwireError;
// nothing else may be thrown, and none may take more than 1 s. The 309 cases the validator expects to be free of
// errors ("Expect: !Error") must parse, except those that are not feeds at all (OPML, OpenSearch, KML…), which
// must be refused as PARSE_NOT_A_FEED.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { check, parseFile, tally } from '../lib.ts';
import type { SuiteResult, SuiteRunner } from '../suite.ts';

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(xml|html|opml)$/.test(name)) out.push(p);
  }
  return out;
}

export const run: SuiteRunner = async (corpusDir) => {
  const root = join(corpusDir, 'feedvalidator', 'testcases');
  const robust = tally();
  const valid = tally();
  for (const file of walk(root)) {
    const rel = relative(root, file);
    const outcome = await parseFile(file, `http://feedvalidator.test/${rel}`);
    check(robust, outcome.ok || outcome.tipwire, `${rel} no unexpected exception`, () =>
      outcome.ok ? '' : outcome.message,
    );
    check(robust, outcome.ms <= 1000, `${rel} within 1 s`, () => `${outcome.ms.toFixed(0)} ms`);
    const head = readFileSync(file, 'latin1').slice(0, 2000);
    if (!/Expect:\s+!Error\b/.test(head)) continue;
    const notAFeed = !/<(rss|feed|rdf:RDF|RDF|Channel)[\s>]/.test(head);
    if (notAFeed) {
      check(valid, !outcome.ok && outcome.code === 'PARSE_NOT_A_FEED', `${rel} refused as not a feed`, () =>
        outcome.ok ? `parsed as ${outcome.feed.format}` : `${outcome.code}: ${outcome.message}`,
      );
    } else {
      check(valid, outcome.ok, `${rel} valid feed parses`, () =>
        outcome.ok ? '' : `${outcome.code}: ${outcome.message}`,
      );
    }
  }
  const results: SuiteResult[] = [
    { name: 'feedvalidator/robustness', ...robust },
    { name: 'feedvalidator/valid-parse', ...valid },
  ];
  return results;
};
