// Signing calls both signers must answer identically (Node: sync node:crypto; web:
// async jose), shared by the Node run (web.test.ts) and the workerd run (workerd.test.ts).
import { generateKeyPairSync } from 'node:crypto';
import type { KeyringJson } from '@urlseal/edge/contract';

/** A fixed clock for every case: 2025-11-24T16:00:00Z. */
export const NOW = 1764000000;

/** A fresh private JWK (with `kid`) of a new key pair. */
export function privateJwk(alg: 'ES256' | 'EdDSA', kid: string): Record<string, unknown> {
  const { privateKey } = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return { ...privateKey.export({ format: 'jwk' }), kid };
}

const LEGACY = 'legacy-secret-0123456789abcdefghijkl';

/** Keyrings by name; `deterministic` ones give byte-identical tokens on both signers. */
export const KEYRINGS: Record<string, { json: KeyringJson; deterministic: boolean }> = {
  HS256: { json: { active: 'h1', kids: { h1: 'web-signer-secret-0123456789abcdefgh' }, secureToken: [LEGACY] }, deterministic: true },
  HS384: { json: { keys: [{ kty: 'oct', kid: 'h3', alg: 'HS384', k: Buffer.alloc(48, 3).toString('base64url') }] }, deterministic: true },
  HS512: { json: { keys: [{ kty: 'oct', kid: 'h5', alg: 'HS512', k: Buffer.alloc(64, 5).toString('base64url') }] }, deterministic: true },
  EdDSA: { json: { keys: [privateJwk('EdDSA', 'e1')] }, deterministic: true },
  ES256: { json: { keys: [privateJwk('ES256', 'p1')] }, deterministic: false },
};

/** One call: a method of the signer and its arguments (JSON, so it can cross into workerd). */
export interface Call {
  readonly name: string;
  readonly method: 'signUrl' | 'sign' | 'signToken' | 'signCookie';
  readonly args: readonly unknown[];
  /** A decoded path the token grants, to verify it against. */
  readonly granted: string;
  /** Only for keyrings with a secure-token secret. */
  readonly legacy?: boolean;
}

export const CALLS: readonly Call[] = [
  { name: 'exact grant in the query', method: 'signUrl', args: ['https://cdn.example/videos/a.mp4?lang=pt#t=10'], granted: '/videos/a.mp4' },
  { name: 'prefix grant in the path', method: 'signUrl', args: ['/videos/course-1/master.m3u8', { grant: '/videos/course-1/*', ttl: '2h' }], granted: '/videos/course-1/720p/seg-1.ts' },
  { name: 'every optional claim', method: 'sign', args: ['/v/aula-ção.mp4', { sub: 'student-42', jti: 'j-1', nbf: NOW, expires: NOW + 90 }], granted: '/v/aula-ção.mp4' },
  { name: 'an ip claim', method: 'sign', args: ['/v/a.mp4', { ip: '203.0.113.0/24' }], granted: '/v/a.mp4' },
  { name: 'a bare token for two patterns', method: 'signToken', args: [['/a/*', '/b.mp4'], { ttl: 60 }], granted: '/b.mp4' },
  { name: 'a cookie', method: 'signCookie', args: ['/videos/course-1/*', { ttl: 600 }], granted: '/videos/course-1/a.vtt' },
  { name: 'a cookie for a parent domain, SameSite=None', method: 'signCookie', args: ['/videos/course-1/*', { domain: 'Example.com', sameSite: 'None', ttl: 60 }], granted: '/videos/course-1/a.ts' },
  { name: 'a Strict cookie', method: 'signCookie', args: ['/a.mp4', { sameSite: 'Strict' }], granted: '/a.mp4' },
  { name: 'every path, opted in with grantAll', method: 'signToken', args: ['/*', { grantAll: true }], granted: '/any/file.mp4' },
  { name: 'an upper-case host with its default port', method: 'signUrl', args: ['https://CDN.example:443/v/a.mp4'], granted: '/v/a.mp4' },
  { name: 'an IPv6 literal with a port', method: 'sign', args: ['http://[2001:db8::1]:8080/v/a.mp4'], granted: '/v/a.mp4' },
  { name: 'a legacy secure-token link', method: 'sign', args: ['/videos/my lesson.mp4', { scheme: 'secure-token', expires: 1800000000 }], granted: '/videos/my lesson.mp4', legacy: true },
];

