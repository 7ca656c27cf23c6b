#!/usr/bin/env node
// A committed shim so npm can link the bin before the TypeScript build has run.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
