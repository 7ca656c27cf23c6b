// Edges whose runtime has a subset of Node's `crypto` module (createHmac for
// sha256, createHash for md5) and `Buffer`, but no WebCrypto worth the name:
// CloudFront Functions and nginx's njs. Their functions are built by
// `urlseal build` from a keyring validated in Node (BuiltConfig), so none of
// them carries keyring or option validation. On the JavaScript floor
// (scripts/floor.js).
import type { TokenParams } from '../../contract/carriers.js';
import { DENIAL_STATUS, type DenialCode } from '../../contract/codes.js';
import type { SecureTokenCheck } from './backend.js';
import { createJwtParser } from '../../contract/jwt.js';
import { constantTimeEqualString } from '../../lib/compare.js';
import type { KeySource, Prepared, PreparedKey } from '../prepare.js';

/**
 * What `urlseal build` writes into an edge function: the keyring and options,
 * validated and resolved in Node. JSON, so a kid such as `__proto__` stays data.
 */
export interface BuiltConfig {
  /**
   * JWT keys as `[kid, alg, secret]`, the secret base64url (or `~` and its text, see
   * inlineSecret); the CloudFront builder writes a kid without a secret as `[kid]`
   * (its alg is not read there). Only HS256 carries a secret:
   * a key of another algorithm is listed without one, so its tokens answer
   * `ERR_ALG_NOT_ALLOWED` (these runtimes have no public-key or SHA-384/512 verify).
   * Absent when the keys are read per request (a CloudFront KeyValueStore).
   */
  readonly keys?: readonly (readonly string[])[];
  /** Secure-token secrets, base64url (or `~` and text, see inlineSecret), the signing one first. Absent when read per request. */
  readonly secureToken?: readonly string[];
  /**
   * Sealed-token content keys as `[kid, base64url key]` (HKDF of each HS256 secret,
   * docs/spec.md §9), derived at build time. nginx only: CloudFront Functions have no AES.
   */
  readonly sealKeys?: readonly (readonly string[])[];
  /**
   * RSA public keys as `[kid, base64url SPKI DER, signature length, alg]` (the JWK's `n`
   * and `e` converted at build time; the length is `n`'s base64url length; alg RS256 or
   * PS256). nginx only: njs's WebCrypto imports RSA keys as `spki`; CloudFront Functions
   * have no RSA.
   */
  readonly rsaKeys?: readonly (readonly [string, string, number, string])[];
  readonly maxTtl: number;
  readonly leeway: number;
  /** Statuses that differ from SPEC §7 (`statuses`); the rest are SPEC's. */
  readonly statuses?: Readonly<Partial<Record<DenialCode, number>>>;
  /** One status for every denial (the `cloudfront` preset), instead of `statuses`: 10 KB count every byte. */
  readonly everyStatus?: number;
  readonly params: TokenParams;
}

/** The parts of the runtime's `crypto` module these functions use (Node's API, fewer algorithms). */
export interface CryptoModule {
  createHmac(algorithm: 'sha256', key: Uint8Array): Digest;
  createHash(algorithm: 'md5'): Digest;
}

/** A hash or HMAC in progress. */
export interface Digest {
  update(data: string | Uint8Array): Digest;
  digest(encoding: 'base64url'): string;
}

const HS256 = 'HS256';
const HS256_SIGNATURE_LENGTH = 43; // base64url of 32 bytes

/** The bytes of a base64url secret. */
export function bytes(base64url: string): Uint8Array {
  return Buffer.from(base64url, 'base64url');
}

/**
 * The bytes of a secret as `urlseal build` inlines it: `~` and the bytes as
 * text when they are all printable ASCII (a secret made by `urlseal keygen`:
 * 43 bytes where base64url takes 58), else base64url, whose alphabet has no `~`.
 */
export function inlineSecret(value: string): Uint8Array {
  return value.charAt(0) === '~' ? Buffer.from(value.slice(1)) : bytes(value);
}

/**
 * A JWS segment as strict UTF-8 text. Buffer would repair invalid UTF-8 with
 * U+FFFD; decodeURIComponent over the hex bytes refuses it, as SPEC §4 wants.
 */
