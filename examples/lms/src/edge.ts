import type { Server } from 'node:http';
import { createEdgeServer } from '@urlseal/edge/node-server';
import type { RevocationSource } from '@urlseal/edge';
import type { KeyringJson } from '@urlseal/sdk';

export interface EdgeOptions {
  /** The media origin the edge proxies to after a link verifies. */
  readonly origin: string;
  /** Verify-only keyring (public keys and the legacy secret). */
  readonly keyring: KeyringJson;
  readonly port: number;
  readonly host: string;
  /** Clock in ms (tests inject one). */
  readonly now?: (() => number) | undefined;
  /** The verifier's leeway in seconds (`clockTolerance`); default the edge's own (30). */
  readonly leeway?: number | undefined;
  /** The app's origin: may read the edge's denials (status and `x-urlseal-error`) cross-origin. */
  readonly allowOrigin?: string | undefined;
  /** Where revocations are read, and how long an answer is remembered (seconds): the edge's part of the revocation delay. */
  readonly revocation?: { readonly source: RevocationSource; readonly cacheTtl: number } | undefined;
  readonly log?: ((line: string) => void) | undefined;
}

/**
 * The urlseal edge, in-process: `createEdgeServer` is exactly what
 * `urlseal serve --origin … --keyring …` runs. It is the only way a browser
 * reaches media: it checks the link, strips the token and streams the origin's
 * answer back (Range, HEAD and headers such as CORS pass through).
 */
export async function startEdge(options: EdgeOptions): Promise<Server> {
  const { now, log, leeway, allowOrigin, revocation } = options;
  const server = createEdgeServer({
    origin: options.origin,
    keyring: options.keyring,
    ...(now ? { currentDate: () => new Date(now()) } : {}),
    ...(leeway === undefined ? {} : { clockTolerance: leeway }),
    // A page's player (hls.js, dash.js) fetches from the edge cross-origin: without CORS on
    // a denial it sees status 0 and cannot tell an expired link (renew) from a tampered one
    // (stop). The media origin sends CORS on successes; the edge's `cors` option on denials.
    ...(allowOrigin ? { cors: [allowOrigin] } : {}),
    // Fail closed: a revocation file the edge cannot read answers 503 ERR_REVOCATION_UNAVAILABLE.
    ...(revocation ? { revocation: { source: revocation.source, onStoreError: 'deny' as const, cacheTtl: revocation.cacheTtl } } : {}),
    // The edge's access log is one JSON line per request; it never holds a token.
    log: log ? (line: string) => log(`[edge] ${line}`) : false,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
