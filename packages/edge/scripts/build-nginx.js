#!/usr/bin/env node
// Bundles the nginx (njs) adapter into packages/edge/dist/nginx.js, on the
// JavaScript floor (scripts/floor.js: njs 0.7.9 is that floor): a script that
// leaves the global factory `urlsealNginx`. `urlseal build nginx` wraps it into
// an njs module with the validated keyring; the bundle alone is no module yet.
import { fileURLToPath } from 'node:url';
import { buildFloorBundle } from './floor.js';
import { runAsScript } from './main.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds dist/nginx.js and returns `{ outfile, bytes }`. */
export async function buildNginxBundle({ quiet = false } = {}) {
  // Country rules ship: nginx reports the viewer's country in $urlseal_country (docs/deploy/nginx.md).
  const sizes = await buildFloorBundle(root, 'nginx-module.ts', 'nginx.js', { quiet, countryRules: true });
  if (!quiet) console.log(`@urlseal/edge: dist/nginx.js ${sizes.bytes} B (before the keyring)`);
  return sizes;
}

runAsScript(import.meta.url, 'build-nginx', buildNginxBundle);
