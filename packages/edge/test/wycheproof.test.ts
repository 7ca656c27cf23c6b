// Wycheproof (C2SP/wycheproof, Apache-2.0; test/vectors/wycheproof/README.md) as an
// outside judge of the crypto, on both backends (issue 19):
// - every whole-JWS case (HS256, ES256, RS256, PS256 and the rest) through verifyToken
//   and verify(request): an `invalid` case never grants;
// - the same cases at signature level (the edge's own shape, alg and length rules, then
//   the backend's check), where a `valid` case verifies unless listed in EXPECTED_REFUSALS;
// - ES256 (P1363), Ed25519 and HMAC-SHA256 vectors through the keyring's key checks and
//   the backend's signature check.
// None of these files has an `acceptable` case (asserted below); one would be allowed
// either way and reported, never required.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CryptoBackend } from '../src/core/crypto/backend.js';
import { nodeCrypto } from '../src/ops/node-crypto.js';
import { webCrypto } from '../src/core/crypto/web.js';
import { createKeyring, type KeyEntry } from '../src/contract/keyring.js';
import { createVerifierWith } from '../src/web/verifier.js';
import { signatureVerdict } from './helpers.js';

const DIR = new URL('../../../test/vectors/wycheproof/', import.meta.url);
const load = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as T;

interface Case { tcId: number; comment: string; result: 'valid' | 'invalid' | 'acceptable'; flags: string[] }
interface JwsCase extends Case { jws: unknown }
interface JwsGroup { comment: string; public?: Record<string, unknown>; private?: Record<string, unknown>; tests: JwsCase[] }
const jws = load<{ testGroups: JwsGroup[] }>('json_web_signature_test.json');

const backends: ReadonlyArray<readonly [string, CryptoBackend]> = [['web', webCrypto], ['node', nodeCrypto]];
const KID = /^[A-Za-z0-9._-]{1,64}$/;

