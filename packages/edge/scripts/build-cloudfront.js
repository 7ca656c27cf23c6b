#!/usr/bin/env node
// Bundles the CloudFront Functions adapter, on the JavaScript floor
// (scripts/floor.js), into eight scripts that each leave the global factory
// `urlseal`: dist/cloudfront-{jwt,both,secure-token}[-kvs].js, one per scheme
// (or both), with the secrets inlined or read from a KeyValueStore, and
// dist/cloudfront-{jwt,both}-kvs-revoke.js, which also read revocation entries there. `urlseal
// build cloudfront` wraps one with the validated keyring and the top-level
// `handler`; a bundle alone is no function yet.
import { fileURLToPath } from 'node:url';
import { buildFloorBundle } from './floor.js';
import { importBuilt } from './main.js';
import { runAsScript } from './main.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// Every CloudFront bundle: the event's `uri` is origin-form, so the absolute-form
// reading stays out; the country rules go where JWTs are checked (geo claims,
// CloudFront-Viewer-Country). With the secrets inline every answer is synchronous
// (ASYNC off: no promise paths); a KeyValueStore read is a promise.
// The config's members get short names in the bundle, and the builder writes the config
// with them (src/builders/cloudfront-names.ts; tsc has compiled it by now).
const { CLOUDFRONT_CONFIG_NAMES } = await importBuilt('builders/cloudfront-names.js');
const ORIGIN_FORM = { dropLabels: ['ABSOLUTE_FORM'], configNames: CLOUDFRONT_CONFIG_NAMES };
const INLINE = { ...ORIGIN_FORM, flags: { ASYNC: false } };

/** The bundles: [entry in src/runtimes/cloudfront, file in dist, buildFloorBundle options]. */
export const CLOUDFRONT_BUNDLES = Object.freeze({
  jwt: ['cloudfront-jwt.ts', 'cloudfront-jwt.js', { ...INLINE, countryRules: true }],
  'jwt-kvs': ['cloudfront-jwt-kvs.ts', 'cloudfront-jwt-kvs.js', { ...ORIGIN_FORM, countryRules: true }],
  both: ['cloudfront-both.ts', 'cloudfront-both.js', { ...INLINE, countryRules: true }],
  'both-kvs': ['cloudfront-both-kvs.ts', 'cloudfront-both-kvs.js', { ...ORIGIN_FORM, countryRules: true }],
  // Revocation entries read from the KeyValueStore too (`--revocations`): the status table
  // holds the two revocation codes (lib/flags.ts REVOCATION).
  'jwt-kvs-revoke': ['cloudfront-jwt-kvs-revoke.ts', 'cloudfront-jwt-kvs-revoke.js', { ...ORIGIN_FORM, countryRules: false, flags: { REVOCATION: true } }],
  'both-kvs-revoke': ['cloudfront-both-kvs-revoke.ts', 'cloudfront-both-kvs-revoke.js', { ...ORIGIN_FORM, countryRules: false, flags: { REVOCATION: true } }],
  'secure-token': ['cloudfront-secure-token.ts', 'cloudfront-secure-token.js', INLINE],
  'secure-token-kvs': ['cloudfront-secure-token-kvs.ts', 'cloudfront-secure-token-kvs.js', ORIGIN_FORM],
});

/** Builds every bundle; returns `{ [kind]: { outfile, bytes } }`. */
export async function buildCloudFrontBundles({ quiet = false } = {}) {
  const sizes = {};
  for (const [kind, [entry, out, options]] of Object.entries(CLOUDFRONT_BUNDLES)) {
    sizes[kind] = await buildFloorBundle(root, entry, out, { ...options, quiet });
    if (!quiet) console.log(`@urlseal/edge: dist/${out} ${sizes[kind].bytes} B (before the keyring)`);
  }
  return sizes;
}

runAsScript(import.meta.url, 'build-cloudfront', buildCloudFrontBundles);
