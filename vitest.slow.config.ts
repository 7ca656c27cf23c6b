// `npm run test:slow`: the tests that drive a real browser (Debian Chromium: the LMS demo, the
// player bundle with hls.js, cross-host cookies), the latency checks (*.timing.test.ts) and the load test. Kept out of `npm test` so
// the main suite stays fast; .ci/run runs this tier too.
import { configDefaults, defineConfig } from 'vitest/config';
import base, { SLOW_TESTS } from './vitest.config.js';

export default defineConfig({
  ...base,
  // One file at a time: these measure latency or drive a browser, and must not share the machine.
  test: { ...base.test, include: SLOW_TESTS, exclude: [...configDefaults.exclude], testTimeout: 60_000, maxWorkers: 1, fileParallelism: false, isolate: true },
});
