#!/usr/bin/env node
// Writes test/vectors/sealed.json: sealed-token (JWE dir + A256GCM) known answers for any
// implementation of docs/spec.md §9 "Sealed tokens (issue 17)". Made here with node:crypto
// only (HKDF and AES-256-GCM), independently of @urlseal/sdk and @urlseal/edge;
// test/vectors/sealed-vectors.test.ts checks the SDK's sealer reproduces every sealing case
// byte for byte (given the case's IV), jose opens every token, and the edge answers every
// verifying case as recorded.
//   node test/vectors/make-sealed-vectors.mjs > test/vectors/sealed.json
// The secrets below are test secrets, published on purpose: never use them for anything else.
import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';

const NOW = 1800000000; // 2027-01-15T08:00:00Z
const SECRET = 'urlseal-sealed-vector-secret-0123456789abcdef';
const INFO = 'urlseal seal A256GCM';

const KEYRINGS = {
  hs256: { active: 'seal-1', kids: { 'seal-1': SECRET } },
  mixed: {
    active: 'seal-1',
    kids: { 'seal-1': SECRET },
    keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'ed-1', x: 'Njs01OZkgkQRVm1BFxxQsyxTXkhQF_S1zBFK0NdKECU' }],
  },
};

const key = Buffer.from(hkdfSync('sha256', Buffer.from(SECRET, 'utf8'), Buffer.alloc(0), Buffer.from(INFO, 'ascii'), 32));
const b64 = (bytes) => Buffer.from(bytes).toString('base64url');

/** A compact JWE over exactly these header and plaintext texts, with this IV and key. */
function seal(headerJson, plaintext, ivHex, contentKey = key) {
  const header = b64(headerJson);
  const iv = Buffer.from(ivHex, 'hex');
  const cipher = createCipheriv(`aes-${contentKey.length * 8}-gcm`, contentKey, iv);
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${header}..${b64(iv)}.${b64(ciphertext)}.${b64(cipher.getAuthTag())}`;
}

const HEADER = (kid) => JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid });

/** Claims in the order the contract's signer writes them: path, exp, iat, nbf, sub, jti, ip. */
function claimsFor(path, options) {
  const claims = { path, exp: options.expires, iat: NOW };
  for (const name of ['nbf', 'sub', 'jti', 'ip']) if (options[name] !== undefined) claims[name] = options[name];
  return claims;
}

const minutes = (n) => NOW + n * 60;

function sealCase(name, path, options, ivHex) {
  const claims = claimsFor(path, options);
  const header = HEADER('seal-1');
  return { name, keyring: 'hs256', now: NOW, kid: 'seal-1', iv: ivHex, header, claims, token: seal(header, JSON.stringify(claims), ivHex) };
}

const sealing = [
  sealCase('an exact path', '/videos/course-1/intro.mp4', { expires: minutes(5) }, '000102030405060708090a0b'),
  sealCase('a prefix grant', '/videos/course-1/hls/*', { expires: minutes(60) }, 'a0a1a2a3a4a5a6a7a8a9aaab'),
  sealCase('every optional claim', '/videos/a.mp4', { expires: minutes(10), nbf: NOW - 60, sub: 'student-42@example.edu', jti: 'link-7', ip: '203.0.113.0/24' }, 'ffeeddccbbaa998877665544'),
];

const [exact, prefix, optional] = sealing;
const parts = (token) => token.split('.');
/** The token with one character of segment `index` changed (a middle one: every bit of it counts). */
function flip(token, index) {
  const segments = parts(token);
  const s = segments[index];
  const i = Math.floor(s.length / 2);
  segments[index] = `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
  return segments.join('.');
}
const withHeader = (token, headerJson) => [b64(headerJson), ...parts(token).slice(1)].join('.');
const url = (path, token) => `https://cdn.example${path}?token=${token}`;
const exactPath = '/videos/course-1/intro.mp4';
const exactClaims = JSON.stringify(exact.claims);

const verify = [];
const add = (name, keyring, target, status, code, extra = {}) => verify.push({ name, keyring, url: target, now: NOW, ...extra, status, code });

