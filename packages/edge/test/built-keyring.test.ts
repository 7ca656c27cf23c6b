// Built keyrings (issue 16, docs/spec.md §9 "Built keyrings"): what `urlseal build worker`
// writes reads back as the same keyring, and the reader refuses anything it would not have
// written, with one fixed message that never holds key material. Public keys are checked
// when a verifier is made from it, as for a Keyring built by hand (issue 20).
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUILT_KEYRING_MARKER, readBuiltKeyring, writeBuiltKeyring } from '../src/contract/built-keyring.js';
import { buildWorkerKeyring } from '../src/builders/worker.js';
import { webCrypto } from '../src/core/crypto/web.js';
import { uncheckedKeyProblem } from '../src/contract/key-checks.js';
import { createKeyring, type Keyring } from '../src/contract/keyring.js';
import { readVerifierOptions } from '../src/core/options.js';
import { JWT_CHECKS, prepareResolved } from '../src/core/prepare.js';
import { verifierOf } from '../src/web/verifier.js';
import { SECRET, ST_SECRET, asymmetricKeys, claims, currentDate, hs256, signAsymmetric } from './helpers.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
const { es, ed } = asymmetricKeys();
const FULL = createKeyring({
  kids: { k1: SECRET, 'k.2_x-y': `${SECRET}-2` },
  keys: [{ kty: 'oct', kid: 'h5', alg: 'HS512', k: Buffer.from(`${SECRET}-512`).toString('base64url') }, es.jwk, ed.jwk, { ...rsa, kid: 'r1', alg: 'PS256' }],
  secureToken: [ST_SECRET, `${ST_SECRET}-old`],
});
const LINE = writeBuiltKeyring(FULL);
const MESSAGE = 'keyring: not a keyring urlseal build worker wrote (or it was changed since); build it again';

/** Each key as plain data: what a verifier is made from. */
function material(keyring: Keyring): unknown {
  return {
    keys: [...keyring.keys].map(([kid, e]) => [kid, e.alg, e.secret && Buffer.from(e.secret).toString('hex'), e.jwk && { kty: e.jwk.kty, crv: e.jwk.crv, x: e.jwk.x, y: e.jwk.y }, e.rsa]),
    secureToken: keyring.secureToken.map((bytes) => Buffer.from(bytes).toString('hex')),
  };
}

/** A verifier from a keyring, as the Worker makes it (its key check: key-checks.ts's). */
function verifierFrom(keyring: Keyring) {
  return verifierOf(prepareResolved(webCrypto, { ...readVerifierOptions({ keyring: { kids: { x: SECRET } }, currentDate }), keyring }, uncheckedKeyProblem, JWT_CHECKS));
}

