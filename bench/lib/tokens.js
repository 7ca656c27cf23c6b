// Tokens for `npm run bench` and `npm run loadtest`, minted by hand rather than by the
// SDK under test, so the edge is fed exactly these bytes (including forged ones).
import { createHash, createHmac } from 'node:crypto';

const enc = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWT of `claims` with the header `{ alg, kid, typ: 'JWT' }`: HS256 (HMAC-SHA256
 * with `secret`), or `alg: 'none'` for a forged token with an empty signature. Any `kid`
 * goes in as given, so an unknown one makes an ERR_KID_UNKNOWN token.
 */
export function jwt(claims, { kid, alg = 'HS256', secret }) {
  if (alg !== 'HS256' && alg !== 'none') throw new Error(`jwt: alg ${alg} is not minted here (HS256 or none)`);
  const input = `${enc({ alg, kid, typ: 'JWT' })}.${enc(claims)}`;
  return alg === 'none' ? `${input}.` : `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** The secure-token query `st=…&e=…` for `path` until `e` (Unix seconds): st = base64url(md5(secret + path + e)). */
export function secureTokenQuery(secret, path, e) {
  return `st=${createHash('md5').update(`${secret}${path}${e}`).digest('base64url')}&e=${e}`;
}
