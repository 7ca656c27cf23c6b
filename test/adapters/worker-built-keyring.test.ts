// dist/worker.js in real workerd with a built keyring (issue 16, docs/spec.md §9 "Built
// keyrings"): a plain request needs dist/worker.js alone (no other module in the config),
// a keyring JSON without its validator module fails closed, and a built keyring that was
// changed, or holds a degenerate public key, answers every request 503 without echoing it.
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkerKeyring } from '@urlseal/edge/build';
import { createSigner } from '@urlseal/sdk';
import { computeSecureToken } from '@urlseal/edge/contract';
import { workerdBinary } from '../interop/binaries.js';
import { builtWorkerInto, freePort, hs256, startChild, waitForPort, workerdConfig, type Child } from '../interop/helpers.js';
import { closeAll, listen } from './worker-edge.js';

const SECRET = 'built-keyring-secret-0123456789abcdefghij';
const ST_SECRET = 'built-keyring-legacy-0123456789abcdefghij';
const now = () => Math.floor(Date.now() / 1000);
const claims = () => ({ iat: now(), exp: now() + 300, path: '/v/*' });
const ed = generateKeyPairSync('ed25519');
const edJwk = { ...ed.publicKey.export({ format: 'jwk' }), kid: 'e1' };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function eddsa(kid: string): string {
  const input = `${b64({ alg: 'EdDSA', kid, typ: 'JWT' })}.${b64(claims())}`;
  return `${input}.${sign(null, Buffer.from(input), ed.privateKey).toString('base64url')}`;
}

const BUILT = buildWorkerKeyring({ kids: { k1: SECRET } }).text;
const SERVICES = {
  // A built HMAC keyring: dist/worker.js is the only module workerd has.
  alone: { keyring: BUILT, alone: true },
  // Keyring JSON needs dist/worker-json-keyring.js: without it, 503, never a grant.
  json: { keyring: JSON.stringify({ kids: { k1: SECRET } }), alone: true },
  // A built keyring changed by hand: its secret cut to 31 bytes.
  changed: { keyring: BUILT.replace(/:[A-Za-z0-9_-]+$/, `:${Buffer.from(SECRET.slice(0, 31)).toString('base64url')}`), alone: true },
  // Another version of the format.
  version: { keyring: BUILT.replace('urlseal-keyring/1', 'urlseal-keyring/2'), alone: true },
  // Secure-token secrets: dist/worker-secure-token.js checks their links.
  legacy: { keyring: buildWorkerKeyring({ kids: { k1: SECRET }, secureToken: [ST_SECRET] }).text, alone: false },
  // A built keyring with a public key: dist/worker-key-checks.js checks it.
  eddsa: { keyring: buildWorkerKeyring({ keys: [edJwk] }).text, alone: false },
  // The identity point as an Ed25519 key, written as the build writes keys: refused by those checks.
  identity: { keyring: `urlseal-keyring/1 HS256:k1:${Buffer.from(SECRET).toString('base64url')} EdDSA:e2:AQ${'A'.repeat(41)}`, alone: false },
} as const;

const PLAYLIST = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg-1.ts\n#EXT-X-ENDLIST\n';

const servers: Server[] = [];
const ports = new Map<string, number>();
let workerd: Child | undefined;
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'urlseal-built-keyring-'));
  const origin = await listen(
    servers,
    createServer((req, res) => {
      if (req.url?.startsWith('/v/list.m3u8')) {
        res.setHeader('content-type', 'application/vnd.apple.mpegurl');
        res.end(PLAYLIST);
      } else res.end(`origin ${req.url}`);
    }),
  );
  const modules = await builtWorkerInto(dir);
  writeFileSync(join(dir, 'origin.txt'), origin);
  const services = [];
  for (const [name, { keyring, alone }] of Object.entries(SERVICES)) {
    writeFileSync(join(dir, `${name}.txt`), keyring);
    const port = await freePort();
    ports.set(name, port);
    services.push({ name, port, bindings: { URLSEAL_KEYRING: `${name}.txt`, URLSEAL_ORIGIN: 'origin.txt' }, ...(alone ? { modules: ['worker.js'] } : {}) });
  }
  writeFileSync(join(dir, 'config.capnp'), workerdConfig(services, modules));
  workerd = startChild(workerdBinary(), ['serve', join(dir, 'config.capnp')], { cwd: dir });
  for (const port of ports.values()) await waitForPort(port, 30_000, () => workerd?.exited());
}, 60_000);

afterAll(() => closeAll(servers, workerd, dir));

