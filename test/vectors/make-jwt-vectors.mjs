#!/usr/bin/env node
// Writes test/vectors/jwt.json: JWT known answers for any implementation of the urlseal
// contract. Tokens are made here with jose and hand-built claims, independently of
// @urlseal/sdk; test/vectors/jwt-vectors.test.ts checks the SDK reproduces every signing
// case byte for byte and the edge answers every verifying case as recorded.
//   node test/vectors/make-jwt-vectors.mjs > test/vectors/jwt.json
// The keys below are test keys, published on purpose: never use them for anything else.
import { CompactSign, importJWK } from 'jose';

const NOW = 1800000000; // 2027-01-15T08:00:00Z

const KEYRINGS = {
  hs256: { active: 'hs-1', kids: { 'hs-1': 'urlseal-jwt-vector-secret-0123456789abcdef' } },
  hs512: { keys: [{ kty: 'oct', kid: 'hs512-1', alg: 'HS512', k: 'dXJsc2VhbC1qd3QtdmVjdG9yLWhzNTEyLWtleS0wMTIzNDU2Nzg5YWJjZGVmZ2hpams' }] },
  eddsa: {
    keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'ed-1', x: 'Njs01OZkgkQRVm1BFxxQsyxTXkhQF_S1zBFK0NdKECU', d: 'KqloOABMQ6E_NRjvkHnlO94JDJG8UOUnh478n0lrGUQ' }],
  },
  'eddsa-edge': { keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'ed-1', x: 'Njs01OZkgkQRVm1BFxxQsyxTXkhQF_S1zBFK0NdKECU' }] },
  es256: {
    keys: [{
      kty: 'EC', crv: 'P-256', kid: 'p256-1',
      x: 'vz838cvIFSX1nPedjMTwWEvjTWUmx7PfFya7rqZxUJo', y: 'Q9Bm6wAJPcml7-fDQq0kurtyoe0I5wCbniOVMtVLXW0', d: '0tGB6kkWs-GtP8_U_iltBjEq-WS1HoYyeHyNVZXNe7g',
    }],
  },
};

/** The signing key of a keyring: [kid, alg, jose key input]. */
async function signingKey(name) {
  const keyring = KEYRINGS[name];
  if (keyring.kids) {
    const kid = keyring.active;
    return [kid, 'HS256', new TextEncoder().encode(keyring.kids[kid])];
  }
  const jwk = keyring.keys[0];
  const alg = jwk.kty === 'oct' ? jwk.alg : jwk.kty === 'EC' ? 'ES256' : 'EdDSA';
  return [jwk.kid, alg, await importJWK(jwk, alg)];
}

const b64 = (text) => Buffer.from(text).toString('base64url');

/** A compact JWS over exactly these header and payload texts. */
async function jws(keyringName, payloadJson, header) {
  const [kid, alg, key] = await signingKey(keyringName);
  const protectedHeader = header ?? { alg, kid, typ: 'JWT' };
  return new CompactSign(new TextEncoder().encode(payloadJson)).setProtectedHeader(protectedHeader).sign(key);
}

/** Claims in the order the contract's signer writes them: path, exp, iat, nbf, sub, jti, ip. */
function claimsFor(path, options) {
  const claims = { path, exp: options.expires, iat: NOW };
  for (const name of ['nbf', 'sub', 'jti', 'ip']) if (options[name] !== undefined) claims[name] = options[name];
  return claims;
}

function decodedPath(url) {
  return decodeURIComponent(new URL(url, 'http://x').pathname);
}

/** A signing case: what signing `url` with `options` at NOW must give. */
async function signCase(name, keyring, url, options) {
  const grant = options.grant ?? decodedPath(url);
  const claims = claimsFor(Array.isArray(grant) && grant.length === 1 ? grant[0] : grant, options);
  const token = await jws(keyring, JSON.stringify(claims));
  const prefix = [grant].flat().some((p) => p.endsWith('/*'));
  const inPath = (options.transport ?? (prefix ? 'path' : 'query')) === 'path';
  const [origin, rest] = /^(https?:\/\/[^/]+)(.*)$/.exec(url).slice(1);
  const signed = inPath ? `${origin}/_token/${token}${rest}` : `${url}${url.includes('?') ? '&' : '?'}token=${token}`;
  return { name, keyring, now: NOW, input: { url, options }, claims, token, url: signed };
}