/** Calls that must fail, with the start of the message both signers give. */
export const MISUSES: ReadonlyArray<{ readonly call: Call; readonly message: string }> = [
  { call: { name: 'a relative URL', method: 'signUrl', args: ['videos/a.mp4'], granted: '' }, message: 'signUrl: url must be an absolute URL or a path starting with "/"' },
  { call: { name: 'a non-canonical path', method: 'sign', args: ['/a/%2e%2e/b'], granted: '' }, message: 'sign: url path is not canonical' },
  { call: { name: 'a ttl above maxTtl', method: 'signToken', args: ['/a', { ttl: '2d' }], granted: '' }, message: 'signToken: option "ttl" is 172800 s, above maxTtl' },
  { call: { name: 'an unknown option', method: 'signCookie', args: ['/a', { expire: 5 }], granted: '' }, message: 'signCookie: option "expire" is unknown' },
  // What the edge must refuse is never minted (issue 20 item 12).
  ...(
    [
      ['a token over 4096 bytes (16 long patterns)', 'signToken', [Array.from({ length: 16 }, (_, i) => `/videos/${'x'.repeat(200)}/${i}/*`)], 'signToken: the token would be'],
      ['a token over 4096 bytes (a long path)', 'sign', [`/v/${'a'.repeat(3500)}.mp4`], 'sign: the token would be'],
      ['a cookie over 4096 bytes', 'signCookie', [Array.from({ length: 16 }, (_, i) => `/c/${'y'.repeat(220)}${i}.mp4`)], 'signCookie: the token would be'],
      ['nbf after exp', 'signUrl', ['/a.mp4', { nbf: NOW + 600, expires: NOW + 60 }], 'signUrl: option "nbf" is not before the expiry'],
      ['nbf at exp', 'signToken', ['/a.mp4', { nbf: NOW + 300 }], 'signToken: option "nbf" is not before the expiry'],
      ['a backslash before userinfo', 'signUrl', ['https://cdn.example\\@evil.example/videos/a.mp4'], 'signUrl: url has an authority a browser reads differently'],
      ['userinfo', 'sign', ['https://cdn.example@evil.example/videos/a.mp4'], 'sign: url has an authority a browser reads differently'],
      ['a tab in the host', 'signUrl', ['https://cdn.exa\tmple/videos/a.mp4'], 'signUrl: url has an authority a browser reads differently'],
      ['a numeric-shorthand host', 'signUrl', ['https://127.1/videos/a.mp4'], 'signUrl: url has an authority a browser reads differently'],
      ['a percent-escape in the host', 'signUrl', ['https://cdn%2Eexample/videos/a.mp4'], 'signUrl: url has an authority a browser reads differently'],
      ['a port with a leading zero', 'signUrl', ['https://cdn.example:0443/videos/a.mp4'], 'signUrl: url has an authority a browser reads differently'],
      ['"/*" without grantAll (signUrl)', 'signUrl', ['/videos/a.mp4', { grant: '/*' }], 'signUrl: option "grant" holds "/*", every path of the edge; narrow it, or opt in with option "grantAll"'],
      ['"/*" without grantAll (signToken)', 'signToken', ['/*'], 'signToken: option "grant" holds "/*"'],
      ['"/*" with grantAll false (signCookie)', 'signCookie', [['/a.mp4', '/*'], { grantAll: false }], 'signCookie: option "grant" holds "/*"'],
      // Milliseconds where Unix seconds belong (issue 14 item 5).
      ['expires in milliseconds', 'sign', ['/a.mp4', { expires: NOW * 1000 + 60000 }], 'sign: option "expires" is above 10^11, a time in milliseconds (Date.now()), not Unix seconds; divide it by 1000'],
      ['nbf in milliseconds', 'signToken', ['/a.mp4', { nbf: NOW * 1000 }], 'signToken: option "nbf" is above 10^11, a time in milliseconds'],
      ['a cookie domain with a scheme', 'signCookie', ['/a.mp4', { domain: 'https://cdn.example' }], 'signCookie: option "domain" must be a host name such as "example.com"'],
      ['a cookie domain with a leading dot', 'signCookie', ['/a.mp4', { domain: '.example.com' }], 'signCookie: option "domain" must be a host name'],
      ['a cookie domain with an attribute', 'signCookie', ['/a.mp4', { domain: 'example.com; Secure' }], 'signCookie: option "domain" must be a host name'],
      ['a lower-case sameSite', 'signCookie', ['/a.mp4', { sameSite: 'lax' }], 'signCookie: option "sameSite" must be "Lax", "Strict" or "None"'],
      ['a cookie option on signToken', 'signToken', ['/a.mp4', { domain: 'example.com' }], 'signToken: option "domain" is unknown'],
      ['grantAll not a boolean', 'signToken', ['/*', { grantAll: 'yes' }], 'signToken: option "grantAll" must be true or false'],
    ] as const
  ).map(([name, method, args, message]) => ({ call: { name, method, args: [...args], granted: '' }, message })),
];

/** A signing result as JSON (a cookie's serializer replaced by its output). */
export function toJson(result: unknown): unknown {
  if (typeof result === 'object' && result !== null && 'serialize' in result) {
    const { serialize, ...rest } = result as { serialize(): string };
    return { ...rest, setCookie: serialize() };
  }
  return result;
}

/** The JWT inside a result: a URL's token, `sign`'s token, a cookie's value, or the bare token. */
export function jwtOf(result: unknown): string {
  if (typeof result === 'object' && result !== null) {
    const r = result as { token?: string; value?: string };
    return (r.token ?? r.value) as string;
  }
  const url = result as string;
  return /[?&]token=([^&#]+)/.exec(url)?.[1] ?? /\/_token\/([^/]+)\//.exec(url)?.[1] ?? url;
}
