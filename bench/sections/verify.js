// Verify section of `npm run bench`: urlseal's edge verifier against its peers, all in
// the same run on the same tokens, through the built dist (the node export condition).
// `verify(request)` rows verify fresh Web Requests built before each round's timing.
import { constants, createHash, createHmac, generateKeyPairSync, sign, timingSafeEqual } from 'node:crypto';
import { createVerifier as createFastJwtVerifier } from 'fast-jwt';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { computeSecureToken } from '../../packages/edge/dist/contract/index.js';
import { createVerifier } from '../../packages/edge/dist/runtimes/node/index.js';
import { jwt } from '../lib/tokens.js';

const GROUP_JWT = 'verify HS256 (prefix grant)';
const GROUP_ST = 'verify secure-token (md5)';
const SECRET = 'bench-secret-of-at-least-32-bytes-long!';
const NOW = 1_800_000_000;
const PATH = '/videos/course-1/720p/seg-00001.ts';
const ST_SECRET = '0123456789abcdef0123456789abcdef';
const E = String(NOW + 3600);
const REQUESTS = 100_000;

/** ops/s of `verify` over `REQUESTS` fresh Requests made before the clock starts. */
function verifyFreshRequests(verifier, url) {
  return async () => {
    const requests = Array.from({ length: REQUESTS }, () => new Request(url));
    globalThis.gc?.();
    const start = process.hrtime.bigint();
    for (const request of requests) {
      const result = await verifier.verify(request);
      if (!result.ok) throw new Error(`bench request denied: ${result.code}`);
    }
    return { value: REQUESTS / (Number(process.hrtime.bigint() - start) / 1e9) };
  };
}

export async function run(bench) {
  const token = jwt({ exp: NOW + 3600, iat: NOW, path: '/videos/course-1/*', sub: 'student-42' }, { kid: 'k1', secret: SECRET });
  const currentDate = new Date(NOW * 1000);
  const verifier = createVerifier({ keyring: { kids: { k1: SECRET }, secureToken: [ST_SECRET] }, currentDate });
  const joseKey = new TextEncoder().encode(SECRET);
  const fastJwt = createFastJwtVerifier({ key: SECRET, cache: false, algorithms: ['HS256'], clockTimestamp: NOW * 1000 });
  const secretBuffer = Buffer.from(SECRET);
  const dot = token.lastIndexOf('.');
  const input = token.slice(0, dot);
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  const st = computeSecureToken(ST_SECRET, PATH, E);
  const stView = { method: 'GET', target: `${PATH}?st=${st}&e=${E}`, header: () => undefined };
  const stMac = Buffer.from(st, 'base64url');

  // Sanity: every peer must accept the token, or the comparison is meaningless.
  const checks = [await verifier.verifyToken(token, PATH), await verifier.decide(stView), await verifier.verifySecureToken(st, E, PATH)];
  if (!checks.every((c) => c.ok)) throw new Error('bench tokens do not verify');
  await jose.jwtVerify(token, joseKey, { currentDate });
  fastJwt(token);

  const group = GROUP_JWT;
  await bench('fast-jwt (cache: false)', () => fastJwt(token), { group });
  await bench('urlseal verifyToken', () => verifier.verifyToken(token, PATH), { group, peerOf: 'fast-jwt (cache: false)' });
  await bench.measure('urlseal verify(request), query token', verifyFreshRequests(verifier, `https://cdn.example${PATH}?token=${token}`), {
    group,
    unit: 'ops/s',
    peerOf: 'fast-jwt (cache: false)',
  });
  await bench.measure('urlseal verify(request), path token', verifyFreshRequests(verifier, `https://cdn.example/_token/${token}${PATH}`), {
    group,
    unit: 'ops/s',
    peerOf: 'fast-jwt (cache: false)',
  });
  // Issue 18: the same requests with a revocation source configured (other users revoked), cache warm.
  const revoked = { lookup: (sub) => ({ subNotBefore: sub === 'someone-else' ? NOW : undefined }) };
  const revoking = createVerifier({ keyring: { kids: { k1: SECRET } }, currentDate, revocation: { source: revoked, onStoreError: 'deny', cacheTtl: 30 } });
  await revoking.verifyToken(token, PATH); // warms the cache for this sub
  await bench.measure('urlseal verify(request), query token, revocation (warm cache)', verifyFreshRequests(revoking, `https://cdn.example${PATH}?token=${token}`), {
    group,
    unit: 'ops/s',
    peerOf: 'urlseal verify(request), query token',
  });
  await bench('jose jwtVerify', () => jose.jwtVerify(token, joseKey, { currentDate, algorithms: ['HS256'] }), { group, peerOf: 'urlseal verifyToken' });
  await bench('jsonwebtoken verify', () => jsonwebtoken.verify(token, SECRET, { algorithms: ['HS256'], clockTimestamp: NOW }), { group, peerOf: 'urlseal verifyToken' });
  await bench('floor: node:crypto HMAC + timingSafeEqual', () => timingSafeEqual(createHmac('sha256', secretBuffer).update(input).digest(), signature), {
    group,
    peerOf: 'urlseal verifyToken',
  });
  bench.goal({ name: 'verify(request) ≥ 1.0× fast-jwt token verify', group, row: 'urlseal verify(request), query token', peer: 'fast-jwt (cache: false)', atLeast: 1.0 });
  bench.goal({ name: 'verify(request) ≥ 5× jose', group, row: 'urlseal verify(request), query token', peer: 'jose jwtVerify', atLeast: 5 });
  bench.goal({
    name: 'verify(request) with a warm revocation cache ≥ 0.9× without',
    group,
    row: 'urlseal verify(request), query token, revocation (warm cache)',
    peer: 'urlseal verify(request), query token',
    atLeast: 0.9,
  });
  bench.goal({ name: 'verifyToken ≥ 1.2× fast-jwt', group, row: 'urlseal verifyToken', peer: 'fast-jwt (cache: false)', atLeast: 1.2 });

  await bench('urlseal verifySecureToken', () => verifier.verifySecureToken(st, E, PATH), { group: GROUP_ST, peerOf: 'floor: node:crypto md5 + timingSafeEqual' });
  await bench('urlseal decide (whole request: carriers, path, st)', () => verifier.decide(stView), {
    group: GROUP_ST,
    peerOf: 'floor: node:crypto md5 + timingSafeEqual',
  });
  await bench('floor: node:crypto md5 + timingSafeEqual', () => timingSafeEqual(createHash('md5').update(ST_SECRET).update(PATH).update(E).digest(), stMac), {
    group: GROUP_ST,
  });
  bench.goal({ name: 'secure-token verify ≥ 0.7× the md5 floor', group: GROUP_ST, row: 'urlseal verifySecureToken', peer: 'floor: node:crypto md5 + timingSafeEqual', atLeast: 0.7 });

  await rsaRows(bench);
}

