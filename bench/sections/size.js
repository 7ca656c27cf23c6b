// Size section of `npm run bench`: every bundle an edge runs, as shipped.
// - The Worker bundle (packages/edge/dist/worker.js: the whole edge with every feature —
//   both schemes, five algorithms, keyring validation, four transports, IP/CIDR, HLS
//   rewriting, the Worker adapter): minified, gzip and brotli. Its goals, and where its
//   bytes go module by module and feature by feature, are in sections/sizes.js.
// - The CloudFront Functions as `urlseal build cloudfront` writes them for a one-key
//   keyring (the bundle plus the keyring and the handler), against AWS's hard 10 KB.
// - The other edges' bundles: the nginx njs module (urlseal build nginx), Azion's firewall
//   function, the Vercel middleware and the Deno server examples bundled as their
//   platforms bundle them.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { WORKER_BUILD_OPTIONS } from '../../packages/edge/scripts/build-worker.js';
import { buildCloudFrontBundles } from '../../packages/edge/scripts/build-cloudfront.js';
import { buildAzion } from '../../packages/edge/scripts/build-azion.js';
import { buildNginxBundle } from '../../packages/edge/scripts/build-nginx.js';
import { buildCloudFrontFunction, buildNginxModule, CLOUDFRONT_MAX_BYTES } from '../../packages/edge/dist/builders/index.js';
import { recordCompressedSizes } from '../compressed-sizes.js';

const GROUP = 'bundle size: dist/worker.js';
const GROUP_CLOUDFRONT = 'bundle size: CloudFront Functions (urlseal build cloudfront, one key or secret)';
const GROUP_OTHER = 'bundle size: other edges';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Registers size rows (bytes) and their goals; nothing is timed. */
export async function run(bench) {
  // The Worker build (the options build-worker.js ships with). `npm run bench` built and
  // checked dist/worker.js just before.
  const worker = await build({ ...WORKER_BUILD_OPTIONS, write: false, logLevel: 'silent' });
  recordCompressedSizes(bench, worker.outputFiles[0].contents, GROUP);

  // CloudFront: what a user deploys, for the smallest real keyring of each kind.
  await buildCloudFrontBundles({ quiet: true });
  const secret = 'x'.repeat(40);
  const functions = [
    ['jwt, keys inline', { keyring: { kids: { '2026-11': secret } } }],
    ['jwt, KeyValueStore', { keyring: { kids: { '2026-11': secret } }, kvs: true }],
    ['jwt, keys inline, preset cloudfront', { keyring: { kids: { '2026-11': secret } }, preset: 'cloudfront' }],
    ['jwt, KeyValueStore, preset cloudfront', { keyring: { kids: { '2026-11': secret } }, kvs: true, preset: 'cloudfront' }],
    ['secure-token, secret inline', { keyring: { secureToken: [secret] } }],
    ['secure-token, KeyValueStore', { keyring: { secureToken: [secret] }, kvs: true }],
  ];
  for (const [name, options] of functions) {
    bench.record(name, buildCloudFrontFunction(options).bytes, { group: GROUP_CLOUDFRONT, unit: 'B' });
    bench.goal({ name: `CloudFront function (${name}) ≤ 10 KB`, group: GROUP_CLOUDFRONT, row: name, atMost: CLOUDFRONT_MAX_BYTES });
  }

  // nginx: the njs module `urlseal build nginx` writes, for one HS256 key and one secure-token secret.
  await buildNginxBundle({ quiet: true });
  const nginx = buildNginxModule({ keyring: { kids: { '2026-11': secret }, secureToken: [secret] }, origin: 'http://127.0.0.1:8080', dir: '/etc/nginx/urlseal' });
  const nginxModule = Buffer.from(nginx.files['urlseal.js']);
  bench.record('urlseal.js (nginx njs module, one key and one secret)', nginxModule.length, { group: GROUP_OTHER, unit: 'B' });
  bench.record('urlseal.js (nginx njs module) gzip -9', gzipSync(nginxModule, { level: 9 }).length, { group: GROUP_OTHER, unit: 'B' });

  const azion = await buildAzion({ quiet: true });
  bench.record('dist/azion.js minified', azion.minified, { group: GROUP_OTHER, unit: 'B' });
  bench.record('dist/azion.js gzip -9', azion.gzipped, { group: GROUP_OTHER, unit: 'B' });
  // The examples as their platforms bundle them: Vercel (edge-light), Deno Deploy.
  for (const [name, entry, conditions] of [
    ['examples/vercel/middleware.ts', 'examples/vercel/middleware.ts', ['edge-light', 'worker', 'browser', 'import', 'default']],
    ['examples/deno/main.ts', 'examples/deno/main.ts', ['deno', 'import', 'default']],
  ]) {
    const result = await build({
      entryPoints: [`${ROOT}${entry}`], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', minify: true,
      legalComments: 'none', conditions, mainFields: ['module', 'main'], write: false, logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    bench.record(`${name} minified`, code.length, { group: GROUP_OTHER, unit: 'B' });
    bench.record(`${name} gzip -9`, gzipSync(code, { level: 9 }).length, { group: GROUP_OTHER, unit: 'B' });
  }
}
