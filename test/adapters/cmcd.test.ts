// The cmcd option (docs/spec.md §9 "CMCD") through every adapter that forwards a request:
// handle, urlseal serve (createEdgeServer), Express (its next handler sees the request as
// forwarded) and dist/worker.js in real workerd (URLSEAL_CMCD). `drop` leaves the CMCD
// query parameter out of what the origin sees, `pass` (the default) forwards it as sent,
// and it is never a token carrier either way.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, handle } from '@urlseal/edge';
import { urlseal } from '@urlseal/edge/express';
import { createEdgeServer } from '@urlseal/edge/node-server';
import { hs256, type Child } from '../interop/helpers.js';
import { closeAll, listen as listenOn, startWorkerEdge } from './worker-edge.js';

const SECRET = 'cmcd-adapter-secret-0123456789abcdefghij';
const KEYRING = JSON.stringify({ kids: { c1: SECRET } });
const now = () => Math.floor(Date.now() / 1000);
const token = () => hs256(SECRET, 'c1', { iat: now(), exp: now() + 300, path: '/v/*' });
// What hls.js sends in query mode: the CMCD keys, URL-encoded.
const CMCD = encodeURIComponent('br=3200,bl=21300,d=4004,ot=v,sid="6e2fb550-c457-11e9-bb97-0800200c9a66",su');

type Get = (target: string) => Promise<{ status: number; body: string }>;
const adapters = new Map<string, { pass: Get; drop: Get }>();
const servers: Server[] = [];
const workers: Child[] = [];
let dir = '';
let badWorker = '';

/** An origin that answers the request-target it was asked for. */
const echo = () => createServer((req, res) => res.end(req.url));
const over = (base: string): Get => async (target) => {
  const response = await fetch(`${base}${target}`);
  return { status: response.status, body: await response.text() };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'urlseal-cmcd-'));
  const origin = await listenOn(servers, echo());
  const viaHandle = (cmcd: 'pass' | 'drop'): Get => {
    const verifier = createVerifier({ keyring: KEYRING, cmcd });
    return async (target) => {
      const response = await handle(verifier, new Request(`http://edge.test${target}`), (f) => fetch(f), { origin });
      return { status: response.status, body: await response.text() };
    };
  };
  adapters.set('handle', { pass: viaHandle('pass'), drop: viaHandle('drop') });
  const serve = async (cmcd: 'pass' | 'drop') => over(await listenOn(servers, createEdgeServer({ origin, keyring: KEYRING, cmcd, log: false })));
  adapters.set('urlseal serve', { pass: await serve('pass'), drop: await serve('drop') });
  const app = async (cmcd: 'pass' | 'drop') => {
    const a = express();
    a.use(urlseal({ keyring: KEYRING, cmcd }), (req, res) => void res.send(req.url));
    return over(await listenOn(servers, createServer(a)));
  };
  adapters.set('Express', { pass: await app('pass'), drop: await app('drop') });
  const worker = async (cmcd: 'pass' | 'drop') => {
    const started = await startWorkerEdge(mkdtempSync(join(dir, `${cmcd}-`)), KEYRING, origin, cmcd === 'drop' ? { URLSEAL_CMCD: 'drop' } : {});
    workers.push(started.workerd);
    return over(started.base);
  };
  adapters.set('Worker (workerd)', { pass: await worker('pass'), drop: await worker('drop') });
  const bad = await startWorkerEdge(mkdtempSync(join(dir, 'bad-')), KEYRING, origin, { URLSEAL_CMCD: 'strip' });
  workers.push(bad.workerd);
  badWorker = bad.base;
}, 60_000);

afterAll(async () => {
  for (const child of workers.slice(1)) await child.stop();
  await closeAll(servers, workers[0], dir);
});

