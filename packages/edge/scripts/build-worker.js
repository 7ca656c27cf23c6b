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

/**
 * The Worker's modules loaded only when its bindings ask for them (issue 16), each built
 * on its own next to dist/worker.js, which imports them (`import('./worker-….js')`) and
 * leaves them out of its own bytes: the keyring JSON validator (a keyring `urlseal build
 * worker` wrote needs none of it), the checks of public keys (EC, OKP, RSA: an HMAC-only
 * keyring needs none), the secure-token check and its md5 (for a keyring with
 * secure-token secrets), the reading of URLSEAL_CORS and revocation (Workers KV), and the
 * HLS/DASH manifest rewriter (web/handle.ts imports it as ../core/manifest-rewriter.js, which this build
 * maps to ./worker-manifest.js), and the sealed-token code (parser, check, AES-GCM), loaded
 * with the first token that needs it, as is the reader of `ip` claims. A module brings its own
 * copy of the little it shares with dist/worker.js (errors, base64url). Wrangler, which
 * bundles `main` itself, puts them back into one script: the same code, loaded at once.
 */
export const WORKER_LAZY_MODULES = Object.freeze(['worker-json-keyring', 'worker-key-checks', 'worker-secure-token', 'worker-cors', 'worker-revocation', 'worker-manifest', 'worker-sealed', 'worker-ip']);

/** Leaves the lazy modules out of a build that imports them: they stay `import('./worker-….js')`. */
const LAZY_EXTERNAL = {
  name: 'urlseal-worker-lazy',
  setup(build) {
    const lazy = new RegExp(`^\\./(${WORKER_LAZY_MODULES.join('|')})\\.js$`);
    build.onResolve({ filter: lazy }, (args) => ({ path: args.path, external: true }));
    // handle.ts's dynamic import of the manifest rewriter: the Worker's own lazy module.
    build.onResolve({ filter: /^\.\.\/core\/manifest-rewriter\.js$/ }, () => ({ path: './worker-manifest.js', external: true }));
  },
};

/**
 * The internal property names the Worker renames as the floor bundles do (scripts/floor.js),
 * but for those Web APIs also read (`status`: Response; `name`: crypto.subtle; `has`: Set,
 * Headers; `ok`: Response) and `source`, a name of the revocation option.
 */
const WORKER_MANGLED = propertyPattern(INTERNAL_PROPERTY_NAMES.filter((name) => !['status', 'name', 'has', 'ok', 'source'].includes(name)));

/** The esbuild options of the Worker bundle (the bench measures the same build). */
export const WORKER_BUILD_OPTIONS = Object.freeze({
  entryPoints: [`${root}src/runtimes/worker/worker.ts`],
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
  plugins: [LAZY_EXTERNAL],
  mangleProps: WORKER_MANGLED,
});

/**
 * The esbuild options of one lazy module of the Worker (a name of WORKER_LAZY_MODULES):
 * `mangleCache`, dist/worker.js's renamed properties, so both sides of the objects they
 * pass each other use the same names.
 */
export function workerLazyBuildOptions(name, mangleCache) {
  return Object.freeze({ ...WORKER_BUILD_OPTIONS, entryPoints: [`${root}src/runtimes/worker/${name}.ts`], outfile: `${root}dist/${name}.js`, plugins: [], mangleCache });
}

const WEB_ONLY = {
  importsNode: /\bfrom\s*["']node:|import\(\s*["']node:|require\(\s*["']node:/,
  runtime: 'the Worker bundle must use Web APIs only',
};

/**
 * Terser over a bundle esbuild wrote (as for the floor bundles: ~3% fewer bytes than
 * esbuild's minifier alone); rewrites it and returns `{ outfile, minified, gzipped }`.
 */
async function squeeze(name, outfile, quiet) {
  const squeezed = await minify(readFileSync(outfile, 'utf8'), { module: true, compress: { passes: 3, ecma: 2020, unsafe_arrows: true }, mangle: true, format: { comments: false } });
  if (squeezed.code === undefined) throw new Error(`${name}: terser produced no output`);
  writeFileSync(outfile, squeezed.code);
  const code = Buffer.from(squeezed.code);
  const sizes = { outfile, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
  if (!quiet) console.log(`@urlseal/edge: ${name} ${sizes.minified} B minified, ${sizes.gzipped} B gzipped`);
  return sizes;
}

/**
 * Builds dist/worker.js and its lazy modules (esbuild, then terser); returns `{ outfile,
 * minified, gzipped, files }`: the sizes of dist/worker.js (what a plain request loads),
 * and `files`, every module the Worker may load (dist/worker.js first), each `{ outfile,
 * minified, gzipped }`.
 */
export async function buildWorker({ quiet = false } = {}) {
  const { mangleCache } = await buildWebBundle('dist/worker.js', { ...WORKER_BUILD_OPTIONS, mangleCache: {} }, { ...WEB_ONLY, quiet: true });
  const files = [await squeeze('dist/worker.js', WORKER_BUILD_OPTIONS.outfile, quiet)];
  for (const module of WORKER_LAZY_MODULES) {
    const options = workerLazyBuildOptions(module, mangleCache);
    await buildWebBundle(`dist/${module}.js`, options, { ...WEB_ONLY, quiet: true });
    files.push(await squeeze(`dist/${module}.js`, options.outfile, quiet));
  }
  return { ...files[0], files };
}

/**
 * The esbuild options of the lean Worker (dist/worker-lean.js, issue 16): HS256 only, built
 * with the floor's switches (scripts/floor.js: no denial detail, no `NOT_ON_FLOOR:` or
 * `COUNTRY_RULES:` statements) and its internal property names shortened, but for `status`
 * and `name`, which the Worker also hands to Web APIs (Response, crypto.subtle).
 */
export const WORKER_LEAN_BUILD_OPTIONS = Object.freeze({
  ...WORKER_BUILD_OPTIONS,
  entryPoints: [`${root}src/runtimes/worker/worker-lean.ts`],
  outfile: `${root}dist/worker-lean.js`,
  dropLabels: ['NOT_ON_FLOOR', 'COUNTRY_RULES'],
  plugins: [FLOOR_FLAGS],
  mangleProps: propertyPattern(INTERNAL_PROPERTY_NAMES.filter((name) => name !== 'status' && name !== 'name')),
});

/** Builds dist/worker-lean.js (esbuild, then terser as for the floor bundles) and returns `{ outfile, minified, gzipped }`. */
export async function buildWorkerLean({ quiet = false } = {}) {
  const name = 'dist/worker-lean.js';
  await buildWebBundle(name, WORKER_LEAN_BUILD_OPTIONS, { ...WEB_ONLY, importsNode: /["']node:/, quiet: true });
  return squeeze(name, WORKER_LEAN_BUILD_OPTIONS.outfile, quiet);
}

runAsScript(import.meta.url, 'build-worker', async () => {
  await buildWorker();
  await buildWorkerLean();
});
