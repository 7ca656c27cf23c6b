// `npm start`: the LMS demo. Three servers on 127.0.0.1, one line per URL.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LEEWAY } from '@urlseal/edge/contract';
import { startDemo } from './demo.js';
import { demoSettings, type DemoSettings } from './env.js';

/** How long the three servers let in-flight responses finish on SIGTERM/SIGINT before cutting them. */
const GRACE_MS = 10_000;

const EDGE_KEYRING_FILE = fileURLToPath(new URL('../edge-keyring.local.json', import.meta.url));
/** The revocation file the app writes and the edge watches (git-ignored; `urlseal revoke --store` takes it too). */
const REVOCATIONS_FILE = fileURLToPath(new URL('../revocations.local.json', import.meta.url));

async function main(): Promise<void> {
  const quiet = process.env.LMS_QUIET === '1';
  let settings: DemoSettings;
  try {
    settings = demoSettings();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const demo = await startDemo({
    port: settings.port,
    mediaPort: settings.mediaPort,
    edgePort: settings.edgePort,
    ttlSeconds: settings.ttlSeconds,
    revocationFile: REVOCATIONS_FILE,
    ...(settings.edgeLeeway === undefined ? {} : { edgeLeeway: settings.edgeLeeway }),
    // Request lines carry method, path and status: never a token or a query string.
    log: quiet ? undefined : (line) => (line.includes('ERROR') ? console.error(line) : console.log(line)),
  });
  // The edge's verify-only keyring, so `urlseal serve` can be run by hand against the same origin.
  writeFileSync(EDGE_KEYRING_FILE, `${JSON.stringify(demo.edgeKeyring, null, 2)}\n`, { mode: 0o600 });

  console.log(`urlseal LMS demo (keyring: ${demo.keyringSource})`);
  console.log(`  app     ${demo.urls.app}/login   (sign in as ada@example.com / lovelace, alan@example.com / turing, or grace@example.com / hopper, an admin)`);
  console.log(`  edge    ${demo.urls.edge}         (urlseal edge: verifies every media link; same as urlseal serve --origin ${demo.urls.media} --keyring ${EDGE_KEYRING_FILE})`);
  console.log(`  media   ${demo.urls.media}         (media origin: plain files; only the edge talks to it)`);
  console.log(`  links   live ${settings.ttlSeconds} s (LINK_TTL); the edge allows ${settings.edgeLeeway ?? DEFAULT_LEEWAY} s of clock leeway (EDGE_LEEWAY)`);
  console.log(`  revoke  ${demo.revocations.file}   ("Sign out everywhere", grace@example.com / hopper's admin page; the edge refuses revoked links within ${demo.revocations.delaySeconds} s)`);
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (in-flight responses get ${GRACE_MS / 1000} s)…`);
    // Do not hang forever on a stuck socket.
    setTimeout(() => process.exit(1), GRACE_MS + 2000).unref();
    demo.close(GRACE_MS).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE') {
    console.error(`A port is already in use (${err.message}). Set PORT, MEDIA_PORT or EDGE_PORT to free ports.`);
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exit(2);
});