/** The key of a group as this edge holds it: public part only (a verify-only edge), or why there is none. */
function groupKey(group: JwsGroup): KeyEntry | string {
  const jwk = group.public ?? group.private;
  if (jwk === undefined) return 'no key';
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk;
  const material = jwk.kty === 'oct' ? jwk : rest;
  try {
    const ring = createKeyring({ keys: [{ ...material, kid: 'w' }] });
    return ring.keys.get('w') as KeyEntry;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * `valid` cases this edge refuses on purpose, by group comment or tcId, and why. Refusing
 * a valid token is never a security failure; each is a rule of docs/spec.md.
 */
const EXPECTED_REFUSALS: Readonly<Record<string, string>> = {
  rs384: 'RS384 is not an algorithm this edge verifies (key skipped from the JWK Set)',
  rs512: 'RS512 is not an algorithm this edge verifies',
  ps384: 'PS384 is not an algorithm this edge verifies',
  ps512: 'PS512 is not an algorithm this edge verifies',
  'rfc7520/ES512': 'ES512 (P-521) is not an algorithm this edge verifies',
  InvalidCharacterInsertedIn: 'base64url must be canonical: a character outside the alphabet is malformed, never skipped',
  otherAlg: 'the header\'s alg differs from the key\'s (RFC 7520 signs PS384 with a key listed as PS256): the keyring fixes the alg',
};

/**
 * `invalid` cases whose token is byte for byte a `valid` case's token (367
 * invalidBase64Padding, 370 invalidBase64PaddingInPayload: the padding the names speak of
 * is not in the file): no verifier can tell them apart, so they are reported, not judged.
 */
const keyed = (g: JwsGroup, t: JwsCase) => JSON.stringify([g.public ?? g.private, t.jws]);
const validTokens = new Set(jws.testGroups.flatMap((g) => g.tests.filter((t) => t.result === 'valid').map((t) => keyed(g, t))));
const SAME_AS_VALID = jws.testGroups.flatMap((g) => g.tests.filter((t) => t.result === 'invalid' && validTokens.has(keyed(g, t))).map((t) => t.tcId));

function refusalReason(group: JwsGroup, test: JwsCase, entry: KeyEntry | string): string | undefined {
  if (EXPECTED_REFUSALS[group.comment] !== undefined) return EXPECTED_REFUSALS[group.comment];
  if (typeof entry === 'string' && /must be P-256/.test(entry)) return EXPECTED_REFUSALS['rfc7520/ES512'];
  if (typeof entry !== 'string' && typeof test.jws === 'string') {
    const header = JSON.parse(Buffer.from(test.jws.split('.')[0] ?? '', 'base64url').toString()) as { alg?: unknown };
    if (header.alg !== entry.alg) return EXPECTED_REFUSALS.otherAlg;
  }
  if (test.comment.startsWith('InvalidCharacterInsertedIn')) return EXPECTED_REFUSALS.InvalidCharacterInsertedIn;
  return undefined;
}

it('the copied files are the ones the README lists, with no acceptable case', () => {
  const cases = jws.testGroups.flatMap((g) => g.tests);
  expect(cases).toHaveLength(401);
  const results = new Set(cases.map((t) => t.result));
  expect([...results].sort()).toEqual(['invalid', 'valid']);
  expect(SAME_AS_VALID).toEqual([367, 370]);
});

describe.each(backends)('Wycheproof JWS (%s backend)', (_name, backend) => {
  it('at signature level: every invalid case is refused, every valid one verifies unless refused by a listed rule', async () => {
    const refused: string[] = [];
    const failures: string[] = [];
    for (const group of jws.testGroups) {
      const entry = groupKey(group);
      for (const test of group.tests) {
        const ok = typeof entry === 'string' ? false : await signatureVerdict(backend, entry, test.jws);
        if (test.result === 'invalid' && ok && !SAME_AS_VALID.includes(test.tcId)) failures.push(`${group.comment} #${test.tcId} ${test.comment}: invalid case verified`);
        if (test.result === 'valid' && !ok) {
          const reason = refusalReason(group, test, entry);
          if (reason === undefined) failures.push(`${group.comment} #${test.tcId} ${test.comment}: valid case refused (${typeof entry === 'string' ? entry : 'signature'})`);
          else refused.push(`${group.comment} #${test.tcId}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // Everything HS256, ES256, RS256 and PS256 that is valid and canonical verifies.
    // 22 valid cases refused, each by a listed rule: RS384/RS512/PS384/PS512 (16), RFC 7520's
    // PS384-under-PS256 and ES512 figures (4), a character outside base64url (2).
    expect(refused).toHaveLength(22);
  });

  it('through verifyToken and verify(request): no invalid case is ever granted', async () => {
    for (const group of jws.testGroups) {
      const jwk = group.public ?? group.private;
      const kid = typeof jwk?.kid === 'string' && KID.test(jwk.kid) ? jwk.kid : undefined;
      if (jwk === undefined || kid === undefined) continue; // an edge cannot hold this kid: nothing to grant with
      let verifier;
      try {
        verifier = createVerifierWith(backend, { keyring: { keys: [{ ...(jwk.kty === 'oct' ? jwk : { ...jwk, d: undefined, p: undefined, q: undefined, dp: undefined, dq: undefined, qi: undefined }) }] } });
      } catch {
        continue; // the key is skipped or refused: every token for it is denied
      }
      for (const test of group.tests) {
        const token = typeof test.jws === 'string' ? test.jws : JSON.stringify(test.jws);
        const result = await verifier.verifyToken(token, '/v/a.mp4');
        const request = await verifier.verify(new Request(`https://edge.test/v/a.mp4?token=${encodeURIComponent(token)}`));
        // Wycheproof payloads are not JWT claims ("foo", "Test"): even a valid case is denied here.
        expect(result.ok).toBe(false);
        expect(request.ok).toBe(false);
      }
    }
  });
});

interface SigCase extends Case { msg: string; sig: string }
interface SigGroup { publicKeyJwk?: Record<string, string>; publicKey: { pk?: string; wx?: string; wy?: string }; tests: SigCase[] }

/** A message the signature check can be handed: the signing input is text, so only UTF-8 messages. */
function utf8(hex: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(hex, 'hex'));
  } catch {
    return undefined;
  }
}

/** A Wycheproof coordinate (hex, maybe with a sign byte or short) as JOSE's 32-byte base64url. */
const coordinate = (hex: string): string => Buffer.from(BigInt(`0x${hex}`).toString(16).padStart(64, '0'), 'hex').toString('base64url');

async function runSignatureFile(backend: CryptoBackend, file: string, keyOf: (g: SigGroup) => Record<string, unknown>, sigLength: number) {
  const data = load<{ testGroups: SigGroup[] }>(file);
  let checked = 0;
  let skipped = 0;
  const failures: string[] = [];
  for (const group of data.testGroups) {
    let entry: KeyEntry;
    try {
      entry = createKeyring({ keys: [{ ...keyOf(group), kid: 'w' }] }).keys.get('w') as KeyEntry;
    } catch (error) {
      // A key the keyring refuses verifies nothing: only a failure if the group holds valid cases.
      if (group.tests.some((t) => t.result === 'valid')) failures.push(`key refused with valid cases: ${(error as Error).message}`);
      continue;
    }
    const check = backend.importKey(entry);
    for (const test of group.tests) {
      expect(test.result).not.toBe('acceptable');
      const message = utf8(test.msg);
      if (message === undefined) {
        skipped++;
        continue;
      }
      const sig = Buffer.from(test.sig, 'hex');
      // The edge refuses a signature of the wrong length before any crypto (decide.ts).
      const ok = sig.length === sigLength && (await Promise.resolve(check(message, sig.toString('base64url'))).catch(() => false));
      checked++;
      if (ok !== (test.result === 'valid')) failures.push(`#${test.tcId} ${test.comment} (${test.result}) → ${ok}`);
    }
  }
  return { checked, skipped, failures };
}

describe.each(backends)('Wycheproof signatures through the key checks (%s backend)', (_name, backend) => {
  it('ES256 in JOSE form (P1363): every case as Wycheproof says', async () => {
    const { checked, skipped, failures } = await runSignatureFile(
      backend,
      'ecdsa_secp256r1_sha256_p1363_test.json',
      (g) => ({ kty: 'EC', crv: 'P-256', x: coordinate(g.publicKey.wx as string), y: coordinate(g.publicKey.wy as string) }),
      64,
    );
    expect(failures).toEqual([]);
    expect(checked).toBe(262);
    expect(skipped).toBe(0);
  });

  it('Ed25519: every case with a UTF-8 message as Wycheproof says', async () => {
    const { checked, skipped, failures } = await runSignatureFile(
      backend,
      'ed25519_test.json',
      (g) => ({ kty: 'OKP', crv: 'Ed25519', x: Buffer.from(g.publicKey.pk as string, 'hex').toString('base64url') }),
      64,
    );
    expect(failures).toEqual([]);
    // 67 messages are not UTF-8: a JWS signing input is text, so those cannot reach the check.
    expect(skipped).toBe(67);
    expect(checked).toBe(151 - 67);
  });

  it('HMAC-SHA256: keys under 32 bytes are refused by the keyring; full-length tags as Wycheproof says; truncated tags never verify', async () => {
    const data = load<{ testGroups: Array<{ keySize: number; tagSize: number; tests: Array<Case & { key: string; msg: string; tag: string }> }> }>('hmac_sha256_test.json');
    const failures: string[] = [];
    let checked = 0;
    for (const group of data.testGroups) {
      for (const test of group.tests) {
        const keyring = () => createKeyring({ keys: [{ kty: 'oct', kid: 'w', k: Buffer.from(test.key, 'hex').toString('base64url') }] });
        if (group.keySize < 256) {
          expect(keyring).toThrow(/secret is 16 bytes; use at least 32/);
          continue;
        }
        const message = utf8(test.msg);
        if (message === undefined) continue;
        const check = backend.importKey(keyring().keys.get('w') as KeyEntry);
        const tag = Buffer.from(test.tag, 'hex');
        const ok = tag.length === 32 && (await check(message, tag.toString('base64url')));
        checked++;
        const expected = test.result === 'valid' && group.tagSize === 256;
        if (ok !== expected) failures.push(`#${test.tcId} ${test.comment} (${test.result}, tag ${group.tagSize}) → ${ok}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });
});
