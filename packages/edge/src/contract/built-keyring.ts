// A keyring as `urlseal build worker` writes it (issue 16, docs/spec.md §9 "Built
// keyrings"): validated once in Node by createKeyring, then written as one line of
// text that the Worker reads without the JSON validator (keyring.ts, json-scan.ts),
// so that code need not load in the Worker. The reader still refuses anything it
// would not have written: the format marker, the fields of each key, a kid outside
// SPEC §3's pattern or seen twice, a secret shorter than 32 bytes. Public keys
// (EC, OKP, RSA) are checked for degenerate values by prepareResolved, as for any
// keyring createKeyring did not check. Nothing here echoes the text: it is a secret.
import { UrlsealError } from './errors.js';
import type { JwtAlgorithm, KeyEntry, Keyring } from './keyring.js';
import { decodeBase64url, encodeBase64url, isCanonicalBase64url } from '../lib/base64url.js';
import { hasOwn } from '../lib/own.js';

/**
 * The first field of a built keyring: the format and its version.
 *
 * @example
 * ```ts
 * import { BUILT_KEYRING_MARKER } from '@urlseal/edge/contract';
 * BUILT_KEYRING_MARKER; // 'urlseal-keyring/1'
 * ```
 */
export const BUILT_KEYRING_MARKER = 'urlseal-keyring/1';

// keyring.ts's limits, restated so this module does not bring the JSON validator with it.
const KID = /^[A-Za-z0-9._-]{1,64}$/;
const MIN_SECRET_BYTES = 32;
const MAX_KEYS = 1000;
const MAX_BYTES = 1 << 20;
/** Base64url fields after `alg:kid` per algorithm: a secret; EC x, y; OKP x; RSA n, e. */
const FIELDS: Readonly<Record<string, number>> = { HS256: 1, HS384: 1, HS512: 1, ES256: 2, EdDSA: 1, RS256: 2, PS256: 2 };

function refuse(): never {
  throw new UrlsealError('ERR_KEYRING_INVALID', 'keyring: not a keyring urlseal build worker wrote (or it was changed since); build it again');
}

function secret(field: string): Uint8Array {
  const bytes = decodeBase64url(field);
  if (bytes === undefined || bytes.length < MIN_SECRET_BYTES) return refuse();
  return bytes;
}

/**
 * Writes a validated keyring as one line: the marker, then one field per key,
 * `ALG:KID:BASE64URL[:BASE64URL]` (an HMAC secret; EC `x:y`; OKP `x`; RSA
 * `n:e`), then `st:SECRET` per secure-token secret, in order. Private parts of
 * EC/OKP keys and `active` are left out: an edge only verifies.
 *
 * @example
 * ```ts
 * import { createKeyring, writeBuiltKeyring } from '@urlseal/edge/contract';
 * const line = writeBuiltKeyring(createKeyring({ kids: { '2026-11': 'a-demo-secret-of-at-least-32-bytes!!' } }));
 * line.startsWith('urlseal-keyring/1 HS256:2026-11:'); // true
 * ```
 */
export function writeBuiltKeyring(keyring: Keyring): string {
  const fields = [BUILT_KEYRING_MARKER];
  for (const entry of keyring.keys.values()) {
    const parts =
      entry.secret !== undefined
        ? [encodeBase64url(entry.secret)]
        : entry.rsa !== undefined
          ? [entry.rsa.n, entry.rsa.e]
          : entry.jwk?.kty === 'EC'
            ? [entry.jwk.x, entry.jwk.y ?? '']
            : [entry.jwk?.x ?? ''];
    fields.push([entry.alg, entry.kid, ...parts].join(':'));
  }
  for (const bytes of keyring.secureToken) fields.push(`st:${encodeBase64url(bytes)}`);
  return fields.join(' ');
}

/**
 * Reads a line {@link writeBuiltKeyring} wrote (surrounding white space aside)
 * into a `Keyring`; anything else throws `UrlsealError` `ERR_KEYRING_INVALID`
 * with one fixed message. The entries are not marked as checked: a verifier
 * checks their public keys when it is made.
 *
 * @example
 * ```ts
 * import { createKeyring, readBuiltKeyring, writeBuiltKeyring } from '@urlseal/edge/contract';
 * const line = writeBuiltKeyring(createKeyring({ kids: { '2026-11': 'a-demo-secret-of-at-least-32-bytes!!' } }));
 * readBuiltKeyring(line).keys.get('2026-11')?.alg; // 'HS256'
 * ```
 */
export function readBuiltKeyring(text: string): Keyring {
  if (text.length > MAX_BYTES) refuse();
  const fields = text.trim().split(' ');
  if (fields[0] !== BUILT_KEYRING_MARKER || fields.length > MAX_KEYS * 2 + 1) refuse();
  const keys = new Map<string, KeyEntry>();
  const secureToken: Uint8Array[] = [];
  for (let i = 1; i < fields.length; i++) {
    const part = (fields[i] as string).split(':');
    const alg = part[0] as string;
    const kid = part[1] as string;
    if (alg === 'st' && part.length === 2) {
      secureToken.push(secret(kid));
      continue;
    }
    const count = hasOwn(FIELDS, alg) ? FIELDS[alg] : undefined;
    if (count === undefined || part.length !== count + 2 || !KID.test(kid) || keys.has(kid) || keys.size >= MAX_KEYS) refuse();
    const [x, y] = [part[2] as string, part[3] as string];
    if (!isCanonicalBase64url(x) || (count === 2 && !isCanonicalBase64url(y))) refuse();
    const entry: KeyEntry = alg.startsWith('HS')
      ? { kid, alg: alg as JwtAlgorithm, secret: secret(x), canSign: true }
      : alg === 'ES256'
        ? { kid, alg, jwk: Object.freeze({ kty: 'EC', crv: 'P-256', x, y }), canSign: false }
        : alg === 'EdDSA'
          ? { kid, alg, jwk: Object.freeze({ kty: 'OKP', crv: 'Ed25519', x }), canSign: false }
          : { kid, alg: alg as JwtAlgorithm, rsa: Object.freeze({ kty: 'RSA', n: x, e: y }), canSign: false };
    keys.set(kid, Object.freeze(entry));
  }
  if (keys.size === 0 && secureToken.length === 0) refuse();
  return Object.freeze({ keys, active: undefined, secureToken: Object.freeze(secureToken), skipped: Object.freeze([]) });
}
