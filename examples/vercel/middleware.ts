// Vercel Routing Middleware (Edge runtime): urlseal's verifying edge in front of your media
// origin. Every request under `config.matcher` is verified (SPEC §4–7); a granted one is
// fetched from URLSEAL_ORIGIN without its token carriers and streamed back, a denied one
// answers the SPEC §7 denial. Environment: URLSEAL_KEYRING (the keyring JSON, a secret)
// and URLSEAL_ORIGIN (the origin's base URL).
import { createVerifier, denialResponse, handle, type Verifier } from '@urlseal/edge';

export const config = { matcher: '/videos/:path*' };

let verifier: { readonly keyring: string | undefined; readonly value: Verifier | undefined } | undefined;

/** One verifier per keyring text; `undefined` when the keyring is unusable (503, never a pass). */
function currentVerifier(): Verifier | undefined {
  const keyring = process.env.URLSEAL_KEYRING;
  if (verifier?.keyring !== keyring) {
    let value: Verifier | undefined;
    try {
      value = keyring === undefined ? undefined : createVerifier({ keyring });
    } catch {
      value = undefined; // the error may name key material: never echoed
    }
    verifier = { keyring, value };
  }
  return verifier.value;
}

export default function middleware(request: Request): Promise<Response> | Response {
  const current = currentVerifier();
  if (current === undefined) return denialResponse('ERR_KEYRING_UNAVAILABLE');
  // Vercel's edge sets x-real-ip to the client's address (a client cannot forge it there).
  const clientIp = request.headers.get('x-real-ip') ?? undefined;
  // And x-vercel-ip-country to the viewer's country, for `geo` claims.
  const country = request.headers.get('x-vercel-ip-country') ?? undefined;
  return handle(current, request, (forward) => fetch(forward), { origin: process.env.URLSEAL_ORIGIN, clientIp, country });
}
