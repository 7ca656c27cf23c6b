// Degenerate public keys (issue 20 item 5): refused at keyring load, so no
// backend can be handed a key that verifies signatures made without a private
// key. The small-order list is the published one (the 8 torsion points of
// edwards25519, with their sign-bit and y ≥ p spellings), not computed here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveVerifier, keyringFile, keyringUrl } from '../src/ops/keyring-source.js';
import { handle } from '../src/web/handle.js';
import { ed25519KeyProblem, p256KeyProblem } from '../src/contract/key-checks.js';
import { createKeyring } from '../src/contract/keyring.js';
import { asymmetricKeys, b64, backends, claims, currentDate, keyringJson, signAsymmetric } from './helpers.js';

const hex = (text: string): string => Buffer.from(text, 'hex').toString('base64url');
const ff = 'ff'.repeat(30);

/** The 8 small-order points, canonical. */
const SMALL_ORDER = [
  ['identity', '01' + '00'.repeat(31)],
  ['order 2 (y = p-1)', 'ec' + ff + '7f'],
  ['order 4 (y = 0)', '00'.repeat(32)],
  ['order 4 (y = 0, sign)', '00'.repeat(31) + '80'],
  ['order 8 a', '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'],
  ['order 8 b', '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85'],
  ['order 8 c', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'],
  ['order 8 d', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa'],
] as const;

/** Non-canonical spellings of small-order points: x = 0 with the sign bit, y ≥ p. */
const NON_CANONICAL = [
  ['identity with sign bit', '01' + '00'.repeat(30) + '80'],
  ['y = p-1 with sign bit', 'ec' + ff + 'ff'],
  ['y = p (≡ 0)', 'ed' + ff + '7f'],
  ['y = p+1 (≡ 1)', 'ee' + ff + '7f'],
  ['y = p with sign bit', 'ed' + ff + 'ff'],
  ['y = 2^255-1', 'ff' + ff + '7f'],
] as const;

const okp = (x: string) => ({ keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'e1', x }] });

describe('Ed25519 public keys are checked at load', () => {
  it.each(SMALL_ORDER)('refuses the small-order point %s, naming the kid, without echoing the key', (_name, point) => {
    expect(ed25519KeyProblem(Buffer.from(point, 'hex'))).toMatch(/small order/);
    let message = '';
    try {
      createKeyring(okp(hex(point)));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^keyring\.keys\[0\]\.x \(kid "e1"\): the public key is a point of small order/);
    expect(message).not.toContain(hex(point));
    expect(message.split('\n')).toHaveLength(1);
  });

  it.each(NON_CANONICAL)('refuses the non-canonical encoding %s', (_name, point) => {
    expect(() => createKeyring(okp(hex(point)))).toThrow(/\(kid "e1"\): the public key is a non-canonical encoding/);
  });

  it('refuses an encoding that is no point on the curve (y = 2)', () => {
    expect(() => createKeyring(okp(hex('02' + '00'.repeat(31))))).toThrow(/is not a point on the Ed25519 curve/);
  });

  it('accepts real keys', () => {
    for (let i = 0; i < 8; i++) {
      const { ed } = asymmetricKeys();
      expect(ed25519KeyProblem(Buffer.from(ed.jwk.x as string, 'base64url'))).toBeUndefined();
    }
  });
});

describe('P-256 public keys are checked at load', () => {
  const { es } = asymmetricKeys();
  const ec = (x: string, y: string) => ({ keys: [{ kty: 'EC', crv: 'P-256', kid: 'p1', x, y }] });
  const P = 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff';

  it('accepts a real key', () => {
    expect(createKeyring(ec(es.jwk.x as string, es.jwk.y as string)).keys.get('p1')?.alg).toBe('ES256');
  });

  it.each([
    ['(0, 0), where infinity is often spelled', hex('00'.repeat(32)), hex('00'.repeat(32)), /not a point on the P-256 curve/],
    ['a real x with y + 1', es.jwk.x as string, hex((BigInt('0x' + Buffer.from(es.jwk.y as string, 'base64url').toString('hex')) ^ 1n).toString(16).padStart(64, '0')), /not a point on the P-256 curve/],
    ['x = p', hex(P), es.jwk.y as string, /not a canonical P-256 coordinate/],
    ['y = p', es.jwk.x as string, hex(P), /not a canonical P-256 coordinate/],
  ])('refuses %s', (_name, x, y, reason) => {
    expect(() => createKeyring(ec(x, y))).toThrow(reason);
    expect(() => createKeyring(ec(x, y))).toThrow(/^keyring\.keys\[0\]\.x\/y \(kid "p1"\): the public key /);
    expect(p256KeyProblem(Buffer.from(x, 'base64url'), Buffer.from(y, 'base64url'))).toBeDefined();
  });
});

