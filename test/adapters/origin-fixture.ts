// The origin and the four adapters in front of it (handle with Node's fetch, urlseal serve,
// Express, dist/worker.js in real workerd) for the SPEC §7 origin-answer tests: shared by
// origin-answers.test.ts (npm test) and manifest-latency.timing.test.ts (npm run test:slow,
// one file at a time, because it measures latency).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get as httpGet, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll } from 'vitest';
import { createVerifier, handle } from '@urlseal/edge';
import { urlseal } from '@urlseal/edge/express';
import { createEdgeServer } from '@urlseal/edge/node-server';
import { MAX_MANIFEST_BYTES } from '../../packages/edge/src/core/manifest.js';
import { builtWorkerInto, freePort, hs256, startChild, waitForPort, workerdConfig, type Child } from '../interop/helpers.js';
import { workerdBinary } from '../interop/binaries.js';

const SECRET = 'origin-answers-secret-0123456789abcdef';
const KEYRING = JSON.stringify({ kids: { o1: SECRET } });
const now = () => Math.floor(Date.now() / 1000);
const token = hs256(SECRET, 'o1', { exp: now() + 600, iat: now(), path: ['/hls/*', '/small', '/status/*'] });

const PLAYLIST = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg-1.ts\n#EXTINF:4,\nhttps://elsewhere.test/seg-2.ts\n#EXT-X-ENDLIST\n';
export const REWRITTEN = PLAYLIST.replace('seg-1.ts', `seg-1.ts?token=${token}`);
// Over the bound once decoded: sent chunked (no Content-Length), or as a small gzip body.
export const BIG = `#EXTM3U\n${'#EXTINF:4,\nseg.ts\n'.repeat(Math.ceil(MAX_MANIFEST_BYTES / 17) + 1)}`;
const BIG_GZIP = gzipSync(BIG);
// Just under the bound, every line a URI inside the grant: the most rewriting work there is.
const AT_BOUND = `#EXTM3U\n${'s.ts\n'.repeat(Math.floor((MAX_MANIFEST_BYTES - 8) / 5))}`;

/** The origin every adapter stands in front of; `/status/N` answers an arbitrary status line. */
function originHandler(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '').split('?')[0];
  const send = (headers: Record<string, string>, body: string | Buffer) => {
    res.writeHead(200, headers);
    res.end(body);
  };
  switch (path) {
    case '/hls/index.m3u8':
      return send({ 'content-type': 'text/plain' }, PLAYLIST);
    case '/hls/typed':
      return send({ 'content-type': 'application/vnd.apple.mpegurl', 'content-encoding': 'gzip' }, gzipSync(PLAYLIST));
    case '/hls/audio':
      return send({ 'content-type': 'audio/mpegurl; charset=utf-8', 'content-encoding': 'deflate' }, deflateSync(PLAYLIST));
    case '/hls/bomb':
      return send({ 'content-type': 'application/vnd.apple.mpegurl', 'content-encoding': 'gzip' }, BIG_GZIP);
    case '/hls/big.m3u8': {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' }); // chunked: no Content-Length
      for (let i = 0; i < BIG.length; i += 1 << 20) res.write(BIG.slice(i, i + (1 << 20)));
      return void res.end();
    }
    case '/hls/at-bound.m3u8':
      return send({ 'content-type': 'application/vnd.apple.mpegurl' }, AT_BOUND);
    default:
      return send({ 'content-type': 'text/plain' }, 'small');
  }
}

