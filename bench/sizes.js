#!/usr/bin/env node
// Bytes per module and per feature of the edge bundles (issue 16), each bundle against its
// goal in packages/edge/size-budgets.json. `node bench/sizes.js` prints the tables alone
// (after `npm run build`: the CloudFront rows use dist/builders); `npm run bench` shows the same
// rows through bench/sections/sizes.js.
//
// - Budgets: every entry of size-budgets.json, measured as shipped: the files the edge's
//   bundle build wrote into dist (first brought up to date as `npm run build` does, through
//   scripts/build-bundles.js: built again only when what they are built from changed), the
//   CloudFront functions as `urlseal build cloudfront` writes them from those bundles for the
//   keyrings the budgets name. dist/worker.js
//   is what the Worker loads for a plain request (a keyring `urlseal build worker` wrote, no
//   revocation); the row WORKER_ALL adds the modules it loads only when its bindings ask
//   (keyring JSON, public-key checks, secure-token, CORS origins, revocation, manifest rewriting, sealed tokens, ip claims), each file's gzip size added up.
// - Modules: esbuild's metafile `bytesInOutput` of each source module, for the CloudFront
//   JWT function, nginx, the Worker and Azion (the lean Worker has its budget row only). For
//   the floor bundles (CloudFront, nginx) and the Worker these are esbuild's minified bytes, before terser
//   takes its ~5% more off the whole.
// - Features: the bundle built with and without each optional feature; the cost is the
//   difference. "Without" is a build the bench makes (nothing is written, nothing ships):
//   country rules by esbuild's dropLabels (`COUNTRY_RULES:`, as floor.js does; for CloudFront,
//   which ships without them, with the label kept and nginx's claims check), the others by
//   putting a stub in place of the feature's module (bench/lib/leave-out.js); the call sites
//   stay, so a cost is the module and what only it reaches. RSA in the Worker and Azion has no
//   module of its own (contract/keyring.ts, contract/key-checks.ts, core/crypto/web.ts): not measured.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { AZION_BUILD_OPTIONS } from '../packages/edge/scripts/build-azion.js';
import { CLOUDFRONT_BUNDLES } from '../packages/edge/scripts/build-cloudfront.js';
import { buildFloorBundle } from '../packages/edge/scripts/floor.js';
import { WORKER_BUILD_OPTIONS, WORKER_LAZY_MODULES } from '../packages/edge/scripts/build-worker.js';
import { ensureBuilt } from '../scripts/build-bundles.js';
import { leaveOut } from './lib/leave-out.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const EDGE = `${ROOT}packages/edge/`;
export const BUDGETS_FILE = 'packages/edge/size-budgets.json';
/** The budget of dist/worker.js and the modules it loads only when its bindings ask for them. */
export const WORKER_ALL = 'dist/worker.js + on-demand modules (json-keyring, key-checks, secure-token, cors, revocation, manifest, sealed, ip)';

// The realistic keyring of test/packaging/bundle-sizes.test.ts: three kids, two legacy secrets, 43-character secrets.
const secret = (n) => `${'k'.repeat(40)}${n}${n}${n}`;
const KIDS = { '2026-10': secret(1), '2026-11': secret(2), '2026-12': secret(3) };

/** The CloudFront budgets: the function `urlseal build cloudfront` writes, by budget name. */
const CLOUDFRONT_BUDGETS = {
  'cloudfront (3 kids, inline)': { keyring: { kids: KIDS } },
  'cloudfront (KeyValueStore, preset cloudfront)': { keyring: { kids: KIDS }, kvs: true, preset: 'cloudfront' },
  'cloudfront with revocation (KeyValueStore, preset cloudfront)': { keyring: { kids: KIDS }, kvs: true, preset: 'cloudfront', revocation: { onStoreError: 'deny' } },
  'cloudfront both schemes (3 kids, 2 secrets, inline)': { keyring: { kids: KIDS, secureToken: [secret(4), secret(5)] } },
  'cloudfront both schemes (3 kids, 2 secrets, KeyValueStore)': { keyring: { kids: KIDS, secureToken: [secret(4), secret(5)] }, kvs: true },
  'cloudfront both schemes with revocation (3 kids, 2 secrets, KeyValueStore; over 10 KB, not built)': { keyring: { kids: KIDS, secureToken: [secret(4), secret(5)] }, kvs: true, revocation: { onStoreError: 'deny' } },
  'cloudfront secure-token (2 secrets, inline)': { keyring: { secureToken: [secret(4), secret(5)] } },
};

/**
 * The bytes of the function `urlseal build cloudfront` writes for `options`; for one over
 * CloudFront's limit, which the builder refuses, the size its RangeError states.
 */
function cloudFrontBytes(buildCloudFrontFunction, options) {
  try {
    return buildCloudFrontFunction(options).bytes;
  } catch (error) {
    const stated = error instanceof RangeError ? /the function is (\d+) bytes/.exec(error.message) : null;
    if (stated === null) throw error;
    return Number(stated[1]);
  }
}

