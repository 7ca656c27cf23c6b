// urlseal's verifying edge on Deno (Deno.serve, Deno Deploy): every request is verified
// (SPEC §4–7); a granted one is fetched from URLSEAL_ORIGIN without its token carriers and
// streamed back, a denied one answers the SPEC §7 denial. Environment: URLSEAL_KEYRING (the
// keyring JSON), URLSEAL_ORIGIN (the origin's base URL), PORT (default 8000).
//   deno run --allow-net --allow-env main.ts
import { createVerifier, handle } from '@urlseal/edge';

const keyring = Deno.env.get('URLSEAL_KEYRING');
const origin = Deno.env.get('URLSEAL_ORIGIN');
if (keyring === undefined || origin === undefined) {
  console.error('urlseal: set URLSEAL_KEYRING (the keyring JSON) and URLSEAL_ORIGIN (the origin base URL)');
  Deno.exit(2);
}
// Validated once, at start: an unusable keyring stops the server (exit 2) instead of serving 503s.
let verifier: ReturnType<typeof createVerifier>;
try {
  verifier = createVerifier({ keyring });
} catch (error) {
  console.error(`urlseal: ${error instanceof Error ? error.message : String(error)}`);
  Deno.exit(2);
}

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 8000), hostname: Deno.env.get('HOST') ?? '0.0.0.0' }, (request, info) =>
  // The socket peer is the client address for ip claims (behind a proxy you run, read its header instead).
  handle(verifier, request, (forward) => fetch(forward), { origin, clientIp: info.remoteAddr.hostname }),
);