add('granted: a query token', 'hs256', url(exactPath, exact.token), 200, null);
add('granted: a path token, another file inside the prefix', 'hs256', `https://cdn.example/_token/${prefix.token}/videos/course-1/hls/720p/seg-00001.ts`, 200, null);
add('granted: Authorization Bearer', 'hs256', `https://cdn.example${exactPath}`, 200, null, { headers: { authorization: `Bearer ${exact.token}` } });
add('granted: the urlseal cookie', 'hs256', `https://cdn.example${exactPath}`, 200, null, { headers: { cookie: `theme=dark; urlseal=${exact.token}` } });
add('granted: ip claim, client inside', 'hs256', url('/videos/a.mp4', optional.token), 200, null, { client_ip: '203.0.113.9' });
add('denied: ip claim, client outside', 'hs256', url('/videos/a.mp4', optional.token), 403, 'ERR_IP_MISMATCH', { client_ip: '198.51.100.1' });
add('granted: within the 30 s leeway after exp', 'hs256', url(exactPath, exact.token), 200, null, { now: exact.claims.exp + 29 });
add('expired: exp + leeway reached', 'hs256', url(exactPath, exact.token), 410, 'ERR_TOKEN_EXPIRED', { now: exact.claims.exp + 30 });
add('denied: another path', 'hs256', url('/videos/course-2/intro.mp4', exact.token), 403, 'ERR_PATH_MISMATCH');
add('denied: a ciphertext character changed', 'hs256', url(exactPath, flip(exact.token, 3)), 403, 'ERR_SIGNATURE_INVALID');
add('denied: a tag character changed', 'hs256', url(exactPath, flip(exact.token, 4)), 403, 'ERR_SIGNATURE_INVALID');
add('denied: an IV character changed', 'hs256', url(exactPath, flip(exact.token, 2)), 403, 'ERR_SIGNATURE_INVALID');
add('denied: the header changed (it is the AAD)', 'hs256', url(exactPath, withHeader(exact.token, JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'seal-1', typ: 'JWT' }))), 403, 'ERR_SIGNATURE_INVALID');
add('denied: a 128-bit IV', 'hs256', url(exactPath, seal(exact.header, exactClaims, '000102030405060708090a0b0c0d0e0f')), 403, 'ERR_SIGNATURE_INVALID');
add('denied: a truncated (96-bit) tag', 'hs256', url(exactPath, exact.token.slice(0, -6)), 403, 'ERR_SIGNATURE_INVALID');
add('denied: sealed with the raw secret, not the derived key', 'hs256', url(exactPath, seal(exact.header, exactClaims, '000102030405060708090a0b', Buffer.from(SECRET.slice(0, 32)))), 403, 'ERR_SIGNATURE_INVALID');
add('denied: a JWS header on a JWE body', 'hs256', url(exactPath, seal(JSON.stringify({ alg: 'HS256', kid: 'seal-1', typ: 'JWT' }), exactClaims, '000102030405060708090a0b')), 401, 'ERR_ALG_NOT_ALLOWED');
add('denied: a JWE header on a JWS body', 'hs256', url(exactPath, (() => {
  const input = `${b64(exact.header)}.${b64(exactClaims)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
})()), 401, 'ERR_ALG_NOT_ALLOWED');
add('denied: enc A128GCM', 'hs256', url(exactPath, seal(JSON.stringify({ alg: 'dir', enc: 'A128GCM', kid: 'seal-1' }), exactClaims, '000102030405060708090a0b', key.subarray(0, 16))), 401, 'ERR_ALG_NOT_ALLOWED');
add('denied: a zip header', 'hs256', url(exactPath, seal(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'seal-1', zip: 'DEF' }), exactClaims, '000102030405060708090a0b')), 401, 'ERR_TOKEN_MALFORMED');
add('denied: an encrypted-key segment', 'hs256', url(exactPath, exact.token.replace('..', '.AAAA.')), 401, 'ERR_TOKEN_MALFORMED');
add('denied: six segments', 'hs256', url(exactPath, `${exact.token}.AAAA`), 401, 'ERR_TOKEN_MALFORMED');
add('denied: unknown kid', 'hs256', url(exactPath, seal(HEADER('seal-2'), exactClaims, '000102030405060708090a0b')), 401, 'ERR_KID_UNKNOWN');
add('denied: the kid of an EdDSA key (only HS256 kids seal)', 'mixed', url(exactPath, seal(HEADER('ed-1'), exactClaims, '000102030405060708090a0b')), 401, 'ERR_ALG_NOT_ALLOWED');
add('denied: authentic, but the plaintext is no claims object', 'hs256', url(exactPath, seal(exact.header, '["not","claims"]', '000102030405060708090a0b')), 401, 'ERR_TOKEN_MALFORMED');
add('denied: authentic, exp a string', 'hs256', url(exactPath, seal(exact.header, JSON.stringify({ ...exact.claims, exp: String(exact.claims.exp) }), '000102030405060708090a0b')), 401, 'ERR_CLAIM_INVALID');
add('denied: exp further than maxTtl (1 day)', 'hs256', url(exactPath, seal(exact.header, JSON.stringify(claimsFor(exactPath, { expires: NOW + 86401 })), '000102030405060708090a0b')), 401, 'ERR_CLAIM_INVALID');

const out = {
  about: [
    'Sealed-token known answers for the urlseal contract (docs/spec.md §9 "Sealed tokens (issue 17)"), made with node:crypto from the secrets below (test secrets: never use them elsewhere).',
    '"kdf": the content key of an HS256 kid is HKDF-SHA256 (RFC 5869) with ikm = the UTF-8 bytes of the kid\'s secret, an empty salt, info = the ASCII bytes of info, and L = 32.',
    '"seal": a compact JWE: BASE64URL(UTF8(header)) || ".." || BASE64URL(iv) || "." || BASE64URL(ciphertext) || "." || BASE64URL(tag), AES-256-GCM with the derived key, a 96-bit IV (random in real tokens; fixed here), a 128-bit tag, and AAD = the ASCII of the first segment; the plaintext is the JSON of claims, members in that order.',
    '"verify": a GET of url at time now, with the request headers in headers and the client address client_ip, is answered status with code (null when granted), by a verifier with keyrings[keyring] and default options: leeway 30 s, maxTtl 86400 s, sealed "allow".',
  ],
  keyrings: KEYRINGS,
  kdf: { hash: 'SHA-256', secret: SECRET, salt_hex: '', info: INFO, length: 32, key_hex: key.toString('hex'), key_base64url: b64(key) },
  seal: sealing,
  verify: verify.map(({ name, keyring, now, url: u, headers, client_ip, status, code }) => ({
    name, keyring, now, url: u, ...(headers ? { headers } : {}), ...(client_ip ? { client_ip } : {}), status, code,
  })),
};
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
