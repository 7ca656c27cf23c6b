// Size section of `npm run bench`: the Worker bundle (packages/edge/dist/worker.js: the
// whole edge with every feature — both schemes, five algorithms, keyring validation, four
// transports, IP/CIDR, HLS rewriting, the Worker adapter) as shipped, and where its bytes
// go, module by module. Goals (issue 7): ≤ 14 KB minified, ≤ 5 KB gzip.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildWorker, WORKER_BUILD_OPTIONS } from '../../packages/edge/scripts/build-worker.js';
import { recordCompressedSizes } from '../compressed-sizes.js';

const GROUP = 'bundle size: dist/worker.js';
const GROUP_MODULES = 'bundle size: modules of dist/worker.js (minified bytes in the bundle)';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Registers size rows (bytes) and their goals; nothing is timed. */
export async function run(bench) {
  const { outfile } = await buildWorker({ quiet: true });
  recordCompressedSizes(bench, readFileSync(outfile), GROUP);
  bench.goal({ name: 'dist/worker.js ≤ 14 KB minified', group: GROUP, row: 'minified', atMost: 14_000 });
  bench.goal({ name: 'dist/worker.js ≤ 5 KB gzip', group: GROUP, row: 'gzip -9', atMost: 5_000 });

  // Where the bytes go: the same build, metafile only.
  const result = await build({ ...WORKER_BUILD_OPTIONS, entryPoints: [`${ROOT}packages/edge/src/adapters/worker.ts`], write: false, metafile: true, outfile: undefined, outdir: '/tmp' });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const modules = Object.entries(output?.inputs ?? {}).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
  for (const [path, info] of modules) {
    bench.record(path.replace(/^packages\/edge\/src\//, ''), info.bytesInOutput, { group: GROUP_MODULES, unit: 'B' });
  }
}