describe('built keyrings', () => {
  it('read back as the keyring that was written: every JWT key by kid and algorithm, the secure-token secrets in order', () => {
    expect(LINE.split(' ')[0]).toBe(BUILT_KEYRING_MARKER);
    expect(LINE.split(' ')).toHaveLength(1 + FULL.keys.size + 2);
    expect(material(readBuiltKeyring(LINE))).toEqual(material(FULL));
    expect(material(readBuiltKeyring(` ${LINE}\n`))).toEqual(material(FULL)); // a file's newline, as `wrangler secret put < FILE` may keep it
  });

  it('leave out what an edge never uses: active and private parts', () => {
    const withPrivate = createKeyring({ active: 'e1', keys: [{ ...ed.jwk, d: Buffer.alloc(32, 7).toString('base64url') }] });
    expect(withPrivate.active?.kid).toBe('e1');
    const read = readBuiltKeyring(writeBuiltKeyring(withPrivate));
    expect(read.active).toBeUndefined();
    expect(read.keys.get('e1')?.jwk?.d).toBeUndefined();
    expect(writeBuiltKeyring(withPrivate)).not.toContain(Buffer.alloc(32, 7).toString('base64url'));
  });

  it('verify what the JSON keyring verifies (HS256, ES256, EdDSA, secure-token)', async () => {
    const verifier = verifierFrom(readBuiltKeyring(LINE));
    for (const token of [hs256(claims()), signAsymmetric('ES256', 'p1', es.priv, claims()), signAsymmetric('EdDSA', 'e1', ed.priv, claims())]) {
      expect(await verifier.verifyToken(token, '/videos/course-1/a.mp4')).toMatchObject({ ok: true });
    }
    expect(await verifier.verifyToken(hs256(claims(), undefined, 'another-secret-of-at-least-32-bytes!!'), '/videos/course-1/a.mp4')).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID' });
  });

  const secret = Buffer.from(SECRET).toString('base64url');
  const short = Buffer.from('x'.repeat(31)).toString('base64url');
  it.each([
    ['empty', ''],
    ['keyring JSON', JSON.stringify({ kids: { k1: SECRET } })],
    ['another version', `urlseal-keyring/2 HS256:k1:${secret}`],
    ['no key', BUILT_KEYRING_MARKER],
    ['an unknown algorithm', `${BUILT_KEYRING_MARKER} HS257:k1:${secret}`],
    ['an algorithm in other case', `${BUILT_KEYRING_MARKER} hs256:k1:${secret}`],
    ['a prototype name as algorithm', `${BUILT_KEYRING_MARKER} constructor:k1:${secret}`],
    ['a field too many', `${BUILT_KEYRING_MARKER} HS256:k1:${secret}:${secret}`],
    ['a field too few', `${BUILT_KEYRING_MARKER} ES256:p1:${secret}`],
    ['a kid outside the pattern', `${BUILT_KEYRING_MARKER} HS256:k/1:${secret}`],
    ['an empty kid', `${BUILT_KEYRING_MARKER} HS256::${secret}`],
    ['a kid given twice', `${BUILT_KEYRING_MARKER} HS256:k1:${secret} HS384:k1:${secret}`],
    ['a secret under 32 bytes', `${BUILT_KEYRING_MARKER} HS256:k1:${short}`],
    ['a secure-token secret under 32 bytes', `${BUILT_KEYRING_MARKER} st:${short}`],
    ['padded base64', `${BUILT_KEYRING_MARKER} HS256:k1:${Buffer.from(`${SECRET}!`).toString('base64')}`],
    ['non-canonical base64url', `${BUILT_KEYRING_MARKER} EdDSA:e1:${'A'.repeat(42)}B`],
    ['two spaces', `${BUILT_KEYRING_MARKER}  HS256:k1:${secret}`],
    ['more than 1000 keys', [BUILT_KEYRING_MARKER, ...Array.from({ length: 1001 }, (_, i) => `HS256:k${i}:${secret}`)].join(' ')],
  ])('refuse %s, with one message that shows nothing of the value', (_name, text) => {
    let message = '';
    expect(() => {
      try {
        readBuiltKeyring(text);
      } catch (error) {
        message = (error as Error).message;
        expect((error as { code?: unknown }).code).toBe('ERR_KEYRING_INVALID');
        throw error;
      }
    }).toThrow();
    expect(message).toBe(MESSAGE);
  });

  it('hold public keys a verifier then refuses when degenerate (small order, off the curve), as a Keyring built by hand', () => {
    const identity = `${BUILT_KEYRING_MARKER} EdDSA:e1:AQ${'A'.repeat(41)}`;
    expect(() => verifierFrom(readBuiltKeyring(identity))).toThrow(/kid "e1"\): the public key is a point of small order/);
    const offCurve = `${BUILT_KEYRING_MARKER} ES256:p1:${'A'.repeat(43)}:${'A'.repeat(43)}`;
    expect(() => verifierFrom(readBuiltKeyring(offCurve))).toThrow(/kid "p1"\): the public key is not a point on the P-256 curve/);
    const smallRsa = `${BUILT_KEYRING_MARKER} RS256:r1:${Buffer.alloc(128, 0xff).toString('base64url')}:AQAB`;
    expect(() => verifierFrom(readBuiltKeyring(smallRsa))).toThrow(/kid "r1"\): the public key has a 1024-bit modulus/);
  });

  it('are built from a valid keyring only (buildWorkerKeyring), with the JWK Set keys it skipped as notes', () => {
    expect(() => buildWorkerKeyring({ kids: { k1: 'short' } })).toThrow(/keyring\.kids\["k1"\]: secret is 5 bytes/);
    const built = buildWorkerKeyring({ keys: [ed.jwk, { kty: 'oct', kid: 'enc', use: 'enc', k: secret }] });
    expect([built.keys, built.secureToken]).toEqual([1, 0]);
    expect(built.notes).toEqual(['keyring.keys[1] (kid "enc"): skipped, its "use" is not "sig" (an encryption key)']);
    expect(readBuiltKeyring(built.text).keys.get('e1')?.alg).toBe('EdDSA');
  });
});
