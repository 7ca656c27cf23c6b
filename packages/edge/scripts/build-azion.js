#!/usr/bin/env node
// Bundles the Azion Edge Firewall function into packages/edge/dist/azion.js: one
// Service-Worker-syntax script (`addEventListener('firewall', …)`), Web APIs
// only (crypto.subtle and the pure-JS md5: Azion's WebCrypto has no MD5),
// minified; fails if a `node:` import slipped in.
import { fileURLToPath } from 'node:url';
import { runAsScript } from './main.js';
import { buildWebBundle } from './web.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The esbuild options of the Azion bundle (the bench measures the same build). */
export const AZION_BUILD_OPTIONS = Object.freeze({
  entryPoints: [`${root}src/runtimes/azion/azion-function.ts`],
  outfile: `${root}dist/azion.js`,
  bundle: true,
  format: 'iife',
  platform: 'neutral',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  conditions: ['worker', 'browser', 'import', 'default'],
  mainFields: ['module', 'main'],
  tsconfig: `${root}tsconfig.json`,
});

/** Builds dist/azion.js and returns `{ outfile, minified, gzipped }` in bytes. */
export function buildAzion({ quiet = false } = {}) {
  return buildWebBundle('dist/azion.js', AZION_BUILD_OPTIONS, {
    importsNode: /["']node:/,
    runtime: 'Azion runs Web APIs only',
    quiet,
  });
}

runAsScript(import.meta.url, 'build-azion', buildAzion);
