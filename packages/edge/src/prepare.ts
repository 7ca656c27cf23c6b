// A verifier's options, keys and policies, prepared once (validated, imported,
// defaults filled in) into the plain data `decide` reads on every request.
import type { TokenParams } from './carriers.js';
import type { CryptoBackend, SecureTokenCheck, SignatureCheck } from './crypto/backend.js';
import type { DenialCode } from './errors.js';
import { SIGNATURE_BYTES, base64urlLength, createJwtParser, type ClaimPolicy, type ParsedJwt } from './jwt.js';
import type { JwtAlgorithm } from './keyring.js';
import { readVerifierOptions, type VerifierOptions } from './options.js';

/** One JWT key, ready to verify with. */
export interface PreparedKey {
  readonly alg: JwtAlgorithm;
  /** Length of the signature segment this key's algorithm produces. */
  readonly signatureLength: number;
  readonly check: SignatureCheck;
}

/** Everything `decide` needs, prepared once per verifier. */
export interface Prepared {
  /** JWT keys by kid (a `Map`: `constructor` or `__proto__` resolve to nothing). */
  readonly keys: ReadonlyMap<string, PreparedKey>;
  /** One check per legacy secure-token secret (rotation). */
  readonly secureToken: readonly SecureTokenCheck[];
  readonly parseJwt: (token: string) => ParsedJwt | undefined;
  readonly policy: ClaimPolicy;
  /** The optional extra allowlist of algorithms. */
  readonly algorithms: ReadonlySet<string> | undefined;
  readonly params: TokenParams;
  readonly statuses: Readonly<Record<DenialCode, number>>;
  /** Now in Unix milliseconds; throws or gives NaN when the clock fails. */
  readonly clock: () => number;
  /** Origins that may read denials, `'*'` for any, or none. */
  readonly cors: ReadonlySet<string> | '*' | undefined;
}

/**
 * Validates options (`TypeError` naming the option; an invalid keyring throws
 * `UrlsealError` `ERR_KEYRING_INVALID`) and imports every key once with `backend`.
 */
export function prepareVerifier(backend: CryptoBackend, options: VerifierOptions): Prepared {
  const { keyring, maxTtl, leeway, audience, issuer, algorithms, statuses, params, clock, cors } = readVerifierOptions(options);
  const keys = new Map<string, PreparedKey>();
  for (const [kid, entry] of keyring.keys) {
    const signatureLength = base64urlLength(SIGNATURE_BYTES[entry.alg]);
    keys.set(kid, Object.freeze({ alg: entry.alg, signatureLength, check: backend.importKey(entry) }));
  }
  return Object.freeze({
    keys,
    secureToken: Object.freeze(keyring.secureToken.map((secret) => backend.importSecureTokenSecret(secret))),
    parseJwt: createJwtParser((segment) => backend.decodeText(segment)),
    policy: Object.freeze({ leeway, maxTtl, audience, issuer }),
    algorithms,
    params,
    statuses: Object.freeze(statuses),
    clock,
    cors,
  });
}
