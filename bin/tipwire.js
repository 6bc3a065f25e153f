#!/usr/bin/env node
// Entry point for `npx tipwire` and `npm start`. Runs dist/tipwire.mjs, the bundle that `npm ci` builds from src/
// (scripts/build.js, the `prepare` script), so a start costs no TypeScript compilation. When the bundle is missing
// or older than any file under src/ (a source edited since the last build, a checkout without an install), or
// TIPWIRE_FROM_SOURCE=1, it runs the sources through tsx instead: the bin never runs code older than src/.
import { readdirSync, statSync } from 'node:fs';

const bundle = new URL('../dist/tipwire.mjs', import.meta.url);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    const mtime = entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

function bundleIsCurrent() {
  if (process.env.TIPWIRE_FROM_SOURCE === '1') return false;
  try {
    return statSync(bundle).mtimeMs >= newestSource(new URL('../src/', import.meta.url));
  } catch {
    return false;
  }
}

let main;
if (bundleIsCurrent()) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
