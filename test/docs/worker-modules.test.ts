// docs/deploy/workers.md names the Worker's modules twice, in its table of on-demand modules
// and in the workerd config a user copies: both must name exactly what the build writes
// (packages/edge/scripts/build-worker.js WORKER_LAZY_MODULES), or a copied config misses one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './snippets.js';

const DOC = readFileSync(join(REPO_ROOT, 'docs/deploy/workers.md'), 'utf8');

describe('docs/deploy/workers.md and the Worker build', () => {
  it('names every module the build writes, in its table and in its workerd config', async () => {
    const { WORKER_LAZY_MODULES } = (await import(join(REPO_ROOT, 'packages/edge/scripts/build-worker.js'))) as { WORKER_LAZY_MODULES: readonly string[] };
    const lazy = WORKER_LAZY_MODULES.map((name) => `${name}.js`);
    const table = [...DOC.matchAll(/^\| `dist\/(worker-[a-z-]+\.js)` \|/gm)].map((match) => match[1]);
    const config = [...DOC.matchAll(/\(name = "(worker[a-z-]*\.js)", esModule = embed "\1"\)/g)].map((match) => match[1]);
    expect(table).toEqual(lazy);
    expect(config).toEqual(['worker.js', ...lazy]);
  });
});