// A token anyone can make: R = identity, S = 0.
const forged = (): string => `${b64({ alg: 'EdDSA', kid: 'e1', typ: 'JWT' })}.${b64(claims())}.${hex('01' + '00'.repeat(63))}`;
const url = (token: string) => `https://cdn.test/videos/course-1/a.ts?token=${token}`;
const origin = async () => new Response('secret video');

describe.each(backends)('a forged token over a small-order key (%s backend)', (_name, createVerifier) => {
  it.each(SMALL_ORDER.slice(0, 2))('is never granted through handle: the verifier refuses the %s key', async (_point, point) => {
    let status: number | undefined;
    let refusal = '';
    try {
      const verifier = createVerifier({ keyring: okp(hex(point)), currentDate });
      status = (await handle(verifier, new Request(url(forged())), origin)).status;
    } catch (error) {
      refusal = (error as Error).message;
    }
    expect(status).toBeUndefined();
    expect(refusal).toMatch(/kid "e1"/);
  });

  it('a real key still grants its own tokens through handle', async () => {
    const { ed } = asymmetricKeys();
    const verifier = createVerifier({ keyring: { keys: [ed.jwk] }, currentDate });
    const token = signAsymmetric('EdDSA', 'e1', ed.priv, claims());
    expect((await handle(verifier, new Request(url(token)), origin)).status).toBe(200);
    expect((await handle(verifier, new Request(url(forged())), origin)).status).toBe(403);
  });
});

describe('a keyring file swapped for a small-order key keeps the last good keyring', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reload says invalid, names the kid, and the forged token is denied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'urlseal-keycheck-'));
    dirs.push(dir);
    const file = join(dir, 'keyring.json');
    writeFileSync(file, JSON.stringify(keyringJson));
    const lines: string[] = [];
    const source = keyringFile(file, { pollInterval: 0, log: (line) => lines.push(line) });
    try {
      writeFileSync(file, JSON.stringify({ ...keyringJson, ...okp(hex(SMALL_ORDER[0][1])) }));
      expect(await source.reload()).toBe('invalid');
      expect(lines.join('\n')).toMatch(/kid \\"e1\\"\): the public key is a point of small order/);
      const live = createLiveVerifier({ keyring: source, currentDate });
      const decision = await live.decide({ method: 'GET', target: `/videos/course-1/a.ts?token=${forged()}`, header: () => undefined });
      expect(decision).toMatchObject({ ok: false, code: 'ERR_KID_UNKNOWN' });
    } finally {
      source.close();
    }
  });
});

describe('a JWK Set from keyringUrl holding a small-order key (an identity provider\'s set swapped)', () => {
  it('is refused with the kid named, and the forged token is not granted', async () => {
    const body = JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'e1', x: hex(SMALL_ORDER[0][1]), use: 'sig' }] });
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const lines: string[] = [];
    const source = keyringUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, { log: (line) => lines.push(line) });
    try {
      expect(await source.reload()).toBe('invalid');
      expect(source.problem).toMatch(/^keyring\.keys\[0\]\.x \(kid "e1"\): the public key is a point of small order/);
      expect(lines.join('\n')).not.toContain(hex(SMALL_ORDER[0][1]));
      const live = createLiveVerifier({ keyring: source, currentDate });
      const decision = await live.decide({ method: 'GET', target: `/videos/course-1/a.ts?token=${forged()}`, header: () => undefined });
      expect(decision).toMatchObject({ ok: false, code: 'ERR_KEYRING_UNAVAILABLE' });
    } finally {
      source.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
