#!/usr/bin/env node
// Bundles the nginx (njs) adapter into packages/edge/dist/nginx.js, on the
// JavaScript floor (scripts/floor.js: njs 0.7.9 is that floor): a script that
// leaves the global factory `urlsealNginx`. `urlseal build nginx` wraps it into
// an njs module with the validated keyring; the bundle alone is no module yet.
import { fileURLToPath } from 'node:url';
import { buildFloorBundle } from './floor.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds dist/nginx.js and returns `{ outfile, bytes }`. */
export async function buildNginxBundle({ quiet = false } = {}) {
  const sizes = await buildFloorBundle(root, 'nginx-module.ts', 'nginx.js', { quiet });
  if (!quiet) console.log(`@urlseal/edge: dist/nginx.js ${sizes.bytes} B (before the keyring)`);
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildNginxBundle().catch((error) => {
    console.error(`build-nginx: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
