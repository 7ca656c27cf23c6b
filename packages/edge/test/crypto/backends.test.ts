import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/ops/node-crypto.js';
import { webCrypto } from '../../src/core/crypto/web.js';
import { computeSecureToken } from '../../src/contract/secure-token.js';
import { createVerifierWith } from '../../src/web/verifier.js';
import type { KeyEntry } from '../../src/contract/keyring.js';
import { SECRET, claims, currentDate, hs256 } from '../helpers.js';

describe.each([['web', webCrypto], ['node', nodeCrypto]] as const)('%s crypto backend', (_name, backend) => {
  const hmacKey: KeyEntry = { kid: 'k1', alg: 'HS256', secret: new TextEncoder().encode(SECRET), canSign: true };

  it('verifies HMAC signatures given as base64url text', async () => {
    const check = backend.importKey(hmacKey);
    const input = 'a.b';
    const mac = createHmac('sha256', SECRET).update(input).digest('base64url');
    expect(await check(input, mac)).toBe(true);
    expect(await check('a.c', mac)).toBe(false);
    expect(await check(input, mac.slice(0, -1) + (mac.endsWith('A') ? 'E' : 'A'))).toBe(false);
  });

  it('checks secure-token MACs with each prepared secret', () => {
    const check = backend.importSecureTokenSecret(new TextEncoder().encode('mysecret'));
    expect(check('/my/uri', '1470055000', 'm6WCATfRgS_5lcyChCPgrw')).toBe(true);
    expect(check('/my/uri', '1470055001', 'm6WCATfRgS_5lcyChCPgrw')).toBe(false);
    const utf8 = backend.importSecureTokenSecret(new TextEncoder().encode('0123456789abcdef0123456789abcdef'));
    expect(utf8('/cursos/aula-ção/vídeo.mp4', '1800000000', 'dmcFyqQU-VYUdsd0bhA-Xw')).toBe(true);
    expect(computeSecureToken('0123456789abcdef0123456789abcdef', '/cursos/aula-ção/vídeo.mp4', '1800000000')).toBe('dmcFyqQU-VYUdsd0bhA-Xw');
  });

  it('decodes segments as strict UTF-8', () => {
    expect(backend.decodeText(Buffer.from('{"a":"ção"}').toString('base64url'))).toBe('{"a":"ção"}');
    expect(backend.decodeText(Buffer.from([0x22, 0xc3, 0x28, 0x22]).toString('base64url'))).toBeUndefined();
    expect(backend.decodeText(Buffer.from([0xef, 0xbf, 0xbd]).toString('base64url'))).toBe('\uFFFD');
  });

  it('a key the runtime cannot import denies with ERR_KEYRING_UNAVAILABLE, without crashing', async () => {
    // Past the keyring's own checks only by hand: the backend still fails closed.
    const bogus: KeyEntry = { kid: 'p1', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) }, canSign: false };
    const check = backend.importKey(bogus);
    let code: unknown;
    try {
      await check('a.b', 'A'.repeat(86));
    } catch (error) {
      code = (error as { code?: unknown }).code;
    }
    expect(code).toBe('ERR_KEYRING_UNAVAILABLE');
  });

  it('refuses at load a key off its curve or of small order, also in a Keyring built by hand (issue 20)', () => {
    const bogus = { kty: 'EC', crv: 'P-256', kid: 'p1', x: 'A'.repeat(43), y: 'A'.repeat(43) };
    expect(() => createVerifierWith(backend, { keyring: { keys: [bogus], kids: { k1: SECRET } }, currentDate })).toThrow(
      /\(kid "p1"\): the public key is not a point on the P-256 curve/,
    );
    const identity: KeyEntry = { kid: 'e1', alg: 'EdDSA', jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AQ' + 'A'.repeat(41) }, canSign: false };
    const byHand = { keys: new Map([['e1', identity]]), active: undefined, secureToken: [] };
    expect(() => createVerifierWith(backend, { keyring: byHand, currentDate })).toThrow(/keyring key \(kid "e1"\): the public key is a point of small order/);
  });
});