const web = (options) => (variant = {}) =>
  build({
    ...options,
    dropLabels: variant.dropLabels,
    plugins: [...(options.plugins ?? []), ...(variant.plugins ?? [])],
    write: false, metafile: true, logLevel: 'silent',
  }).then((result) => ({ code: Buffer.from(result.outputFiles[0].contents), metafile: result.metafile }));

const floor = (entry, out, shipped) => (variant = {}) =>
  buildFloorBundle(EDGE, entry, out, { quiet: true, write: false, metafile: true, ...shipped, ...variant }).then((result) => ({
    code: Buffer.from(result.code),
    metafile: result.metafile,
  }));

const stub = (...modules) => ({ plugins: [leaveOut(modules)] });

/**
 * The bundles with a module and feature table: how each is built as shipped, and its
 * features (`shipped`: whether the shipped bundle has it; `variant`: the build options of
 * the other build, with the feature when it does not ship, without it when it does).
 */
export const BUNDLES = [
  {
    name: 'CloudFront JWT function (dist/cloudfront-jwt.js)',
    build: floor('cloudfront-jwt.ts', 'cloudfront-jwt.js', CLOUDFRONT_BUNDLES.jwt[2]),
    features: [
      { feature: 'country rules (geo claim, CloudFront-Viewer-Country)', shipped: true, variant: { countryRules: false } },
      { feature: 'sealed-token check (five segments: ERR_ALG_NOT_ALLOWED)', shipped: true, variant: stub('core/sealed.ts') },
      // What a CloudFront build never runs, left out: its `uri` is origin-form; inline keys answer synchronously.
      { feature: 'absolute-form targets (never from CloudFront)', shipped: false, variant: { dropLabels: [] } },
      { feature: 'promise paths (inline keys are synchronous)', shipped: false, variant: { flags: { ASYNC: true } } },
    ],
  },
  {
    name: 'CloudFront both-schemes function (dist/cloudfront-both.js)',
    build: floor('cloudfront-both.ts', 'cloudfront-both.js', CLOUDFRONT_BUNDLES.both[2]),
    features: [
      { feature: 'country rules (geo claim, CloudFront-Viewer-Country)', shipped: true, variant: { countryRules: false } },
      { feature: 'sealed-token check (five segments: ERR_ALG_NOT_ALLOWED)', shipped: true, variant: stub('core/sealed.ts') },
    ],
  },
  {
    name: 'nginx njs module (dist/nginx.js)',
    build: floor('nginx-module.ts', 'nginx.js', { countryRules: true }),
    features: [
      { feature: 'country rules (geo claim)', shipped: true, variant: { countryRules: false } },
      { feature: 'sealed tokens (AES-GCM)', shipped: true, variant: stub('core/sealed.ts', 'runtimes/nginx/njs-sealed.ts') },
      { feature: 'RS256/PS256', shipped: true, variant: stub('runtimes/nginx/njs-rsa.ts') },
    ],
  },
  {
    // What a plain request loads; the keyring JSON validator, revocation, sealed tokens and the rest are modules of their own (budget WORKER_ALL).
    name: 'Worker (dist/worker.js)',
    build: web(WORKER_BUILD_OPTIONS),
    features: [
      { feature: 'HLS manifest rewriting', shipped: true, variant: stub('core/manifest.ts') },
      { feature: 'CORS preflight answer', shipped: true, variant: stub('core/preflight.ts') },
      // Sealed tokens are dist/worker-sealed.js, loaded with the first token that needs them: no row here.
      { feature: 'country rules (geo claim)', shipped: true, variant: { dropLabels: ['COUNTRY_RULES'] } },
    ],
  },
  {
    name: 'Azion firewall function (dist/azion.js)',
    build: web(AZION_BUILD_OPTIONS),
    features: [
      { feature: 'revocation', shipped: true, variant: stub('core/revocation.ts') },
      { feature: 'sealed tokens (AES-GCM)', shipped: true, variant: stub('core/sealed.ts') },
      { feature: 'country rules (geo claim)', shipped: true, variant: { dropLabels: ['COUNTRY_RULES'] } },
    ],
  },
];

const gzip = (code) => gzipSync(code, { level: 9 }).length;

