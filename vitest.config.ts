import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Real-browser, latency (`*.timing.test.ts`) and load tests: `npm run test:slow`, one file at a
 * time (README; .ci/run runs every tier).
 */
export const SLOW_TESTS = ['**/*.browser.test.ts', '**/*.e2e.test.ts', '**/*.timing.test.ts', 'test/load/**/*.test.ts'];

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests run against the TypeScript sources, so one copy of each module is loaded
// (the CLI and servers run as subprocesses use the built dist instead).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@urlseal\/edge$/, replacement: here('./packages/edge/src/runtimes/node/index.ts') },
      { find: /^@urlseal\/edge\/contract$/, replacement: here('./packages/edge/src/contract/index.ts') },
      { find: /^@urlseal\/edge\/web$/, replacement: here('./packages/edge/src/web/index.ts') },
      { find: /^@urlseal\/edge\/express$/, replacement: here('./packages/edge/src/runtimes/node/express.ts') },
      { find: /^@urlseal\/edge\/keyring-source$/, replacement: here('./packages/edge/src/ops/keyring-source.ts') },
      { find: /^@urlseal\/edge\/revocation-source$/, replacement: here('./packages/edge/src/ops/revocation-source.ts') },
      { find: /^@urlseal\/edge\/metrics$/, replacement: here('./packages/edge/src/ops/metrics.ts') },
      { find: /^@urlseal\/edge\/node-server$/, replacement: here('./packages/edge/src/runtimes/node/server.ts') },
      { find: /^@urlseal\/edge\/build$/, replacement: here('./packages/edge/src/builders/index.ts') },
      { find: /^@urlseal\/sdk$/, replacement: here('./packages/sdk/src/index.ts') },
      { find: /^@urlseal\/player$/, replacement: here('./packages/player/src/index.ts') },
    ],
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // Packs and installs the packages in a new project (~1–2 min): `npm run test:packaging`
    // (vitest.packaging.config.ts), which .ci/run runs after `npm test`.
    // The slower tiers have their own scripts (vitest.slow.config.ts, vitest.packaging.config.ts).
    exclude: [...configDefaults.exclude, 'test/packaging/install.test.ts', ...SLOW_TESTS],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Three files at a time on this 2-core machine: most test time is waiting on child
    // processes and sockets (vitest's default here is one). Anything that measures latency
    // is a *.timing.test.ts and runs in the slow tier, alone.
    maxWorkers: 3,
    // A worker runs file after file without a fresh process each (with isolation, starting
    // one cost ~0.4 s of CPU per file, a quarter of the suite's): a helper module is loaded
    // once per worker, so one that keeps state must keep it per call (see njs-runtime.ts),
    // never per import. Each test file is still evaluated anew.
    isolate: false,
    // Fails the run when a test left a server running (see the file).
    globalSetup: ['test/global-teardown.ts'],
  },
});
