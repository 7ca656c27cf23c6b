// `npm run test:packaging`: the packages packed, installed in a new project outside the
// repository and used as a user would (test/packaging/install.test.ts). Kept out of `npm test`
// because npm pack, two npm installs and four tsc runs take a minute or two.
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/packaging/install.test.ts'], exclude: [...configDefaults.exclude], testTimeout: 60_000 },
});
