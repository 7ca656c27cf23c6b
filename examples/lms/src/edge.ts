import type { Server } from 'node:http';
import { createEdgeServer } from '@urlseal/edge/node-server';
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
  readonly log?: ((line: string) => void) | undefined;
}

/**
 * The urlseal edge, in-process: `createEdgeServer` is exactly what
 * `urlseal serve --origin … --keyring …` runs. It is the only way a browser
 * reaches media: it checks the link, strips the token and streams the origin's
 * answer back (Range, HEAD and headers such as CORS pass through).
 */
export async function startEdge(options: EdgeOptions): Promise<Server> {
  const { now, log } = options;
  const server = createEdgeServer({
    origin: options.origin,
    keyring: options.keyring,
    ...(now ? { currentDate: () => new Date(now()) } : {}),
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
