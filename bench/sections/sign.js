// Sign section of `npm run bench`: urlseal's HS256 signer against its peers, in the
// same run, each signing the same claims with a key prepared once (no per-call import).
import { webcrypto } from 'node:crypto';
import { createSigner as createFastJwtSigner } from 'fast-jwt';
import { SignJWT } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { createSigner, secureToken } from '@urlseal/sdk';

const GROUP = 'sign HS256 (exact grant, sub, 5 min)';
const GROUP_ST = 'sign secure-token (md5)';
const SECRET = 'bench-secret-of-at-least-32-bytes-long!';
const PATH = '/videos/course-1/720p/seg-00001.ts';
const SUB = 'student-42';

export async function run(bench) {
  const signer = createSigner({ keyring: { kids: { k1: SECRET }, secureToken: [SECRET] } });
  // A CryptoKey imported once: jose signs with WebCrypto, and a KeyObject would be converted per call.
  const joseKey = await webcrypto.subtle.importKey('raw', Buffer.from(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const fastJwt = createFastJwtSigner({ key: SECRET, algorithm: 'HS256', kid: 'k1', expiresIn: 300_000 });
  const claims = () => ({ path: PATH, sub: SUB });
  const now = () => Math.floor(Date.now() / 1000);

  await bench('urlseal signToken', () => signer.signToken(PATH, { sub: SUB }), { group: GROUP });
  await bench('urlseal signUrl', () => signer.signUrl(`https://cdn.example${PATH}`, { sub: SUB }), { group: GROUP, peerOf: 'fast-jwt createSigner' });
  await bench('fast-jwt createSigner', () => fastJwt(claims()), { group: GROUP, peerOf: 'urlseal signToken' });
  await bench(
    'jose SignJWT (pre-imported key)',
    () => new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'JWT' }).setIssuedAt().setExpirationTime(now() + 300).sign(joseKey),
    { group: GROUP, peerOf: 'urlseal signToken' },
  );
  await bench(
    'jsonwebtoken sign',
    () => jsonwebtoken.sign(claims(), SECRET, { algorithm: 'HS256', keyid: 'k1', expiresIn: 300 }),
    { group: GROUP, peerOf: 'urlseal signToken' },
  );

  bench.goal({ name: 'signUrl HS256 ≥ 1.0× fast-jwt createSigner', group: GROUP, row: 'urlseal signUrl', peer: 'fast-jwt createSigner', atLeast: 1.0 });

  await bench('urlseal secureToken', () => secureToken(SECRET, PATH, 1893456000), { group: GROUP_ST });
  await bench('urlseal signUrl (secure-token)', () => signer.signUrl(PATH, { scheme: 'secure-token' }), { group: GROUP_ST });
}
