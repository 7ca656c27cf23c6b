#!/usr/bin/env node
// Bundles the Azion Edge Firewall function into packages/edge/dist/azion.js: one
// Service-Worker-syntax script (`addEventListener('firewall', …)`), Web APIs
// only (crypto.subtle and the pure-JS md5: Azion's WebCrypto has no MD5),
// minified; fails if a `node:` import slipped in.
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/azion.js`;

/** The esbuild options of the Azion bundle (the bench measures the same build). */
export const AZION_BUILD_OPTIONS = Object.freeze({
  entryPoints: [`${root}src/adapters/azion-function.ts`],
  outfile,
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
export async function buildAzion({ quiet = false } = {}) {
  mkdirSync(`${root}dist`, { recursive: true });
  await build({ ...AZION_BUILD_OPTIONS, logLevel: quiet ? 'silent' : 'warning' });
  const code = readFileSync(outfile);
  if (/["']node:/.test(code.toString('utf8'))) throw new Error('dist/azion.js imports a node: module; Azion runs Web APIs only');
  const sizes = { outfile, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
  if (!quiet) console.log(`@urlseal/edge: dist/azion.js ${sizes.minified} B minified, ${sizes.gzipped} B gzipped`);
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildAzion().catch((error) => {
    console.error(`build-azion: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
