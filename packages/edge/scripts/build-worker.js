#!/usr/bin/env node
// Bundles the Workers adapter into one ES module: packages/edge/dist/worker.js.
// Platform neutral, no `node` condition (so the crypto.subtle backend is used),
// minified; fails if any `node:` import slipped in. Prints minified and gzipped sizes.
import { build } from 'esbuild';
import { readFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/worker.js`;

/** The esbuild options of the Worker bundle (the bench measures the same build). */
export const WORKER_BUILD_OPTIONS = Object.freeze({
  entryPoints: [`${root}src/adapters/worker.ts`],
  outfile,
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
export async function buildWorker({ quiet = false } = {}) {
  mkdirSync(`${root}dist`, { recursive: true });
  await build({ ...WORKER_BUILD_OPTIONS, logLevel: quiet ? 'silent' : 'warning' });
  const code = readFileSync(outfile);
  if (/\bfrom\s*["']node:|import\(\s*["']node:|require\(\s*["']node:/.test(code.toString('utf8'))) {
    throw new Error('dist/worker.js imports a node: module; the Worker bundle must use Web APIs only');
  }
  const sizes = { outfile, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
  if (!quiet) {
    console.log(`@urlseal/edge: dist/worker.js ${sizes.minified} B minified, ${sizes.gzipped} B gzipped`);
  }
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWorker().catch((error) => {
    console.error(`build-worker: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