const minutes = (n) => NOW + n * 60;

const sign = [
  await signCase('HS256, exact path, query transport', 'hs256', 'https://cdn.example/videos/course-1/intro.mp4', { expires: minutes(5) }),
  await signCase('HS256, prefix grant, path transport', 'hs256', 'https://cdn.example/videos/course-1/hls/master.m3u8', { grant: '/videos/course-1/hls/*', expires: minutes(60) }),
  await signCase('HS256, every optional claim', 'hs256', 'https://cdn.example/videos/a.mp4?lang=pt', {
    expires: minutes(10), nbf: NOW - 60, sub: 'student-42', jti: 'link-7', ip: '203.0.113.0/24',
  }),
  await signCase('HS256, a list grant', 'hs256', 'https://cdn.example/videos/a.mp4', { grant: ['/videos/a.mp4', '/videos/a.vtt'], expires: minutes(5) }),
  await signCase('HS256, a non-ASCII path (claims hold it decoded)', 'hs256', 'https://cdn.example/cursos/aula-%C3%A7%C3%A3o/v%C3%ADdeo.mp4', { expires: minutes(5) }),
  await signCase('HS512 oct key', 'hs512', 'https://cdn.example/videos/a.mp4', { expires: minutes(5) }),
  await signCase('EdDSA', 'eddsa', 'https://cdn.example/videos/course-1/intro.mp4', { expires: minutes(5) }),
];

