import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { stopGracefully } from '@urlseal/edge/node-server';
import type { KeyringJson } from '@urlseal/sdk';
import { startEdge } from './edge.js';
import { loadOrCreateKeyring, verifyOnly } from './keyring.js';
import { createMediaOrigin, listen, type SeenRequest } from './media.js';
import { createApp } from './server.js';

export interface DemoOptions {
  /** LMS app port (0: any free port). Default 3000. */
  port?: number;
  /** Media origin port. Default 3001. */
  mediaPort?: number;
  /** Edge port. Default 8080. */
  edgePort?: number;
  /** Signing keyring; default: env URLSEAL_KEYRING, else examples/lms/keyring.local.json (made on first start). */
  keyring?: KeyringJson;
  /** Clock in ms for sessions, link expiry and the edge (tests inject one). */
  now?: () => number;
  /** Link lifetime in seconds (env LINK_TTL in `npm start`). Default 300. */
  ttlSeconds?: number;
  /**
   * The edge verifier's leeway in seconds (env EDGE_LEEWAY in `npm start`):
   * a link is dead at the edge `ttlSeconds + edgeLeeway` after it was signed.
   * Default: the edge's own, 30 s. Tests shorten it so they need not wait.
   */
  edgeLeeway?: number;
  /** Log sink for request lines; default: silent. */
  log?: (line: string) => void;
  /** Sees every request the media origin receives. */
  onMediaRequest?: (seen: SeenRequest) => void;
}

export interface Demo {
  readonly urls: { readonly app: string; readonly media: string; readonly edge: string };
  /** The keyring the app signs with and the verify-only copy the edge holds. */
  readonly keyring: KeyringJson;
  readonly edgeKeyring: KeyringJson;
  readonly keyringSource: string;
  /** Stops the three servers: in-flight responses get `graceMs` (default 0: cut at once) to finish. */
  close(graceMs?: number): Promise<void>;
}

const HOST = '127.0.0.1';

function urlOf(server: Server): string {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP');
  return `http://${HOST}:${address.port}`;
}

async function closeServer(server: Server, graceMs = 0): Promise<void> {
  // Media responses are streams on keep-alive sockets: cut what is left after the grace, or close() waits for the browser.
  await stopGracefully(server, graceMs);
}

/**
 * Starts the three parts of the demo, all bound to 127.0.0.1: the LMS app
 * (signs links), the media origin (plain files) and the urlseal edge (verifies
 * links, proxies to the origin). Returns their URLs and one close().
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? (() => {});
  const loaded = options.keyring ? { json: options.keyring, source: 'options' } : loadOrCreateKeyring();
  const edgeKeyring = verifyOnly(loaded.json);
  const started: Server[] = [];
  try {
    // The app listens first (its handler set below) because the media origin
    // needs the app's origin for CORS and the app needs the edge's URL for links.
    let appHandler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
      res.statusCode = 503;
      res.end('starting\n');
    };
    const appServer = await listen((req, res) => appHandler(req, res), options.port ?? 3000, HOST);
    started.push(appServer);
    const appUrl = urlOf(appServer);

    const mediaServer = await listen(
      createMediaOrigin({ allowOrigin: appUrl, onRequest: options.onMediaRequest, logError: (line) => log(line), log }),
      options.mediaPort ?? 3001,
      HOST,
    );
    started.push(mediaServer);
    const mediaUrl = urlOf(mediaServer);

    const edgeServer = await startEdge({
      origin: mediaUrl,
      keyring: edgeKeyring,
      port: options.edgePort ?? 8080,
      host: HOST,
      now: options.now,
      leeway: options.edgeLeeway,
      allowOrigin: appUrl,
      log,
    });
    started.push(edgeServer);
    const edgeUrl = urlOf(edgeServer);

    const app = createApp({ keyring: loaded.json, edgeUrl, ttlSeconds: options.ttlSeconds, now: options.now, log });
    appHandler = app;

    return {
      urls: { app: appUrl, media: mediaUrl, edge: edgeUrl },
      keyring: loaded.json,
      edgeKeyring,
      keyringSource: loaded.source,
      close: async (graceMs?: number) => {
        await Promise.all(started.map((server) => closeServer(server, graceMs)));
      },
    };
  } catch (error) {
    await Promise.all(started.map((server) => closeServer(server)));
    throw error;
  }
}
