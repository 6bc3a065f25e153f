// Golden fixtures (DESIGN.md convention 7): every test/fixtures/parse/*.xml|json says at its top what it checks;
// its sibling .expected.json holds the parse result (or the error). UPDATE_GOLDENS=1 rewrites the goldens.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTipwireError } from '../../src/core/errors.ts';
import { parseFeed } from '../../src/parse/index.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'parse');
const update = process.env['UPDATE_GOLDENS'] === '1';
const files = readdirSync(dir)
  .filter((f) => /\.(xml|json)$/.test(f) && !f.endsWith('.expected.json'))
  .sort();

async function outcome(file: string): Promise<unknown> {
  const text = readFileSync(join(dir, file), 'utf8');
  try {
    return await parseFeed(text, {
      url: `https://fixtures.tipwire.test/parse/${file}`,
      fetchedAt: '2026-03-05T10:00:00.000Z',
    });
  } catch (err) {
    if (!isTipwireError(err)) throw err;
    return { error: { code: err.code, message: err.message, details: err.details } };
  }
}

describe('parse golden fixtures', () => {
  it('has fixtures that describe themselves', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const head = readFileSync(join(dir, f), 'utf8').slice(0, 200);
      expect(head, f).toMatch(f.endsWith('.json') ? /^\{\s*"\/\/": "checks: / : /^<!-- checks: /);
    }
  });

  for (const file of files) {
    it(file, async () => {
      const actual = JSON.parse(JSON.stringify(await outcome(file))) as unknown;
      const goldenPath = join(dir, file.replace(/\.(xml|json)$/, '.expected.json'));
      if (update || !existsSync(goldenPath)) {
        writeFileSync(goldenPath, `${JSON.stringify(actual, null, 2)}\n`);
        if (!update) throw new Error(`${goldenPath} was missing and has been written; review it and rerun`);
      }
      expect(actual).toEqual(JSON.parse(readFileSync(goldenPath, 'utf8')));
    });
  }
});