const [exact, prefix, optional] = sign;
const es256Token = await jws('es256', JSON.stringify(claimsFor('/videos/a.mp4', { expires: minutes(5) })));
const forged = (token, payload) => `${token.split('.')[0]}.${b64(JSON.stringify(payload))}.${token.split('.')[2]}`;
const flip = (token) => {
  const [h, p, s] = token.split('.');
  const i = 10; // a middle character of the signature: every bit of it is signature
  return `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
};

const verify = [];
const add = (name, keyring, url, status, code, extra = {}) => verify.push({ name, keyring, url, now: NOW, ...extra, status, code });

add('granted: a query token', 'hs256', exact.url, 200, null);
add('granted: a path token, another file inside the prefix', 'hs256', `https://cdn.example/_token/${prefix.token}/videos/course-1/hls/720p/seg-00001.ts`, 200, null);
add('granted: within the 30 s leeway after exp', 'hs256', exact.url, 200, null, { now: exact.claims.exp + 29 });
add('expired: exp + leeway reached', 'hs256', exact.url, 410, 'ERR_TOKEN_EXPIRED', { now: exact.claims.exp + 30 });
add('granted: Authorization Bearer', 'hs256', 'https://cdn.example/videos/course-1/intro.mp4', 200, null, { headers: { authorization: `Bearer ${exact.token}` } });
add('granted: the urlseal cookie', 'hs256', 'https://cdn.example/videos/course-1/intro.mp4', 200, null, { headers: { cookie: `theme=dark; urlseal=${exact.token}` } });
add('denied: no token', 'hs256', 'https://cdn.example/videos/course-1/intro.mp4', 401, 'ERR_TOKEN_MISSING');
add('denied: a signature character changed', 'hs256', `https://cdn.example/videos/course-1/intro.mp4?token=${flip(exact.token)}`, 403, 'ERR_SIGNATURE_INVALID');
add('denied: claims changed, signature kept', 'hs256', `https://cdn.example/videos/course-2/intro.mp4?token=${forged(exact.token, { ...exact.claims, path: '/videos/course-2/intro.mp4' })}`, 403, 'ERR_SIGNATURE_INVALID');
add('denied: another path', 'hs256', `https://cdn.example/videos/course-2/intro.mp4?token=${exact.token}`, 403, 'ERR_PATH_MISMATCH');
add('denied: a prefix is a segment boundary', 'hs256', `https://cdn.example/_token/${prefix.token}/videos/course-1/hls-old/master.m3u8`, 403, 'ERR_PATH_MISMATCH');
add('denied: a non-canonical path', 'hs256', `https://cdn.example/_token/${prefix.token}/videos/course-1/hls/%2e%2e/secret.mp4`, 403, 'ERR_PATH_NONCANONICAL');
add('denied: two token parameters', 'hs256', `${exact.url}&token=${exact.token}`, 401, 'ERR_TOKEN_MALFORMED');
add('denied: two segments', 'hs256', `https://cdn.example/videos/course-1/intro.mp4?token=${exact.token.split('.').slice(0, 2).join('.')}`, 401, 'ERR_TOKEN_MALFORMED');
add('denied: unknown kid', 'hs256', `https://cdn.example/videos/a.mp4?token=${await jws('hs256', JSON.stringify(claimsFor('/videos/a.mp4', { expires: minutes(5) })), { alg: 'HS256', kid: 'hs-2', typ: 'JWT' })}`, 401, 'ERR_KID_UNKNOWN');
add('denied: alg none', 'hs256', `https://cdn.example/videos/a.mp4?token=${b64(JSON.stringify({ alg: 'none', kid: 'hs-1', typ: 'JWT' }))}.${b64(JSON.stringify(claimsFor('/videos/a.mp4', { expires: minutes(5) })))}.`, 401, 'ERR_ALG_NOT_ALLOWED');
add('denied: exp further than maxTtl (1 day)', 'hs256', `https://cdn.example/videos/a.mp4?token=${await jws('hs256', JSON.stringify(claimsFor('/videos/a.mp4', { expires: NOW + 86401 })))}`, 401, 'ERR_CLAIM_INVALID');
add('denied: nbf beyond the leeway', 'hs256', `https://cdn.example/videos/a.mp4?token=${await jws('hs256', JSON.stringify(claimsFor('/videos/a.mp4', { expires: minutes(5), nbf: NOW + 31 })))}`, 401, 'ERR_CLAIM_INVALID');
add('granted: ip claim, client inside', 'hs256', optional.url, 200, null, { client_ip: '203.0.113.9' });
add('denied: ip claim, client outside', 'hs256', optional.url, 403, 'ERR_IP_MISMATCH', { client_ip: '198.51.100.1' });
add('granted: HS512', 'hs512', sign[5].url, 200, null);
add('granted: EdDSA, an edge keyring with the public key only', 'eddsa-edge', sign[6].url, 200, null);
add('denied: an HS256 header for an EdDSA kid', 'eddsa-edge', `https://cdn.example/videos/a.mp4?token=${await jws('hs256', JSON.stringify(claimsFor('/videos/a.mp4', { expires: minutes(5) })), { alg: 'HS256', kid: 'ed-1', typ: 'JWT' })}`, 401, 'ERR_ALG_NOT_ALLOWED');
add('granted: ES256 (signatures are randomised: check, do not reproduce)', 'es256', `https://cdn.example/videos/a.mp4?token=${es256Token}`, 200, null);

const out = {
  about: [
    'JWT known answers for the urlseal contract (docs/spec.md §2-7), made with jose from the keys below (test keys: never use them elsewhere).',
    '"sign": signing input.url with input.options at time now (Unix seconds) with keyrings[keyring] gives exactly token and url; the payload is the JSON of claims, members in that order; the header is {"alg","kid","typ":"JWT"} in that order.',
    '"verify": a GET of url at time now, with the request headers in headers and the client address client_ip, is answered status with code (null when granted), by a verifier with keyrings[keyring] and default options: leeway 30 s, maxTtl 86400 s.',
  ],
  keyrings: KEYRINGS,
  sign,
  verify: verify.map(({ name, keyring, now, url, headers, client_ip, status, code }) => ({
    name, keyring, now, url, ...(headers ? { headers } : {}), ...(client_ip ? { client_ip } : {}), status, code,
  })),
};
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
