#!/usr/bin/env node
// Bundles the Workers adapter into one ES module: packages/edge/dist/worker.js.
// Platform neutral, no `node` condition (so the crypto.subtle backend is used),
// minified; fails if any `node:` import slipped in. Prints minified and gzipped sizes.
import { fileURLToPath } from 'node:url';
import { runAsScript } from './main.js';
import { buildWebBundle } from './web.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The esbuild options of the Worker bundle (the bench measures the same build). */
export const WORKER_BUILD_OPTIONS = Object.freeze({
  entryPoints: [`${root}src/adapters/worker.ts`],
  outfile: `${root}dist/worker.js`,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  conditions: ['workerd', 'worker', 'browser', 'import', 'default'],
  mainFields: ['module', 'main'],
  tsconfig: `${root}tsconfig.json`,
});

/** Builds dist/worker.js and returns `{ outfile, minified, gzipped }` in bytes. */
export function buildWorker({ quiet = false } = {}) {
  return buildWebBundle('dist/worker.js', WORKER_BUILD_OPTIONS, {
    importsNode: /\bfrom\s*["']node:|import\(\s*["']node:|require\(\s*["']node:/,
    runtime: 'the Worker bundle must use Web APIs only',
    quiet,
  });
}

runAsScript(import.meta.url, 'build-worker', buildWorker);
