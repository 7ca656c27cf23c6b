// Sealed-token section of `npm run bench` (issue 17): opening a sealed token (JWE dir +
// A256GCM) at the edge against the raw node:crypto floor and jose's jwtDecrypt, sealing one
// against jose's CompactEncrypt, and the token's length beside the JWS of the same claims.
// Every peer gets the same token and a key prepared once (the derived content key).
import { createDecipheriv, createSecretKey, hkdfSync, webcrypto } from 'node:crypto';
import * as jose from 'jose';
import { createSigner } from '@urlseal/sdk';
import { createVerifier } from '../../packages/edge/dist/runtimes/node/index.js';

const GROUP_VERIFY = 'verify sealed (dir + A256GCM, prefix grant)';
const GROUP_SIGN = 'sign sealed (dir + A256GCM, exact grant, sub, 5 min)';
const GROUP_SIZE = 'token length (same claims)';
const SECRET = 'bench-secret-of-at-least-32-bytes-long!';
const NOW = 1_800_000_000;
const PATH = '/videos/course-1/720p/seg-00001.ts';
const SUB = 'student-42';

export async function run(bench) {
  const currentDate = new Date(NOW * 1000);
  const keyring = { kids: { k1: SECRET } };
  const signer = createSigner({ keyring, currentDate });
  const verifier = createVerifier({ keyring, currentDate });
  const rawKey = Buffer.from(hkdfSync('sha256', SECRET, Buffer.alloc(0), 'urlseal seal A256GCM', 32));
  const keyObject = createSecretKey(rawKey);
  const joseKey = new Uint8Array(rawKey);
  // jose encrypts with Web Crypto: a CryptoKey imported once, as for its HS256 sign row.
  const joseEncryptKey = await webcrypto.subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt']);
  const token = signer.signToken('/videos/course-1/*', { seal: true, sub: SUB, ttl: 3600 });
  const [header, , iv, ciphertext, tag] = token.split('.');
  const aad = Buffer.from(header, 'ascii');

  // The floor: what opening costs with nothing around it (decode, AES-GCM with AAD, JSON.parse).
  const floor = () => {
    const decipher = createDecipheriv('aes-256-gcm', keyObject, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const head = decipher.update(Buffer.from(ciphertext, 'base64url'));
    const tail = decipher.final();
    return JSON.parse((tail.length === 0 ? head : Buffer.concat([head, tail])).toString('utf8'));
  };

  // Sanity: every peer must open the token, or the comparison is meaningless.
  if (!(await verifier.verifyToken(token, PATH)).ok) throw new Error('bench sealed token does not verify');
  if (floor().sub !== SUB) throw new Error('the floor does not open the bench token');
  await jose.jwtDecrypt(token, joseKey, { currentDate, keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });

  const floorName = 'floor: node:crypto AES-256-GCM decrypt + AAD + JSON.parse';
  await bench(floorName, floor, { group: GROUP_VERIFY });
  await bench('urlseal verifyToken (sealed)', () => verifier.verifyToken(token, PATH), { group: GROUP_VERIFY, peerOf: floorName });
  const view = { method: 'GET', target: `${PATH}?token=${token}`, header: () => undefined };
  await bench('urlseal decide (whole request, sealed query token)', () => verifier.decide(view), { group: GROUP_VERIFY, peerOf: floorName });
  await bench(
    'jose jwtDecrypt',
    () => jose.jwtDecrypt(token, joseKey, { currentDate, keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] }),
    { group: GROUP_VERIFY, peerOf: 'urlseal verifyToken (sealed)' },
  );
  bench.goal({ name: 'sealed verifyToken ≥ 0.8× the raw node:crypto floor', group: GROUP_VERIFY, row: 'urlseal verifyToken (sealed)', peer: floorName, atLeast: 0.8 });
  bench.goal({ name: 'sealed verifyToken ≥ 3× jose jwtDecrypt', group: GROUP_VERIFY, row: 'urlseal verifyToken (sealed)', peer: 'jose jwtDecrypt', atLeast: 3 });

  const now = () => Math.floor(Date.now() / 1000);
  const encoder = new TextEncoder();
  const liveSigner = createSigner({ keyring });
  await bench('urlseal signToken (seal: true)', () => liveSigner.signToken(PATH, { sub: SUB, seal: true }), { group: GROUP_SIGN });
  await bench('urlseal signUrl (seal: true)', () => liveSigner.signUrl(`https://cdn.example${PATH}`, { sub: SUB, seal: true }), { group: GROUP_SIGN });
  await bench(
    'jose CompactEncrypt (pre-imported key)',
    () => {
      const t = now();
      return new jose.CompactEncrypt(encoder.encode(JSON.stringify({ path: PATH, exp: t + 300, iat: t, sub: SUB })))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k1' })
        .encrypt(joseEncryptKey);
    },
    { group: GROUP_SIGN, peerOf: 'urlseal signToken (seal: true)' },
  );
  bench.goal({ name: 'sealed signToken ≥ 1.0× jose CompactEncrypt', group: GROUP_SIGN, row: 'urlseal signToken (seal: true)', peer: 'jose CompactEncrypt (pre-imported key)', atLeast: 1.0 });

  const claims = { sub: SUB, expires: NOW + 300 };
  const jwsLength = signer.signToken(PATH, claims).length;
  const sealedLength = signer.signToken(PATH, { ...claims, seal: true }).length;
  bench.record('JWS HS256 token', jwsLength, { group: GROUP_SIZE, unit: 'characters' });
  bench.record('sealed token (JWE dir + A256GCM)', sealedLength, { group: GROUP_SIZE, unit: 'characters' });
  bench.goal({ name: 'a sealed token is no longer than the JWS of the same claims', group: GROUP_SIZE, row: 'sealed token (JWE dir + A256GCM)', peer: 'JWS HS256 token', atMost: 1.0 });
}
