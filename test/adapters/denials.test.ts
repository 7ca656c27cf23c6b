// The `cors` option through every adapter: a denial to a page of an allowed origin carries
// Access-Control-Allow-Origin and exposes x-urlseal-error (a cross-origin player can then
// tell an expired link from a forbidden one); any other origin, or no option, gets none.
// The browser's preflight (OPTIONS with Access-Control-Request-Method: GET|HEAD, issue 15)
// from an allowed origin answers 204 without a token; every other OPTIONS stays 405.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, handle } from '@urlseal/edge';
import { urlseal } from '@urlseal/edge/express';
import { createEdgeServer } from '@urlseal/edge/node-server';
import { builtWorkerInto, freePort, hs256, startChild, waitForPort, workerdConfig, type Child } from '../interop/helpers.js';
import { workerdBinary } from '../interop/binaries.js';

const SECRET = 'denials-cors-secret-0123456789abcdefgh';
const KEYRING = JSON.stringify({ kids: { d1: SECRET } });
const APP = 'https://app.example';
const now = () => Math.floor(Date.now() / 1000);
const expired = hs256(SECRET, 'd1', { iat: now() - 900, exp: now() - 600, path: '/v/*' });

type Get = (path: string, origin?: string, init?: { method?: string; headers?: Record<string, string> }) => Promise<Response>;
const adapters = new Map<string, { open: Get; closed: Get }>();
const servers: Server[] = [];
let workerd: Child | undefined;
let dir = '';

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const over = (base: string): Get => (path, origin, init) =>
  fetch(`${base}${path}`, { method: init?.method ?? 'GET', headers: { ...(origin ? { origin } : {}), ...init?.headers } });

beforeAll(async () => {
  const origin = await listen(createServer((_req, res) => res.end('origin')));
  const viaHandle = (options: { cors?: string[] }): Get => {
    const verifier = createVerifier({ keyring: KEYRING, ...options });
    return (path, from, init) =>
      handle(verifier, new Request(`http://edge.test${path}`, { method: init?.method ?? 'GET', headers: { ...(from ? { origin: from } : {}), ...init?.headers } }), (f) => fetch(f), { origin });
  };
  adapters.set('handle', { open: viaHandle({ cors: [APP] }), closed: viaHandle({}) });
  adapters.set('urlseal serve', {
    open: over(await listen(createEdgeServer({ origin, keyring: KEYRING, log: false, cors: [APP] }))),
    closed: over(await listen(createEdgeServer({ origin, keyring: KEYRING, log: false }))),
  });
  const app = (options: { cors?: string[] }) => {
    const a = express();
    a.use(urlseal({ keyring: KEYRING, ...options }), (_req, res) => void res.send('origin'));
    return createServer(a);
  };
  adapters.set('Express', { open: over(await listen(app({ cors: [APP] }))), closed: over(await listen(app({}))) });

  dir = mkdtempSync(join(tmpdir(), 'urlseal-denials-'));
  const modules = await builtWorkerInto(dir);
  writeFileSync(join(dir, 'keyring.txt'), KEYRING);
  writeFileSync(join(dir, 'origin.txt'), origin);
  writeFileSync(join(dir, 'cors.txt'), APP);
  const [open, closed] = [await freePort(), await freePort()];
  const bindings = { URLSEAL_KEYRING: 'keyring.txt', URLSEAL_ORIGIN: 'origin.txt' };
  writeFileSync(
    join(dir, 'config.capnp'),
    workerdConfig([
      { name: 'open', port: open, bindings: { ...bindings, URLSEAL_CORS: 'cors.txt' } },
      { name: 'closed', port: closed, bindings },
    ], modules),
  );
  workerd = startChild(workerdBinary(), ['serve', join(dir, 'config.capnp')], { cwd: dir });
  await waitForPort(open, 30_000, () => workerd?.exited());
  await waitForPort(closed, 30_000, () => workerd?.exited());
  adapters.set('Worker (workerd)', { open: over(`http://127.0.0.1:${open}`), closed: over(`http://127.0.0.1:${closed}`) });
}, 60_000);

afterAll(async () => {
  await workerd?.stop();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(['handle', 'urlseal serve', 'Express', 'Worker (workerd)'])('%s: denials a page may read (cors)', (name) => {
  const adapter = () => adapters.get(name)!;

  it('exposes the code of a denial to an allowed origin', async () => {
    const answer = await adapter().open(`/v/a.mp4?token=${expired}`, APP);
    expect(answer.status).toBe(410);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('access-control-expose-headers')).toBe('x-urlseal-error');
    expect(answer.headers.get('vary')).toMatch(/origin/i);
    expect(answer.headers.get('x-urlseal-error')).toBe('ERR_TOKEN_EXPIRED');
  });

  it('answers the preflight of an allowed origin 204, without a token (issue 15)', async () => {
    for (const method of ['GET', 'HEAD']) {
      const answer = await adapter().open('/v/a.mp4', APP, {
        method: 'OPTIONS',
        headers: { 'access-control-request-method': method, 'access-control-request-headers': 'authorization, range, cmcd-request' },
      });
      expect(answer.status, method).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
      expect(answer.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
      const allowed = (answer.headers.get('access-control-allow-headers') ?? '').split(',').map((name) => name.trim());
      for (const name of ['authorization', 'range', 'cmcd-request', 'cmcd-object', 'cmcd-status', 'cmcd-session']) expect(allowed).toContain(name);
      expect(Number(answer.headers.get('access-control-max-age'))).toBeGreaterThan(0);
      expect(answer.headers.get('vary')).toMatch(/origin/i);
      expect(answer.headers.get('x-urlseal-error')).toBeNull();
      expect(await answer.text()).toBe('');
    }
  });

  it('keeps every other OPTIONS a 405 denial', async () => {
    const preflight = (method?: string): { method: string; headers: Record<string, string> } => ({
      method: 'OPTIONS',
      headers: method === undefined ? {} : { 'access-control-request-method': method },
    });
    for (const [answer, readable] of [
      [await adapter().open('/v/a.mp4', APP, preflight('POST')), true], // a method the edge never allows
      [await adapter().open('/v/a.mp4', APP, preflight()), true], // no Access-Control-Request-Method: no preflight
      [await adapter().open('/v/a.mp4', 'https://evil.example', preflight('GET')), false], // an origin not allowed
      [await adapter().open('/v/a.mp4', undefined, preflight('GET')), false], // no Origin
      [await adapter().closed('/v/a.mp4', APP, preflight('GET')), false], // no cors option
    ] as const) {
      expect(answer.status).toBe(405);
      expect(answer.headers.get('x-urlseal-error')).toBe('ERR_METHOD_NOT_ALLOWED');
      expect(answer.headers.get('allow')).toBe('GET, HEAD');
      expect(answer.headers.get('access-control-allow-origin')).toBe(readable ? APP : null);
      expect(answer.headers.get('access-control-allow-methods')).toBeNull();
    }
  });

  it('adds nothing for another origin, no Origin, or without the option', async () => {
    for (const answer of [
      await adapter().open('/v/a.mp4', 'https://evil.example'),
      await adapter().open('/v/a.mp4'),
      await adapter().closed('/v/a.mp4', APP),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('x-urlseal-error')).toBe('ERR_TOKEN_MISSING');
    }
  });
});
