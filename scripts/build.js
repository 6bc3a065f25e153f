// Compiles src/ into ES modules under dist/ (dist/tipwire.mjs and the chunks it loads), which bin/tipwire.js runs:
// Node 20 cannot run TypeScript, and compiling at every start (tsx) cost more than a second. `npm ci` runs this (the
// `prepare` script), so installing stays the only set-up step; `npm run build` re-runs it. Code splitting keeps each
// dynamically imported command (cli/registry.ts) in chunks of its own, loaded only when it runs. Packages stay
// outside the bundle (node_modules is there at run time, and native modules cannot be bundled). A file that finds
// its neighbours through import.meta (templates, demo feeds, package.json) keeps finding them: import.meta.url and
// dirname are rewritten to the source file's own place, relative to dist/ (every chunk is written there).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'src/cli.ts');
const outdir = join(root, 'dist');
const outfile = join(outdir, 'tipwire.mjs');

if (!existsSync(entry)) {
  // An install before the sources are copied in (a Docker layer of package*.json only): nothing to build yet.
  console.log('build: no src/cli.ts here; skipped');
  process.exit(0);
}

const { build } = await import('esbuild');

/** import.meta of each source file, as the bundle must see it to behave like the file itself. */
const importMetaOfSource = {
  name: 'import-meta-of-source',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      if (!contents.includes('import.meta.')) return { contents, loader: 'ts' };
      const fromBundle = relative(outdir, args.path).split('\\').join('/');
      const dirFromBundle = relative(outdir, dirname(args.path)).split('\\').join('/') || '.';
      contents = contents
        .replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`)
        .replaceAll(
          'import.meta.dirname',
          `__tipwireJoin(import.meta.dirname, ${JSON.stringify(dirFromBundle)})`,
        )
        .replaceAll(
          'import.meta.filename',
          `__tipwireJoin(import.meta.dirname, ${JSON.stringify(fromBundle)})`,
        );
      if (contents.includes('__tipwireJoin'))
        contents = `import { join as __tipwireJoin } from 'node:path';\n${contents}`;
      return { contents, loader: 'ts' };
    });
  },
};

const started = performance.now();
rmSync(outdir, { recursive: true, force: true });
await build({
  // The poll's parse workers (jobs/parse-pool.ts) run a second entry point of their own.
  entryPoints: { tipwire: entry, 'parse-worker': join(root, 'src/jobs/parse-worker.ts') },
  define: { __TIPWIRE_BUNDLE__: 'true' },
  outdir,
  splitting: true,
  chunkNames: '[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  packages: 'external',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [importMetaOfSource],
});
console.log(`build: ${relative(root, outfile)} in ${Math.round(performance.now() - started)} ms`);