/** esbuild's bytes per source module of one build, largest first. */
function modulesOf(metafile) {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  return Object.entries(output?.inputs ?? {})
    .map(([path, info]) => [path.replace(/^packages\/edge\/src\//, ''), info.bytesInOutput])
    .sort((a, b) => b[1] - a[1]);
}

/** Measures one bundle of BUNDLES: its bytes as shipped, per module, and per feature. */
async function measureBundle(bundle) {
  const shipped = await bundle.build();
  const features = [];
  for (const { feature, shipped: ships, variant } of bundle.features) {
    const other = await bundle.build(variant);
    const [withIt, without] = ships ? [shipped.code, other.code] : [other.code, shipped.code];
    features.push({ feature, shipped: ships, with: withIt.length, without: without.length, cost: withIt.length - without.length, costGzip: gzip(withIt) - gzip(without) });
  }
  return { name: bundle.name, minified: shipped.code.length, gzip: gzip(shipped.code), modules: modulesOf(shipped.metafile), features };
}

/** The built files of @urlseal/edge (dist/): brought up to date as `npm run build` does (a build only when what they are built from changed). */
function shippedDist() {
  ensureBuilt(ROOT, '@urlseal/edge');
  return (file) => {
    try {
      return readFileSync(`${EDGE}${file}`);
    } catch (error) {
      throw new Error(`${file} is not there (\`npm run build\` writes it): ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

/** Every row of size-budgets.json, measured: `[{ budget, row, measured, goal, ceiling }]`; `measured` undefined when nothing here measures it. */
async function measureBudgets(budgets) {
  // Measured as shipped: the files `npm run build` wrote into dist (the CloudFront functions wrap dist's bundles).
  const dist = shippedDist();
  const { buildCloudFrontFunction } = await import(pathToFileURL(`${EDGE}dist/builders/index.js`).href);
  const shipped = {
    'dist/worker.js': () => ({ code: dist('dist/worker.js') }),
    // Every module the Worker may load, as one sum (gzip: each file's, added up, as each is sent and loaded on its own).
    [WORKER_ALL]: () => {
      const files = ['worker', ...WORKER_LAZY_MODULES].map((name) => dist(`dist/${name}.js`));
      return { bytes: files.reduce((sum, code) => sum + code.length, 0), gzip: files.reduce((sum, code) => sum + gzip(code), 0) };
    },
    'dist/azion.js': () => ({ code: dist('dist/azion.js') }),
    'dist/nginx.js': () => ({ code: dist('dist/nginx.js') }),
    'dist/worker-lean.js': () => ({ code: dist('dist/worker-lean.js') }),
  };
  const rows = [];
  for (const [budget, entry] of Object.entries(budgets)) {
    if (budget.startsWith('$')) continue;
    let sizes = {};
    if (shipped[budget] !== undefined) {
      const { code, bytes, gzip: gzipped } = shipped[budget]();
      sizes = code === undefined ? { minified: bytes, gzip: gzipped } : { minified: code.length, gzip: gzip(code) };
    } else if (CLOUDFRONT_BUDGETS[budget] !== undefined) {
      sizes = { bytes: cloudFrontBytes(buildCloudFrontFunction, CLOUDFRONT_BUDGETS[budget]) };
    }
    for (const [row, { goal, ceiling }] of Object.entries(entry)) rows.push({ budget, row, measured: sizes[row], goal, ceiling });
  }
  return rows;
}

/** Everything the tables show: `{ budgets, bundles }`. */
export async function measureSizes() {
  const budgets = JSON.parse(readFileSync(`${ROOT}${BUDGETS_FILE}`, 'utf8'));
  const bundles = [];
  for (const bundle of BUNDLES) bundles.push(await measureBundle(bundle));
  return { budgets: await measureBudgets(budgets), bundles };
}

/** `met`, `MISSED` (over the goal, under the ceiling), `OVER CEILING`, or `not measured`. */
export function verdict({ measured, goal, ceiling }) {
  if (measured === undefined) return 'not measured';
  return measured > ceiling ? 'OVER CEILING' : measured > goal ? 'MISSED' : 'met';
}

const n = (value) => (value === undefined ? '—' : value.toLocaleString('en-US'));
const signed = (value) => `${value > 0 ? '+' : ''}${n(value)}`;

function table(title, header, lines) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => String(line[i]).length)));
  const format = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  return [`\n## ${title}`, format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n');
}

/** The tables as text. */
export function formatSizes({ budgets, bundles }) {
  const out = [
    table(
      `size budgets (${BUDGETS_FILE})`,
      ['bundle', 'row', 'bytes', 'goal', 'ceiling', 'verdict'],
      budgets.map((b) => [b.budget, b.row, n(b.measured), n(b.goal), n(b.ceiling), verdict(b)]),
    ),
  ];
  for (const bundle of bundles) {
    out.push(table(`bytes per module: ${bundle.name}, ${n(bundle.minified)} B minified, ${n(bundle.gzip)} B gzip -9`, ['module', 'bytes'], bundle.modules.map(([path, bytes]) => [path, n(bytes)])));
    out.push(
      table(
        `bytes per feature: ${bundle.name}`,
        ['feature', 'shipped', 'with', 'without', 'cost', 'cost gzip'],
        bundle.features.map((f) => [f.feature, f.shipped ? 'yes' : 'no', n(f.with), n(f.without), signed(f.cost), signed(f.costGzip)]),
      ),
    );
  }
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  measureSizes().then(
    (sizes) => console.log(`${formatSizes(sizes)}\n\nmodule bytes: esbuild's bytesInOutput (floor bundles and the Worker before terser); feature costs: the bundle built with and without it (bench/sizes.js)`),
    (error) => {
      console.error(`bench/sizes.js: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
