// What the Web-API bundles share (dist/worker.js, dist/azion.js): build with
// esbuild, refuse a bundle that imports a `node:` module, and report its size
// minified and gzipped. floor.js does the same for the CloudFront/njs bundles.
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Builds `options.outfile` and returns `{ outfile, minified, gzipped }` in
 * bytes (and, not enumerable, esbuild's `mangleCache` when `options` has one). `importsNode` finds a `node:` import in the output; `runtime` says
 * what the bundle may use instead, for the error.
 */
export async function buildWebBundle(name, options, { importsNode, runtime, quiet = false }) {
  mkdirSync(dirname(options.outfile), { recursive: true });
  const result = await build({ ...options, logLevel: quiet ? 'silent' : 'warning' });
  const code = readFileSync(options.outfile);
  if (importsNode.test(code.toString('utf8'))) throw new Error(`${name} imports a node: module; ${runtime}`);
  const sizes = { outfile: options.outfile, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
  // The property names a `mangleProps` build renamed, for builds that must rename them alike.
  if (result.mangleCache !== undefined) Object.defineProperty(sizes, 'mangleCache', { value: result.mangleCache });
  if (!quiet) console.log(`@urlseal/edge: ${name} ${sizes.minified} B minified, ${sizes.gzipped} B gzipped`);
  return sizes;
}