async function get(service: keyof typeof SERVICES, token: string, query = `token=${token}`): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${ports.get(service)}/v/a.mp4?${query}`);
  return { status: response.status, body: await response.text() };
}

describe('dist/worker.js in workerd with a built keyring', () => {
  it('rewrites a manifest with the rewriter it loads on demand, and passes it untouched without that module', async () => {
    const token = hs256(SECRET, 'k1', claims());
    const rewritten = await fetch(`http://127.0.0.1:${ports.get('legacy')}/v/list.m3u8?token=${token}`);
    expect(rewritten.status).toBe(200);
    expect(await rewritten.text()).toContain(`seg-1.ts?token=${token}`);
    // worker.js alone (no dist/worker-manifest.js in the config): the origin's bytes as they are.
    const untouched = await fetch(`http://127.0.0.1:${ports.get('alone')}/v/list.m3u8?token=${token}`);
    expect(untouched.status).toBe(200);
    expect(await untouched.text()).toBe(PLAYLIST);
  });

  it('grants with dist/worker.js alone, and denies a token of another secret', async () => {
    expect(await get('alone', hs256(SECRET, 'k1', claims()))).toEqual({ status: 200, body: 'origin /v/a.mp4' });
    expect(await get('alone', hs256(`${SECRET}-other`, 'k1', claims()))).toMatchObject({ status: 403, body: '{"error":"ERR_SIGNATURE_INVALID"}' });
  });

  it('opens a sealed token with the module it loads for the first one, and answers 503 without that module', async () => {
    const sealed = createSigner({ keyring: { kids: { k1: SECRET } } }).signToken('/v/*', { seal: true, sub: 'student-42' });
    expect(sealed.split('.')).toHaveLength(5);
    // Every module in the config (dist/worker-sealed.js among them): granted, and again from the loaded module.
    expect(await get('legacy', sealed)).toEqual({ status: 200, body: 'origin /v/a.mp4' });
    expect(await get('legacy', sealed)).toEqual({ status: 200, body: 'origin /v/a.mp4' });
    // worker.js alone: the sealed-token code cannot be loaded, 503, never a grant; a JWS still passes.
    expect(await get('alone', sealed)).toEqual({ status: 503, body: '{"error":"ERR_KEYRING_UNAVAILABLE"}' });
    expect(await get('alone', sealed)).toEqual({ status: 503, body: '{"error":"ERR_KEYRING_UNAVAILABLE"}' });
    expect(await get('alone', hs256(SECRET, 'k1', claims()))).toEqual({ status: 200, body: 'origin /v/a.mp4' });
  });

  it('checks an ip claim with the module it loads for the first one, and answers 503 without that module', async () => {
    const token = hs256(SECRET, 'k1', { ...claims(), ip: '192.0.2.0/24' });
    const from = async (service: keyof typeof SERVICES, address: string) => {
      const response = await fetch(`http://127.0.0.1:${ports.get(service)}/v/a.mp4?token=${token}`, { headers: { 'cf-connecting-ip': address } });
      return { status: response.status, body: await response.text() };
    };
    expect(await from('legacy', '192.0.2.7')).toEqual({ status: 200, body: 'origin /v/a.mp4' });
    expect(await from('legacy', '198.51.100.7')).toEqual({ status: 403, body: '{"error":"ERR_IP_MISMATCH"}' });
    expect(await from('legacy', '192.0.2.8')).toEqual({ status: 200, body: 'origin /v/a.mp4' });
    // worker.js alone: the ip reader cannot be loaded, 503 from inside the range too, never a grant.
    expect(await from('alone', '192.0.2.7')).toEqual({ status: 503, body: '{"error":"ERR_KEYRING_UNAVAILABLE"}' });
    expect(await from('alone', '198.51.100.7')).toEqual({ status: 503, body: '{"error":"ERR_KEYRING_UNAVAILABLE"}' });
  });

  it('answers 503 to keyring JSON when its validator module cannot be loaded', async () => {
    expect(await get('json', hs256(SECRET, 'k1', claims()))).toEqual({ status: 503, body: '{"error":"ERR_KEYRING_UNAVAILABLE"}' });
  });

  it.each([
    ['changed by hand', 'changed'],
    ['of another version', 'version'],
  ] as const)('answers 503 to a built keyring %s, echoing nothing', async (_name, service) => {
    expect(await get(service, hs256(SECRET, 'k1', claims()))).toEqual({ status: 503, body: '{"error":"ERR_KEYRING_UNAVAILABLE"}' });
  });

  it('checks secure-token links with its secure-token module, and JWTs beside them', async () => {
    const e = String(now() + 300);
    expect(await get('legacy', '', `st=${computeSecureToken(ST_SECRET, '/v/a.mp4', e)}&e=${e}`)).toEqual({ status: 200, body: `origin /v/a.mp4` });
    expect(await get('legacy', '', `st=${computeSecureToken(SECRET, '/v/a.mp4', e)}&e=${e}`)).toMatchObject({ status: 403 });
    expect(await get('legacy', hs256(SECRET, 'k1', claims()))).toEqual({ status: 200, body: 'origin /v/a.mp4' });
  });

  it('checks public keys with its key-checks module: a real Ed25519 key grants, the identity point is refused (503)', async () => {
    expect(await get('eddsa', eddsa('e1'))).toEqual({ status: 200, body: 'origin /v/a.mp4' });
    expect(await get('identity', hs256(SECRET, 'k1', claims()))).toEqual({ status: 503, body: '{"error":"ERR_KEYRING_UNAVAILABLE"}' });
  });
});
