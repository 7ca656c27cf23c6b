#!/usr/bin/env node
// Bundles the CloudFront Functions adapter, on the JavaScript floor
// (scripts/floor.js), into four scripts that each leave the global factory
// `urlsealCloudFront`: dist/cloudfront-{jwt,secure-token}[-kvs].js, one per
// scheme, with the secrets inlined or read from a KeyValueStore. `urlseal
// build cloudfront` wraps one with the validated keyring and the top-level
// `handler`; a bundle alone is no function yet.
import { fileURLToPath } from 'node:url';
import { FLOOR_BUILD_OPTIONS, buildFloorBundle } from './floor.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The bundles: [entry in src/adapters, file in dist]. */
const BUNDLES = Object.freeze({
  jwt: ['cloudfront-jwt.ts', 'cloudfront-jwt.js'],
  'jwt-kvs': ['cloudfront-jwt-kvs.ts', 'cloudfront-jwt-kvs.js'],
  'secure-token': ['cloudfront-secure-token.ts', 'cloudfront-secure-token.js'],
  'secure-token-kvs': ['cloudfront-secure-token-kvs.ts', 'cloudfront-secure-token-kvs.js'],
});

/** The esbuild options of the CloudFront bundles (for metafile reports). */
export const CLOUDFRONT_BUILDS = Object.freeze(
  Object.fromEntries(
    Object.entries(BUNDLES).map(([kind, [entry, out]]) => [
      kind,
      { ...FLOOR_BUILD_OPTIONS, entryPoints: [`${root}src/adapters/${entry}`], outfile: `${root}dist/${out}`, format: 'iife' },
    ]),
  ),
);

/** Builds every bundle; returns `{ [kind]: { outfile, bytes } }`. */
export async function buildCloudFrontBundles({ quiet = false } = {}) {
  const sizes = {};
  for (const [kind, [entry, out]] of Object.entries(BUNDLES)) {
    sizes[kind] = await buildFloorBundle(root, entry, out, { quiet });
    if (!quiet) console.log(`@urlseal/edge: dist/${out} ${sizes[kind].bytes} B (before the keyring)`);
  }
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildCloudFrontBundles().catch((error) => {
    console.error(`build-cloudfront: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
