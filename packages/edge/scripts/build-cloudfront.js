#!/usr/bin/env node
// Bundles the CloudFront Functions adapter, on the JavaScript floor
// (scripts/floor.js), into four scripts that each leave the global factory
// `urlsealCloudFront`: dist/cloudfront-{jwt,secure-token}[-kvs].js, one per
// scheme, with the secrets inlined or read from a KeyValueStore. `urlseal
// build cloudfront` wraps one with the validated keyring and the top-level
// `handler`; a bundle alone is no function yet.
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FLOOR_BUILD_OPTIONS, checkFloor, explainFloorError } from './floor.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function options(entry, out) {
  return Object.freeze({
    ...FLOOR_BUILD_OPTIONS,
    entryPoints: [`${root}src/adapters/${entry}`],
    outfile: `${root}dist/${out}`,
    format: 'iife',
  });
}

/** The esbuild options of the two CloudFront bundles (the bench measures the same builds). */
export const CLOUDFRONT_BUILDS = Object.freeze({
  jwt: options('cloudfront-jwt.ts', 'cloudfront-jwt.js'),
  'jwt-kvs': options('cloudfront-jwt-kvs.ts', 'cloudfront-jwt-kvs.js'),
  'secure-token': options('cloudfront-secure-token.ts', 'cloudfront-secure-token.js'),
  'secure-token-kvs': options('cloudfront-secure-token-kvs.ts', 'cloudfront-secure-token-kvs.js'),
});

/** Builds every bundle; returns `{ [kind]: { outfile, bytes } }`. */
export async function buildCloudFrontBundles({ quiet = false } = {}) {
  mkdirSync(`${root}dist`, { recursive: true });
  const sizes = {};
  for (const [name, opts] of Object.entries(CLOUDFRONT_BUILDS)) {
    const label = `dist/${opts.outfile.split('/').pop()}`;
    try {
      await build({ ...opts, logLevel: quiet ? 'silent' : 'warning' });
    } catch (error) {
      throw explainFloorError(label, error);
    }
    const code = readFileSync(opts.outfile, 'utf8');
    checkFloor(label, code);
    sizes[name] = { outfile: opts.outfile, bytes: Buffer.byteLength(code) };
    if (!quiet) console.log(`@urlseal/edge: ${label} ${sizes[name].bytes} B (before the keyring)`);
  }
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildCloudFrontBundles().catch((error) => {
    console.error(`build-cloudfront: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
