#!/usr/bin/env node
// Entry point for `npx tipwire` and `npm start`: Node 20 cannot run TypeScript by itself, so tsx compiles
// src/ on the fly (esbuild, a few hundred milliseconds at start) instead of a separate build step that could go stale.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