describe.each(['handle', 'urlseal serve', 'Express', 'Worker (workerd)'])('%s', (name) => {
  const adapter = () => adapters.get(name)!;

  it('drop: the origin never sees the CMCD parameter; the rest of the query goes on in order', async () => {
    const t = token();
    expect(await adapter().drop(`/v/a.ts?a=1&CMCD=${CMCD}&token=${t}&b=2`)).toEqual({ status: 200, body: '/v/a.ts?a=1&b=2' });
    expect(await adapter().drop(`/v/a.ts?CMCD=${CMCD}&token=${t}`)).toEqual({ status: 200, body: '/v/a.ts' });
    // A percent-encoded name is the same parameter, as for the carriers; a lower-case one is another.
    expect(await adapter().drop(`/_token/${t}/v/a.ts?%43MCD=${CMCD}&cmcd=x`)).toEqual({ status: 200, body: '/v/a.ts?cmcd=x' });
  });

  it('pass (the default): the origin sees the CMCD parameter as sent, and no token', async () => {
    expect(await adapter().pass(`/v/a.ts?a=1&CMCD=${CMCD}&token=${token()}`)).toEqual({ status: 200, body: `/v/a.ts?a=1&CMCD=${CMCD}` });
  });

  it('is never a token carrier: a token in CMCD alone is a missing token, in either mode', async () => {
    for (const mode of ['pass', 'drop'] as const) {
      const answer = await adapter()[mode](`/v/a.ts?CMCD=${token()}`);
      expect(answer.status, mode).toBe(401);
      expect(answer.body, mode).toContain('ERR_TOKEN_MISSING');
    }
  });
});

describe('urlseal serve: the access log shows the CMCD session id (a UUID only)', () => {
  it('from the CMCD parameter or the CMCD-Session header, granted or denied; never a value that is no UUID', async () => {
    const lines: string[] = [];
    const origin = await listenOn(servers, echo());
    const base = await listenOn(servers, createEdgeServer({ origin, keyring: KEYRING, log: (line) => lines.push(line) }));
    const sid = '6e2fb550-c457-11e9-bb97-0800200c9a66';
    const t = token();
    await fetch(`${base}/v/a.ts?CMCD=${CMCD}&token=${t}`).then((r) => r.text());
    await fetch(`${base}/v/b.ts?CMCD=${CMCD}`).then((r) => r.text()); // denied: no token
    await fetch(`${base}/v/c.ts?token=${t}`, { headers: { 'cmcd-session': `sid="${sid.toUpperCase()}",st=v` } }).then((r) => r.text());
    // A token (or anything else) put where the sid goes never reaches the log.
    await fetch(`${base}/v/d.ts?CMCD=${encodeURIComponent(`sid="${t}"`)}&token=${t}`).then((r) => r.text());
    await fetch(`${base}/v/e.ts?token=${t}`, { headers: { 'cmcd-session': `sid="${t.slice(0, 36)}"` } }).then((r) => r.text());
    await expect.poll(() => lines.length).toBe(5);
    const logged = lines.map((line) => JSON.parse(line) as { path: string; status: number; cmcdSid?: string });
    expect(logged.map((l) => [l.path, l.status, l.cmcdSid])).toEqual([
      ['/v/a.ts', 200, sid],
      ['/v/b.ts', 401, sid],
      ['/v/c.ts', 200, sid],
      ['/v/d.ts', 200, undefined],
      ['/v/e.ts', 200, undefined],
    ]);
    expect(lines.join('\n')).not.toContain(t.slice(0, 36));
  });
});

describe('the cmcd option', () => {
  it('the Worker answers 503 to every request when URLSEAL_CMCD is neither pass nor drop (never a looser mode)', async () => {
    const response = await fetch(`${badWorker}/v/a.ts?token=${token()}`);
    expect(response.status).toBe(503);
    expect(response.headers.get('x-urlseal-error')).toBe('ERR_KEYRING_UNAVAILABLE');
  });

  it('is "pass" or "drop": anything else is a one-line TypeError naming it', () => {
    expect(() => createVerifier({ keyring: KEYRING, cmcd: 'strip' as 'drop' })).toThrow('createVerifier: option "cmcd" must be "pass" or "drop"');
    expect(() => createEdgeServer({ origin: 'http://127.0.0.1:9', keyring: KEYRING, cmcd: 'off' as 'pass', log: false })).toThrow(/option "cmcd" must be "pass" or "drop"/);
  });
});
