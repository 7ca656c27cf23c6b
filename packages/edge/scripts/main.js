// The tail every build script shares: run when invoked directly (`node
// scripts/build-x.js`), stay quiet when imported (the bench and tests call the
// exported builder), and print a failure as one line with a non-zero exit.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Runs `main` when the module at `url` is the script node was started with. */
export function runAsScript(url, label, main) {
  if (!process.argv[1] || fileURLToPath(url) !== process.argv[1]) return;
  main().catch((error) => {
    console.error(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}

/** A module of the package's tsc output (dist/), which the bundle scripts run after; one line when it is missing. */
export async function importBuilt(path) {
  const url = new URL(`../dist/${path}`, import.meta.url);
  if (!existsSync(url)) throw new Error(`dist/${path} is missing: compile the package first (npm run build at the repository root runs tsc -b before the bundles)`);
  return import(url.href);
}
