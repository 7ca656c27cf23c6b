// The hostile table over real HTTP: createEdgeServer in front of a recording node:http origin,
// both on 127.0.0.1 free ports. Raw targets are written with http.request({ path }) so nothing
// on the client side normalises them.
import { request as httpRequest, createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEdgeServer } from '@urlseal/edge/node-server';
import { CASES, Ctx, KEYRING_JSON, type HostileCase } from './cases.js';
import { NOW_DATE } from './helpers.js';
import { assertDenial, assertForward, assertNoCarrier, type EdgeAnswer, type SeenByOrigin } from './assertions.js';

const ORIGIN_BODY = 'origin-body-0123456789';

let origin: Server;
let edge: Server;
let edgePort = 0;
const seen: SeenByOrigin[] = [];

function flat(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

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
  origin = createServer((req, res) => {
    seen.push({ method: req.method ?? '', target: req.url ?? '', headers: flat(req.headers) });
    if (req.headers.range) {
      res.writeHead(206, { 'content-range': `bytes 0-3/${ORIGIN_BODY.length}`, 'content-type': 'video/mp4', 'content-length': '4' });
      return void res.end(ORIGIN_BODY.slice(0, 4));
    }
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(ORIGIN_BODY.length) });
    res.end(req.method === 'HEAD' ? undefined : ORIGIN_BODY);
  });
  const originPort = await listen(origin);
  edge = createEdgeServer({
    origin: `http://127.0.0.1:${originPort}`,
    keyring: KEYRING_JSON,
    currentDate: () => NOW_DATE,
    log: false,
  });
  edgePort = await listen(edge);
});

afterAll(async () => {
  await close(edge);
  await close(origin);
});

interface Sent extends EdgeAnswer {
  reset: boolean;
}

function send(method: string, target: string, headers: Record<string, string>): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: edgePort, method, path: target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: flat(res.headers), body: Buffer.concat(chunks).toString('utf8'), method, reset: false }),
      );
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // Node's parser may cut an oversize request line/header before answering (A13)
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') resolve({ status: 0, headers: {}, body: '', method, reset: true });
      else reject(err);
    });
    req.end();
  });
}

describe('hostile table over HTTP (createEdgeServer)', () => {
  test.each(CASES.map((c) => [c.name, c] as [string, HostileCase]))('%s', async (_name, hostile) => {
    const ctx = new Ctx();
    const req = hostile.build(ctx);
    seen.length = 0;
    const answer = await send(req.method, req.url, req.headers);

    if (hostile.oversize && (answer.reset || answer.status === 431)) {
      // refused by Node's HTTP parser before the edge: acceptable, but never granted
      expect(seen).toHaveLength(0);
      return;
    }
    expect(answer.reset, 'connection reset').toBe(false);
    if (hostile.expect.code === null) {
      expect({ status: answer.status, code: answer.headers['x-urlseal-error'] ?? null }).toEqual({ status: hostile.expect.status, code: null });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.method).toBe(req.method);
      if (req.method !== 'HEAD') expect(answer.body).toBe(hostile.expect.status === 206 ? ORIGIN_BODY.slice(0, 4) : ORIGIN_BODY);
      if (hostile.expect.status === 206) expect(answer.headers['content-range']).toBe(`bytes 0-3/${ORIGIN_BODY.length}`);
      if (hostile.expect.forward) assertForward(seen[0]!, hostile.expect.forward);
    } else {
      assertDenial(answer, hostile.expect, ctx.secrets);
      expect(seen, 'a denied request must never reach the origin').toHaveLength(0);
    }
    for (const s of seen) assertNoCarrier(s, ctx.secrets);
  });
});