export function decodeSegmentText(segment: string): string | undefined {
  try {
    return decodeURIComponent(Buffer.from(segment, 'base64url').toString('hex').replace(/../g, '%$&'));
  } catch {
    return undefined;
  }
}

/** An HS256 key checked with the runtime's createHmac. */
export function hs256Key(crypto: CryptoModule, secret: Uint8Array): PreparedKey {
  return {
    alg: HS256,
    signatureLength: HS256_SIGNATURE_LENGTH,
    // The MAC is compared as canonical base64url text (the parser checked the segment).
    check: (signingInput, signature) =>
      constantTimeEqualString(crypto.createHmac('sha256', secret).update(signingInput).digest('base64url'), signature),
  };
}

/** A secure-token secret checked with the runtime's createHash('md5'). */
export function secureTokenCheck(crypto: CryptoModule, secret: Uint8Array): SecureTokenCheck {
  return (path, expires, st) =>
    constantTimeEqualString(crypto.createHash('md5').update(secret).update(path + expires).digest('base64url'), st);
}

/**
 * How an edge function is put together (one entry file per kind): where its
 * secrets come from, and which checks it carries. A CloudFront Function holds
 * 10 KB: one scheme (the other answers as with no key for it) or both, and JWT
 * claims without `ip` and `aud`/`iss` (docs/deploy/cloudfront.md); nginx has
 * room for both schemes and every claim.
 */
export type Wiring = Pick<Prepared, 'keys' | 'secureToken' | 'checkJwt' | 'checkSecureToken' | 'checkClaims' | 'sealed'>;

/**
 * A kid whose algorithm this runtime cannot verify: known, so its tokens answer
 * ERR_ALG_NOT_ALLOWED at the alg step. Its alg is NaN, which equals no header's
 * `alg` (not even NaN), so no `algorithms` list is needed to refuse it.
 */
export const UNVERIFIABLE_KEY: PreparedKey = { alg: NaN as unknown as PreparedKey['alg'], signatureLength: 0, check: () => false };

/**
 * The JWT keys `urlseal build` inlined, in a prototype-less table: with no
 * prototype, every member is its own, so a kid such as `constructor` or
 * `__proto__` names nothing unless the keyring has it (hostile table A4, in
 * node:vm and njs).
 */
export function inlineKeys(config: BuiltConfig, crypto: CryptoModule): KeySource {
  const table: Record<string, PreparedKey> = Object.create(null);
  (config.keys as readonly (readonly string[])[]).forEach((entry) => {
    const secret = entry[2];
    table[entry[0] as string] =
      secret === undefined ? UNVERIFIABLE_KEY : hs256Key(crypto, inlineSecret(secret));
  });
  return { get: (kid) => table[kid] };
}

/** The secure-token secrets `urlseal build` inlined. */
export function inlineSecureToken(config: BuiltConfig, crypto: CryptoModule): () => readonly SecureTokenCheck[] {
  const checks = (config.secureToken as readonly string[]).map((secret) => secureTokenCheck(crypto, inlineSecret(secret)));
  return () => checks;
}

/** Everything `decide` needs, from the built config and the wiring of one kind of function. */
export function prepareBuilt(config: BuiltConfig, wiring: Wiring): Prepared {
  const statuses: Record<DenialCode, number> = Object.assign({}, DENIAL_STATUS, config.statuses);
  const every = config.everyStatus;
  if (every !== undefined) for (const code in statuses) statuses[code as DenialCode] = every;
  return Object.assign(wiring, {
    parseJwt: createJwtParser(decodeSegmentText),
    // The config is the policy (its leeway and maxTtl; no audience or issuer): aud/iss are
    // not checked here, as SPEC §4 says of a verifier not configured with them.
    policy: config,
    params: config.params,
    pathPrefix: `/${config.params.pathSegment}/`,
    statuses,
    // CloudFront freezes Date for a run: every check of one request sees one instant there.
    clock: () => Date.now(),
  });
}

