// Test helpers for the Node adapters: tokens made with node:crypto only.
import { createHash, createHmac } from 'node:crypto';

export const SECRET = 'adapter-test-secret-0123456789abcdefgh';
export const ST_SECRET = 'adapter-legacy-secret-0123456789abcdef';
export const KEYRING = JSON.stringify({ active: 'a1', kids: { a1: SECRET }, secureToken: [ST_SECRET] });

export const now = () => Math.floor(Date.now() / 1000);

/** An HS256 compact JWS signed with the test keyring's `a1` secret. */
export function jwt(claims: Record<string, unknown>, secret = SECRET): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc({ alg: 'HS256', kid: 'a1', typ: 'JWT' })}.${enc({ iat: now(), exp: now() + 300, ...claims })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** `?st=…&e=…` for a decoded path (SPEC §5). */
export function secureQuery(path: string, e = now() + 300): string {
  const st = createHash('md5').update(`${ST_SECRET}${path}${e}`).digest('base64url');
  return `st=${st}&e=${e}`;
}

/** Flips the last signature character so the MAC no longer matches. */
export function tamper(token: string): string {
  return token.slice(0, -2) + (token.endsWith('AA') ? 'BA' : 'AA');
}
