#!/usr/bin/env node
// Bundles the Workers adapter into one ES module: packages/edge/dist/worker.js.
// Platform neutral, no `node` condition (so the crypto.subtle backend is used),
// minified; fails if any `node:` import slipped in. Prints minified and gzipped sizes.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';
import { FLOOR_FLAGS, INTERNAL_PROPERTY_NAMES, propertyPattern } from './floor.js';
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

/**
 * The esbuild options of the lean Worker (dist/worker-lean.js, issue 16): HS256 only, built
 * with the floor's switches (scripts/floor.js: no denial detail, no `NOT_ON_FLOOR:` or
 * `COUNTRY_RULES:` statements) and its internal property names shortened, but for `status`
 * and `name`, which the Worker also hands to Web APIs (Response, crypto.subtle).
 */
export const WORKER_LEAN_BUILD_OPTIONS = Object.freeze({
  ...WORKER_BUILD_OPTIONS,
  entryPoints: [`${root}src/adapters/worker-lean.ts`],
  outfile: `${root}dist/worker-lean.js`,
  dropLabels: ['NOT_ON_FLOOR', 'COUNTRY_RULES'],
  plugins: [FLOOR_FLAGS],
  mangleProps: propertyPattern(INTERNAL_PROPERTY_NAMES.filter((name) => name !== 'status' && name !== 'name')),
});

/** Builds dist/worker-lean.js (esbuild, then terser as for the floor bundles) and returns `{ outfile, minified, gzipped }`. */
export async function buildWorkerLean({ quiet = false } = {}) {
  const name = 'dist/worker-lean.js';
  await buildWebBundle(name, WORKER_LEAN_BUILD_OPTIONS, { importsNode: /["']node:/, runtime: 'the Worker bundle must use Web APIs only', quiet: true });
  const { outfile } = WORKER_LEAN_BUILD_OPTIONS;
  const squeezed = await minify(readFileSync(outfile, 'utf8'), { module: true, compress: { passes: 3, ecma: 2020, unsafe_arrows: true }, mangle: true, format: { comments: false } });
  if (squeezed.code === undefined) throw new Error(`${name}: terser produced no output`);
  writeFileSync(outfile, squeezed.code);
  const code = Buffer.from(squeezed.code);
  const sizes = { outfile, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
  if (!quiet) console.log(`@urlseal/edge: ${name} ${sizes.minified} B minified, ${sizes.gzipped} B gzipped`);
  return sizes;
}

runAsScript(import.meta.url, 'build-worker', async () => {
  await buildWorker();
  await buildWorkerLean();
});
