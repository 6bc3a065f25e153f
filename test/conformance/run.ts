// `npm run conformance`: runs every suite module in test/conformance/suites/*.ts against the peer test material in
// the corpus (TIPWIRE_CORPUS, else <repo>/../shared/corpus), prints a table per suite module, writes
// conformance.json at the repo root and fails (exit 1) when a suite's pass rate drops below its floor in
// floors.json. Without a corpus it says so and exits 0: the project's own tests never depend on it.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SuiteResult, SuiteRunner } from './suite.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const corpus = process.env['TIPWIRE_CORPUS'] ?? resolve(repo, '..', 'shared', 'corpus');

function rate(r: SuiteResult): number {
  const applicable = r.passed + r.failed;
  return applicable === 0 ? 100 : (100 * r.passed) / applicable;
}

function table(title: string, results: SuiteResult[]): string {
  const rows = results.map((r) => [
    r.name,
    String(r.passed),
    String(r.failed),
    String(r.skipped),
    rate(r).toFixed(1),
  ]);
  const head = ['suite', 'passed', 'failed', 'skipped', '%'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [`\n${title}`, line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join(
    '\n',
  );
}

async function main(): Promise<number> {
  if (!existsSync(corpus)) {
    console.log(`conformance: no corpus at ${corpus} (set TIPWIRE_CORPUS); nothing to run`);
    return 0;
  }
  const suitesDir = join(here, 'suites');
  const modules = existsSync(suitesDir)
    ? readdirSync(suitesDir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
        .sort()
    : [];
  const all: SuiteResult[] = [];
  let broken = false;
  for (const file of modules) {
    const started = performance.now();
    try {
      const mod = (await import(pathToFileURL(join(suitesDir, file)).href)) as { run?: SuiteRunner };
      if (typeof mod.run !== 'function') {
        console.log(`\n${file}: exports no run(corpusDir); skipped`);
        continue;
      }
      const results = await mod.run(corpus);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(table(`${file} (${seconds} s)`, results));
      for (const r of results) {
        for (const f of (r.failures ?? []).slice(0, Number(process.env['CONFORMANCE_SHOW'] ?? 5)))
          console.log(`  ✗ ${r.name}: ${f.case}: ${f.reason}`);
      }
      all.push(...results);
    } catch (err) {
      broken = true;
      console.log(
        `\n${file}: the suite itself failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    }
  }
  const json = {
    suites: all.map(({ name, passed, failed, skipped }) => ({ name, passed, failed, skipped })),
  };
  writeFileSync(join(repo, 'conformance.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwrote ${join(repo, 'conformance.json')} (${all.length} suites)`);

  const floorsPath = join(here, 'floors.json');
  const floors = existsSync(floorsPath)
    ? (JSON.parse(readFileSync(floorsPath, 'utf8')) as Record<string, number>)
    : {};
  const drops: string[] = [];
  for (const [name, floor] of Object.entries(floors)) {
    const r = all.find((s) => s.name === name);
    if (r === undefined) drops.push(`${name}: suite missing (floor ${floor}%)`);
    else if (rate(r) < floor) drops.push(`${name}: ${rate(r).toFixed(1)}% is below the floor of ${floor}%`);
  }
  if (drops.length > 0) {
    console.log(
      `\nconformance FAILED: below the floors in test/conformance/floors.json:\n  ${drops.join('\n  ')}`,
    );
    return 1;
  }
  if (broken) {
    console.log('\nconformance FAILED: a suite module could not run');
    return 1;
  }
  console.log('conformance: every suite is at or above its floor');
  return 0;
}

process.exitCode = await main();
