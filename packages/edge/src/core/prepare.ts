// A verifier's options, keys and policies, prepared once (validated, imported,
// defaults filled in) into the plain data `decide` reads on every request.
import type { TokenParams } from '../contract/carriers.js';
import type { CryptoBackend, SecureTokenCheck, SignatureCheck } from './crypto/backend.js';
import type { DenialCode } from '../contract/codes.js';
import { checkSecureToken, isThenable, type Checked, type Client, type MaybeAsync } from './decide.js';
import {
  SIGNATURE_BYTES,
  base64urlLength,
  checkClaims,
  createCachingJwtParser,
  type Allowlist,
  type CheckedClaims,
  type ClaimFailure,
  type ClaimPolicy,
  type ParsedJwt,
  type TextDecoderFn,
} from '../contract/jwt.js';
import type { JwtAlgorithm, KeyEntry } from '../contract/keyring.js';
import { readVerifierOptions, type ResolvedOptions, type VerifierOptions } from './options.js';
import { checkToken, createSealedParser, type SealedPolicy } from './sealed.js';
import { uncheckedKeyProblem } from '../contract/key-checks.js';
import { UrlsealError } from '../contract/errors.js';
import type { PreparedRevocation } from './revocation.js';
import type { KeySource, Prepared, PreparedKey } from './types.js';

export type { KeySource, Prepared, PreparedKey } from './types.js';

/**
 * The `jwt` scheme's checks: the token's (a JWS or a sealed token, as the `sealed` mode
 * allows), the sealed-token parser, and the claims'. {@link JWT_CHECKS} are the core's; the
 * Worker passes its own, which load the sealed-token and `ip` code on first use (issue 16).
 */
export interface JwtChecks {
  readonly check: Prepared['checkJwt'];
  readonly parser: (decode: TextDecoderFn) => SealedPolicy['parse'];
  readonly claims: Prepared['checkClaims'];
}

/** The core's: core/sealed.ts's check and parser, contract/jwt.ts's claim checks. */
export const JWT_CHECKS: JwtChecks = { check: checkToken, parser: createSealedParser, claims: checkClaims };

/** The `jwt` check, then the revocation check on a granted token: never a lookup for a token denied before. */
function withRevocation(checkToken: Prepared['checkJwt'], revocation: PreparedRevocation): Prepared['checkJwt'] {
  return (p, token, path, client) => {
    const checked = checkToken(p, token, path, client);
    return isThenable(checked) ? checked.then((settled) => revocation.check(p, settled)) : revocation.check(p, checked);
  };
}

/**
 * Validates options (`TypeError` naming the option; an invalid keyring throws
 * `UrlsealError` `ERR_KEYRING_INVALID`) and imports every key once with `backend`.
 */
export function prepareVerifier(backend: CryptoBackend, options: VerifierOptions): Prepared {
  return prepareResolved(backend, readVerifierOptions(options), uncheckedKeyProblem, JWT_CHECKS);
}

/**
 * {@link prepareVerifier} for options already read: an edge that reads its own settings
 * (the Worker's bindings) and its keyring without `createKeyring` (a keyring built at
 * deploy time) starts here, so its bundle need not hold the option and keyring readers.
 * `keyProblem` says why a key entry's public key is unusable (issue 20): key-checks.ts's
 * `uncheckedKeyProblem`, or, for a keyring of HMAC keys only, a function answering none.
 * `jwtChecks`: {@link JWT_CHECKS}, or a bundle's own way to them.
 */
export function prepareResolved(
  backend: CryptoBackend,
  resolved: ResolvedOptions,
  keyProblem: (entry: KeyEntry) => string | undefined,
  jwtChecks: JwtChecks,
): Prepared {
  const { keyring, maxTtl, leeway, audience, issuer, algorithms, statuses, params, clock, cors, sealed, cmcd, revocation } = resolved;
  const keys = new Map<string, PreparedKey>();
  for (const [kid, entry] of keyring.keys) {
    // A Keyring built by hand skipped createKeyring's key checks: made here, once (issue 20).
    const problem = keyProblem(entry);
    if (problem !== undefined) {
      const named = /^[A-Za-z0-9._-]{1,64}$/.test(kid) ? `kid "${kid}"` : 'a kid that is not valid';
      throw new UrlsealError('ERR_KEYRING_INVALID', `keyring key (${named}): the public key ${problem}; use the key pair's real public part`);
    }
    // An RSA signature is as long as the modulus: its canonical base64url is as long as `n`'s.
    const signatureLength = entry.rsa !== undefined ? entry.rsa.n.length : base64urlLength(SIGNATURE_BYTES[entry.alg]);
    // The content key is derived here, once per kid, never per request; not at all when sealed tokens are denied.
    const unseal = sealed !== 'deny' && entry.alg === 'HS256' && entry.secret !== undefined ? sealOpener(backend, entry.secret) : undefined;
    keys.set(kid, Object.freeze({ alg: entry.alg, signatureLength, check: backend.importKey(entry), unseal }));
  }
  const secureToken = Object.freeze(keyring.secureToken.map((secret) => backend.importSecureTokenSecret(secret)));
  return Object.freeze({
    // A Map: a kid such as `constructor` or `__proto__` resolves to nothing.
    keys,
    secureToken: () => secureToken,
    parseJwt: createCachingJwtParser((segment) => backend.decodeText(segment)),
    policy: Object.freeze({ leeway, maxTtl, audience, issuer }),
    // Revocation runs on what every other JWT check granted (issue 18): a secure-token carries no sub or sid.
    checkJwt: revocation === undefined ? jwtChecks.check : withRevocation(jwtChecks.check, revocation),
    checkSecureToken,
    checkClaims: jwtChecks.claims,
    algorithms,
    params,
    pathPrefix: `/${params.pathSegment}/`,
    statuses: Object.freeze(statuses),
    // NaN when a currentDate function fails (readVerifierOptions): decide answers 503, the server's fault.
    clock,
    cors,
    dropCmcd: cmcd === 'drop',
    sealed: Object.freeze({ mode: sealed, parse: jwtChecks.parser((segment) => backend.decodeText(segment)) }),
  });
}

/** A kid's sealed-token opener: the backend's AES-GCM over the derived key, then strict UTF-8. */
function sealOpener(backend: CryptoBackend, secret: Uint8Array): NonNullable<PreparedKey['unseal']> {
  const open = backend.importSealSecret(secret);
  const text = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : backend.decodeBytes(bytes));
  return (aad, iv, ciphertext, tag) => {
    const bytes = open(aad, iv, ciphertext, tag);
    return isThenable(bytes) ? bytes.then(text) : text(bytes);
  };
}
