// The tail every build script shares: run when invoked directly (`node
// scripts/build-x.js`), stay quiet when imported (the bench and tests call the
// exported builder), and print a failure as one line with a non-zero exit.
import { fileURLToPath } from 'node:url';

/** Runs `main` when the module at `url` is the script node was started with. */
export function runAsScript(url, label, main) {
  if (!process.argv[1] || fileURLToPath(url) !== process.argv[1]) return;
  main().catch((error) => {
    console.error(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
