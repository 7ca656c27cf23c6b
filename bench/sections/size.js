// Size section of `npm run bench`: the Worker bundle (packages/edge/dist/worker.js, the
// whole edge: verifier, Web crypto backend, md5, HLS rewrite, the Worker adapter) as
// shipped, minified, gzip -9 and brotli. Goal: < 10 KB minified, < 4 KB gzipped; the
// rows report what it is, and the largest modules, so the goal can be judged honestly.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildWorker } from '../../packages/edge/scripts/build-worker.js';
import { recordCompressedSizes } from '../compressed-sizes.js';

const GROUP = 'bundle size: dist/worker.js';
const GROUP_MODULES = 'bundle size: largest modules in dist/worker.js (minified)';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Registers size rows (bytes); nothing is timed. */
export async function run(bench) {
  const { outfile } = await buildWorker({ quiet: true });
  recordCompressedSizes(bench, readFileSync(outfile), GROUP);
  bench.record('goal: minified', 10_000, { group: GROUP, unit: 'B' });
  bench.record('goal: gzip', 4_000, { group: GROUP, unit: 'B' });

  // Where the bytes go (same options as the build, metafile only).
  const result = await build({
    entryPoints: [`${ROOT}packages/edge/src/adapters/worker.ts`],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    minify: true,
    conditions: ['workerd', 'worker', 'browser', 'import', 'default'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  const modules = Object.entries(output?.inputs ?? {}).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
  for (const [path, info] of modules.slice(0, 8)) {
    bench.record(path.replace(/^packages\/edge\//, ''), info.bytesInOutput, { group: GROUP_MODULES, unit: 'B' });
  }
}