export interface Got {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** A GET over node:http, which (unlike fetch) leaves the body as it came off the wire. */
function get(url: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { headers: { 'accept-encoding': 'gzip, deflate' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export interface Adapter {
  readonly name: string;
  /** Fetches a path through the adapter (token in the query). */
  get(path: string): Promise<Got>;
  /** Whether it relays an origin it does not run (not Express, where the next handler is the origin). */
  readonly relaysOrigin: boolean;
}

const servers: Array<Server | TcpServer> = [];
let workerd: Child | undefined;
let dir = '';

function listen<T extends Server | TcpServer>(server: T): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A TCP origin that answers `/status/N` with that raw status line, for statuses Node's own server would refuse. */
async function rawStatusOrigin(): Promise<number> {
  return listen(
    createTcpServer((socket) => {
      socket.once('data', (data) => {
        const status = /\/status\/(\d+)/.exec(data.toString('latin1'))?.[1] ?? '200';
        socket.end(`HTTP/1.1 ${status} Whatever\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi`);
      });
      socket.on('error', () => undefined);
    }),
  );
}

const adapters: Adapter[] = [];
let rawOriginPort = 0;

/** Starts the origin and the adapters before the file's tests, stops them after; the list fills in beforeAll. */
export function useOriginAdapters(): readonly Adapter[] {
  beforeAll(async () => {
    const originPort = await listen(createServer(originHandler));
    const originUrl = `http://127.0.0.1:${originPort}`;
    rawOriginPort = await rawStatusOrigin();

    const verifier = createVerifier({ keyring: KEYRING });
    adapters.push({
      name: 'handle (Node fetch)',
      relaysOrigin: true,
      async get(path) {
        const target = path.startsWith('/status/') ? `http://127.0.0.1:${rawOriginPort}` : originUrl;
        const response = await handle(verifier, new Request(`http://edge.test${path}?token=${token}`, { headers: { 'accept-encoding': 'gzip, deflate' } }), (f) => fetch(f), { origin: target });
        return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
      },
    });

    const servePort = await listen(createEdgeServer({ origin: originUrl, keyring: KEYRING, log: false }));
    const serveRawPort = await listen(createEdgeServer({ origin: `http://127.0.0.1:${rawOriginPort}`, keyring: KEYRING, log: false }));
    adapters.push({
      name: 'urlseal serve',
      relaysOrigin: true,
      get: (path) => get(`http://127.0.0.1:${path.startsWith('/status/') ? serveRawPort : servePort}${path}?token=${token}`),
    });

    const app = express();
    app.use(urlseal({ keyring: KEYRING }), originHandler);
    const expressPort = await listen(createServer(app));
    adapters.push({ name: 'Express', relaysOrigin: false, get: (path) => get(`http://127.0.0.1:${expressPort}${path}?token=${token}`) });

    dir = mkdtempSync(join(tmpdir(), 'urlseal-origin-answers-'));
    const modules = await builtWorkerInto(dir);
    const [port, rawPort] = [await freePort(), await freePort()];
    writeFileSync(join(dir, 'keyring.txt'), KEYRING);
    writeFileSync(join(dir, 'origin.txt'), originUrl);
    writeFileSync(join(dir, 'raw-origin.txt'), `http://127.0.0.1:${rawOriginPort}`);
    // Two services running the same bundle: one before the origin, one before the raw-status origin.
    const keyring = 'keyring.txt';
    const config = workerdConfig([
      { name: 'edge', port, bindings: { URLSEAL_KEYRING: keyring, URLSEAL_ORIGIN: 'origin.txt' } },
      { name: 'raw', port: rawPort, bindings: { URLSEAL_KEYRING: keyring, URLSEAL_ORIGIN: 'raw-origin.txt' } },
    ], modules);
    writeFileSync(join(dir, 'config.capnp'), config);
    workerd = startChild(workerdBinary(), ['serve', join(dir, 'config.capnp')], { cwd: dir });
    await waitForPort(port, 30_000, () => workerd?.exited());
    await waitForPort(rawPort, 30_000, () => workerd?.exited());
    adapters.push({
      name: 'Worker (workerd)',
      relaysOrigin: true,
      get: (path) => get(`http://127.0.0.1:${path.startsWith('/status/') ? rawPort : port}${path}?token=${token}`),
    });
  }, 60_000);

  afterAll(async () => {
    await workerd?.stop();
    for (const server of servers) {
      if ('closeAllConnections' in server) server.closeAllConnections();
      server.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return adapters;
}

/**
 * The body as the client reads it, decoded per Content-Encoding as a browser does. `handle`
 * hands back what the runtime's fetch gave it: Node's fetch has already decoded the body
 * (and kept the header), so a body without the gzip magic is taken as it is there.
 */
export function decoded(got: Got): string {
  const gzipped = got.headers.get('content-encoding') === 'gzip' && got.body[0] === 0x1f && got.body[1] === 0x8b;
  return (gzipped ? gunzipSync(got.body) : got.body).toString('utf8');
}