/** RS256 and PS256 verify (issue 19): urlseal beside jose and fast-jwt on one 2048-bit key. */
async function rsaRows(bench) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const currentDate = new Date(NOW * 1000);
  const claims = { exp: NOW + 3600, iat: NOW, path: '/videos/course-1/*', sub: 'student-42' };
  const verifier = createVerifier({ keyring: { keys: [{ ...jwk, kid: 'r1', alg: 'RS256' }, { ...jwk, kid: 'r2', alg: 'PS256' }] }, currentDate });
  for (const [alg, kid, padding] of [['RS256', 'r1', constants.RSA_PKCS1_PADDING], ['PS256', 'r2', constants.RSA_PKCS1_PSS_PADDING]]) {
    const enc = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${enc({ alg, kid, typ: 'JWT' })}.${enc(claims)}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, padding, saltLength: 32 }).toString('base64url')}`;
    const joseKey = await jose.importJWK(jwk, alg);
    const fastJwt = createFastJwtVerifier({ key: publicKey.export({ format: 'pem', type: 'spki' }), cache: false, algorithms: [alg], clockTimestamp: NOW * 1000 });
    if (!(await verifier.verifyToken(token, PATH)).ok) throw new Error(`bench ${alg} token does not verify`);
    await jose.jwtVerify(token, joseKey, { currentDate });
    fastJwt(token);
    const group = `verify ${alg} (2048-bit key)`;
    await bench(`fast-jwt ${alg} (cache: false)`, () => fastJwt(token), { group });
    await bench(`urlseal verifyToken ${alg}`, () => verifier.verifyToken(token, PATH), { group, peerOf: `fast-jwt ${alg} (cache: false)` });
    await bench(`jose jwtVerify ${alg}`, () => jose.jwtVerify(token, joseKey, { currentDate, algorithms: [alg] }), { group, peerOf: `urlseal verifyToken ${alg}` });
  }
}
