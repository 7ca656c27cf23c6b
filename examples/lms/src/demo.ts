import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopGracefully } from '@urlseal/edge/node-server';
import { revocationFile, type ManagedRevocationSource } from '@urlseal/edge/revocation-source';
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
  /**
   * The revocation file: the app writes it ("sign out", "sign out everywhere", the admin's
   * "revoke access"), the edge watches it. Created empty when missing. Default: a new file in a
   * temporary folder, removed by close() (`npm start` keeps examples/lms/revocations.local.json).
   */
  revocationFile?: string;
  /**
   * Seconds the edge remembers a revocation answer (its `cacheTtl`, 0-30). Default 2, short for
   * the demo (the edge's own default is 10): with the file watch, a revoked link is refused
   * within `revocationCacheTtl + 1` seconds.
   */
  revocationCacheTtl?: number;
}

/** The demo's revocation cache TTL: a short one, so revoking is seen at once. */
export const DEMO_REVOCATION_CACHE_TTL = 2;
/** Milliseconds between the revocation file's stat checks (the fallback when a file event is missed). */
const REVOCATION_POLL_MS = 500;

export interface Demo {
  readonly urls: { readonly app: string; readonly media: string; readonly edge: string };
  /** The keyring the app signs with and the verify-only copy the edge holds. */
  readonly keyring: KeyringJson;
  readonly edgeKeyring: KeyringJson;
  readonly keyringSource: string;
  /** The revocation file and the delay until the edge refuses a revoked link (cache TTL + file watch, seconds). */
  readonly revocations: { readonly file: string; readonly delaySeconds: number };
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
  const temporary = options.revocationFile === undefined ? mkdtempSync(join(tmpdir(), 'urlseal-lms-')) : undefined;
  const revocationsPath = options.revocationFile ?? join(temporary as string, 'revocations.json');
  const cacheTtl = options.revocationCacheTtl ?? DEMO_REVOCATION_CACHE_TTL;
  // Seconds: the edge's cache, plus the watch (a file event at once, else the next stat poll), rounded up.
  const delaySeconds = cacheTtl + Math.ceil(REVOCATION_POLL_MS / 1000);
  let source: ManagedRevocationSource | undefined;
  const cleanUp = () => {
    source?.close();
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  };
  try {
    try {
      // An empty list, so the edge (fail closed: a store fault is 503) has one to read from the start.
      writeFileSync(revocationsPath, `${JSON.stringify({ version: 1, sub: {}, sid: {} })}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    source = revocationFile(revocationsPath, { pollInterval: REVOCATION_POLL_MS, log: (line) => log(`[revocations] ${line}`) });
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
      revocation: { source, cacheTtl },
      log,
    });
    started.push(edgeServer);
    const edgeUrl = urlOf(edgeServer);

    const app = createApp({
      keyring: loaded.json,
      edgeUrl,
      ttlSeconds: options.ttlSeconds,
      now: options.now,
      log,
      revocations: { store: revocationsPath, delaySeconds, leeway: options.edgeLeeway },
    });
    appHandler = app;

    return {
      urls: { app: appUrl, media: mediaUrl, edge: edgeUrl },
      keyring: loaded.json,
      edgeKeyring,
      keyringSource: loaded.source,
      revocations: { file: revocationsPath, delaySeconds },
      close: async (graceMs?: number) => {
        await Promise.all(started.map((server) => closeServer(server, graceMs)));
        cleanUp();
      },
    };
  } catch (error) {
    await Promise.all(started.map((server) => closeServer(server)));
    cleanUp();
    throw error;
  }
}
