// The hostile table over real HTTP: createEdgeServer (the engine of `urlseal serve`) in
// front of a recording node:http origin, both on 127.0.0.1 free ports. Requests go out
// on raw sockets, so every target reaches the edge exactly as written.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { createEdgeServer } from '@urlseal/edge/node-server';
import type { SeenByOrigin } from './assertions.js';
import { KEYRING_JSON } from './cases.js';
import { NOW_DATE } from './helpers.js';
import { hostileTableOverHttp, startRecordingOrigin, type RecordingOrigin } from './http.js';

let origin: RecordingOrigin | undefined;
let edge: Server;
let edgePort = 0;
const seen: SeenByOrigin[] = [];

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

beforeAll(async () => {
  origin = await startRecordingOrigin(seen);
  edge = createEdgeServer({
    origin: origin.url,
    keyring: KEYRING_JSON,
    currentDate: () => NOW_DATE,
    log: false,
  });
  edgePort = await listen(edge);
});

afterAll(async () => {
  await close(edge);
  await origin?.close();
});

hostileTableOverHttp('hostile table over HTTP (createEdgeServer)', { port: () => edgePort, seen });
