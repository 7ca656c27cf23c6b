// RS256 and PS256 (SPEC v1.2 "RSA", issue 19) through every adapter that verifies them:
// handle, urlseal serve (createEdgeServer over a keyring file), Express, the Worker in
// workerd and nginx's njs module (`urlseal build nginx`, SPKI converted at build time), with a JWK Set as an identity provider publishes it (RSA, EC and an encryption
// key). Tokens are signed by jose, independently of urlseal.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { SignJWT, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, handle } from '@urlseal/edge';
import { urlseal } from '@urlseal/edge/express';
import { keyringFile } from '@urlseal/edge/keyring-source';
import { createEdgeServer } from '@urlseal/edge/node-server';
import { hs256, type Child } from '../interop/helpers.js';
import { startNginx, type RunningNginx } from '../hostile/nginx-runtime.js';
import { closeAll, listen as listenOn, startWorkerEdge } from './worker-edge.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pub = rsa.publicKey.export({ format: 'jwk' });
const priv = rsa.privateKey.export({ format: 'jwk' });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
const JWKS = JSON.stringify({
  keys: [
    { ...pub, kid: 'r1', alg: 'RS256', use: 'sig' },
    { ...pub, kid: 'r2', alg: 'PS256', use: 'sig' },
    { ...ec, kid: 'p1', alg: 'ES256', use: 'sig' },
    { ...pub, kid: 'enc1', alg: 'RSA-OAEP', use: 'enc' },
  ],
});
const now = () => Math.floor(Date.now() / 1000);
const claims = () => ({ iat: now(), exp: now() + 300, path: '/v/*' });
const sign = async (alg: 'RS256' | 'PS256', kid: string) =>
  new SignJWT(claims()).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(await importJWK(priv, alg));

type Get = (path: string) => Promise<Response>;
const adapters = new Map<string, Get>();
const servers: Server[] = [];
const logLines: string[] = [];
let workerd: Child | undefined;
let nginx: RunningNginx | undefined;
let dir = '';
let closeSource: (() => void) | undefined;

const listen = (server: Server): Promise<string> => listenOn(servers, server);
const over = (base: string): Get => (path) => fetch(`${base}${path}`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'urlseal-rsa-'));
  const origin = await listen(createServer((_req, res) => res.end('origin')));
  const verifier = createVerifier({ keyring: JWKS });
  adapters.set('handle', (path) => handle(verifier, new Request(`http://edge.test${path}`), (f) => fetch(f), { origin }));
  writeFileSync(join(dir, 'jwks.json'), JWKS);
  const source = keyringFile(join(dir, 'jwks.json'), { pollInterval: 0, log: (line) => logLines.push(line) });
  closeSource = () => source.close();
  adapters.set('urlseal serve', over(await listen(createEdgeServer({ origin, keyring: source, log: false }))));
  const app = express();
  app.use(urlseal({ keyring: JWKS }), (_req, res) => void res.send('origin'));
  adapters.set('Express', over(await listen(createServer(app))));

  const worker = await startWorkerEdge(dir, JWKS, origin);
  workerd = worker.workerd;
  adapters.set('Worker (workerd)', over(worker.base));
  nginx = await startNginx({ keyring: JWKS, origin });
  adapters.set('nginx (njs)', over(`http://127.0.0.1:${nginx.port}`));
}, 60_000);

afterAll(async () => {
  closeSource?.();
  await nginx?.stop();
  await closeAll(servers, workerd, dir);
});

it('the keyring file source logs the skipped encryption key once, naming its kid, without key material', () => {
  const skipped = logLines.filter((line) => line.includes('"skipped"'));
  expect(skipped).toHaveLength(1);
  expect(skipped[0]).toContain('keyring.keys[3] (kid \\"enc1\\"): skipped, its \\"use\\" is not \\"sig\\"');
  expect(logLines.join('\n')).not.toContain(pub.n!.slice(0, 24));
});

describe.each(['handle', 'urlseal serve', 'Express', 'Worker (workerd)', 'nginx (njs)'])('%s: RSA keys from a JWK Set', (name) => {
  const get = (path: string) => adapters.get(name)!(path);

  it('grants RS256 and PS256 tokens signed by jose', async () => {
    for (const [alg, kid] of [['RS256', 'r1'], ['PS256', 'r2']] as const) {
      const answer = await get(`/v/a.mp4?token=${await sign(alg, kid)}`);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('origin');
    }
  });

  it('denies alg confusion (HS256 keyed with the public key), a swapped alg, and the skipped kid', async () => {
    const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    for (const [token, code] of [
      [hs256(pem, 'r1', claims()), 'ERR_ALG_NOT_ALLOWED'],
      [hs256(Buffer.from(pub.n!, 'base64url').toString('latin1'), 'r2', claims()), 'ERR_ALG_NOT_ALLOWED'],
      [await sign('PS256', 'r1'), 'ERR_ALG_NOT_ALLOWED'],
      [await sign('RS256', 'enc1'), 'ERR_KID_UNKNOWN'],
    ] as const) {
      const answer = await get(`/v/a.mp4?token=${token}`);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('x-urlseal-error')).toBe(code);
    }
  });
});
