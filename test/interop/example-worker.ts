// examples/cloudflare-worker bundled as `wrangler deploy` bundles it (esbuild, one ES
// module, the workerd export conditions), for the tests that run the Worker in workerd.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WORKERS_BUNDLE, builtEdge } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Bundles examples/cloudflare-worker/src/index.js into `outfile`. */
export async function bundleExampleWorker(outfile: string): Promise<void> {
  // The package's own build first: the example imports its dist/worker.js.
  await builtEdge();
  await build({
    entryPoints: [`${ROOT}examples/cloudflare-worker/src/index.js`],
    outfile,
    ...WORKERS_BUNDLE,
  });
}
