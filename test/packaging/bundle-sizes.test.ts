// Size budgets (issue 16): every edge bundle as shipped stays under its ceiling in
// packages/edge/size-budgets.json (goals are reported by npm run bench, not here). A
// feature that adds bytes makes this fail until its ceiling is raised on purpose.
// The player's own ceiling is enforced by its build (packages/player/scripts/build.js).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildCloudFrontFunction } from '@urlseal/edge/build';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
type Budget = Record<string, { goal: number; ceiling: number }>;
const BUDGETS = JSON.parse(readFileSync(join(ROOT, 'packages/edge/size-budgets.json'), 'utf8')) as Record<string, Budget>;
const budget = (name: string): Budget => {
  const entry = BUDGETS[name];
  if (entry === undefined) throw new Error(`packages/edge/size-budgets.json has no entry "${name}"`);
  return entry;
};

// A realistic keyring (issue 16): three kids and two legacy secrets, 43-character secrets as urlseal keygen makes them.
const secret = (n: number) => `${'k'.repeat(40)}${n}${n}${n}`;
const KIDS = { '2026-10': secret(1), '2026-11': secret(2), '2026-12': secret(3) };

describe('bundle size budgets (packages/edge/size-budgets.json)', () => {
  it.each(['dist/worker.js', 'dist/worker-lean.js', 'dist/azion.js', 'dist/nginx.js'])('%s stays under its ceilings', (file) => {
    const code = readFileSync(join(ROOT, 'packages/edge', file));
    // Each row the budget has (the lean Worker's goal is on its minified size only).
    const { minified, gzip } = budget(file) as { minified?: { ceiling: number }; gzip?: { ceiling: number } };
    expect(minified, `${file} has a minified ceiling`).toBeDefined();
    expect(code.length, `${file} minified`).toBeLessThanOrEqual(minified?.ceiling ?? 0);
    if (gzip !== undefined) expect(gzipSync(code, { level: 9 }).length, `${file} gzip -9`).toBeLessThanOrEqual(gzip.ceiling);
  });

  it('dist/worker.js with the modules it loads on demand stays under its ceilings (gzip: each file, summed)', async () => {
    const { WORKER_LAZY_MODULES } = (await import(join(ROOT, 'packages/edge/scripts/build-worker.js'))) as { WORKER_LAZY_MODULES: readonly string[] };
    const name = 'dist/worker.js + on-demand modules (json-keyring, key-checks, secure-token, cors, revocation, manifest, sealed, ip)';
    expect(name).toContain(`(${WORKER_LAZY_MODULES.map((module) => module.replace(/^worker-/, '')).join(', ')})`);
    const files = ['worker', ...WORKER_LAZY_MODULES].map((module) => readFileSync(join(ROOT, 'packages/edge/dist', `${module}.js`)));
    const { minified, gzip } = budget(name) as Budget & { minified: { ceiling: number }; gzip: { ceiling: number } };
    expect(files.reduce((sum, code) => sum + code.length, 0), `${name} minified`).toBeLessThanOrEqual(minified.ceiling);
    expect(files.reduce((sum, code) => sum + gzipSync(code, { level: 9 }).length, 0), `${name} gzip -9`).toBeLessThanOrEqual(gzip.ceiling);
  });

  it.each([
    ['cloudfront (3 kids, inline)', { keyring: { kids: KIDS } }],
    ['cloudfront (KeyValueStore, preset cloudfront)', { keyring: { kids: KIDS }, kvs: true, preset: 'cloudfront' as const }],
    ['cloudfront with revocation (KeyValueStore, preset cloudfront)', { keyring: { kids: KIDS }, kvs: true, preset: 'cloudfront' as const, revocation: { onStoreError: 'deny' as const } }],
    ['cloudfront both schemes (3 kids, 2 secrets, inline)', { keyring: { kids: KIDS, secureToken: [secret(4), secret(5)] } }],
    ['cloudfront both schemes (3 kids, 2 secrets, KeyValueStore)', { keyring: { kids: KIDS, secureToken: [secret(4), secret(5)] }, kvs: true }],
    ['cloudfront secure-token (2 secrets, inline)', { keyring: { secureToken: [secret(4), secret(5)] } }],
  ])('%s stays under its ceiling', (name, options) => {
    expect(buildCloudFrontFunction(options).bytes).toBeLessThanOrEqual((budget(name).bytes as { ceiling: number }).ceiling);
  });

  it('both schemes with revocation is refused as over 10 KB (docs/deploy/cloudfront.md), and the bundle stays under its ceiling', () => {
    const name = 'cloudfront both schemes with revocation (3 kids, 2 secrets, KeyValueStore; over 10 KB, not built)';
    const options = { keyring: { kids: KIDS, secureToken: [secret(4), secret(5)] }, kvs: true, revocation: { onStoreError: 'deny' as const } };
    let message = '';
    try {
      buildCloudFrontFunction(options);
    } catch (error) {
      message = (error as RangeError).message;
    }
    const stated = /the function is (\d+) bytes/.exec(message);
    expect(stated, 'refused as too large: when it fits, build it, document it and drop this row').not.toBeNull();
    expect(Number(stated?.[1])).toBeLessThanOrEqual((budget(name).bytes as { ceiling: number }).ceiling);
  });

  it('every budget has a goal at or below its ceiling', () => {
    for (const [name, rows] of Object.entries(BUDGETS)) {
      if (name.startsWith('$')) continue;
      for (const [row, { goal, ceiling }] of Object.entries(rows)) expect(goal, `${name} ${row}`).toBeLessThanOrEqual(ceiling);
    }
  });
});
