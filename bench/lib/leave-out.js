// For bench/sizes.js: an esbuild plugin that builds a bundle without a feature by loading a
// stub in place of the feature's module (or, for a feature a bundle leaves out, with it, by
// changing the module's source as it is loaded). Only the bench builds with it, to measure what the
// feature costs (the bundle with it minus the bundle without); nothing it builds is written or
// shipped. Each stub keeps the exports the other modules import, doing what the verifier does
// without the feature, so esbuild keeps everything else as it is. A stub that is never loaded
// (the module was moved or renamed) fails the build: a cost of 0 must not be measured by mistake.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../packages/edge/src/', import.meta.url));

/** `source` with `from` replaced by `to`, once; throws when `from` is not there (the module changed). */
function replaceOnce(source, from, to) {
  if (!source.includes(from)) throw new Error(`bench/lib/leave-out.js: the module no longer holds ${JSON.stringify(from)}`);
  return source.replace(from, to);
}

/** Stubs by path under packages/edge/src: the module's text, or a function of its source (TypeScript). */
export const STUBS = {
  // No sealed tokens: every token is a JWS for `checkJwt` (a five-segment one is malformed).
  'core/sealed.ts': `export { checkJwt as checkToken, checkJwt as checkJwtWithoutAes } from './decide.js';
export function createSealedParser() { return function () { return undefined; }; }`,
  // nginx without AES-GCM content keys (unavailable stays: njs-rsa.ts imports it).
  'runtimes/nginx/njs-sealed.ts': `export function unavailable() { throw { code: 'ERR_KEYRING_UNAVAILABLE' }; }
export function withSealKeys(keys) { return keys; }`,
  // nginx without RS256/PS256.
  'runtimes/nginx/njs-rsa.ts': `export var RSA_SCHEMES = {};
export function withRsaKeys(keys) { return keys; }`,
  // No HLS manifest is rewritten: every answer streams through.
  'core/manifest.ts': `export var MAX_MANIFEST_BYTES = 0;
export function isManifest() { return false; }
export function bodyEncoding() { return undefined; }
export function rewriteManifest() { return Promise.resolve(undefined); }`,
  // No revocation: the option reads as absent.
  'core/revocation.ts': `export function readRevocation() { return undefined; }
export function revocationKv() { return undefined; }`,
  // No CORS preflight answer: an OPTIONS request is decided as any other.
  'core/preflight.ts': `export function preflightAnswer() { return undefined; }`,
};

/** The plugin that loads the stubs of `modules` (paths under packages/edge/src, keys of STUBS). */
export function leaveOut(modules) {
  for (const module of modules) if (STUBS[module] === undefined) throw new Error(`bench/lib/leave-out.js has no stub for ${module}`);
  return {
    name: 'urlseal-bench-leave-out',
    setup(build) {
      const loaded = new Set();
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const module = args.path.startsWith(SRC) ? args.path.slice(SRC.length) : undefined;
        if (module === undefined || !modules.includes(module)) return undefined;
        loaded.add(module);
        const stub = STUBS[module];
        const resolveDir = fileURLToPath(new URL('.', `file://${args.path}`));
        if (typeof stub === 'string') return { contents: stub, loader: 'js', resolveDir };
        return { contents: stub(readFileSync(args.path, 'utf8')), loader: 'ts', resolveDir };
      });
      build.onEnd((result) => {
        const missed = modules.filter((module) => !loaded.has(module));
        if (result.errors.length === 0 && missed.length > 0) throw new Error(`bench: no module ${missed.join(', ')} in this bundle (moved or renamed?): its stub was never loaded`);
      });
    },
  };
}
