import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { webCrypto } from '../../src/crypto/web.js';
import { computeSecureToken } from '../../src/secure-token.js';
import { createVerifierWith } from '../../src/verifier.js';
import type { KeyEntry } from '../../src/keyring.js';
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

  it('denies with 503 ERR_KEYRING_UNAVAILABLE when a key cannot be imported, without crashing', async () => {
    // An EC "public key" whose point is not on the curve: validated shape, unusable key.
    const bogus = { kty: 'EC', crv: 'P-256', kid: 'p1', x: 'A'.repeat(43), y: 'A'.repeat(43) };
    const verifier = createVerifierWith(backend, { keyring: { keys: [bogus], kids: { k1: SECRET } }, currentDate });
    const input = `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'p1' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}`;
    const token = `${input}.${'A'.repeat(86)}`;
    expect(await verifier.verifyToken(token, '/videos/course-1/a.ts')).toMatchObject({ ok: false, code: 'ERR_KEYRING_UNAVAILABLE', status: 503 });
    // Other keys keep working.
    expect((await verifier.verifyToken(hs256(claims()), '/videos/course-1/a.ts')).ok).toBe(true);
  });
});
