// What every `urlseal build` target shares: validate the keyring and options
// once in Node (as createVerifier does) and reduce them to the plain data an
// edge function needs (BuiltConfig), so no validation code ships in it.
import type { BuiltConfig } from '../core/crypto/module.js';
import { DENIAL_STATUS, type DenialCode } from '../contract/codes.js';
import { describeKid, type Keyring, type KeyringJson } from '../contract/keyring.js';
import { encodeBase64url } from '../lib/base64url.js';
import { readVerifierOptions, type VerifierOptions } from '../core/options.js';

/**
 * The verifier options a built edge function honours.
 *
 * @example
 * ```ts
 * import type { BuildOptions } from '@urlseal/edge/build';
 * const options: BuildOptions = { keyring: process.env.URLSEAL_KEYRING!, maxTtl: 3600 };
 * ```
 */
export interface BuildOptions {
  /** The keyring (SPEC §3). */
  keyring?: Keyring | KeyringJson | string | undefined;
  maxTtl?: VerifierOptions['maxTtl'];
  clockTolerance?: VerifierOptions['clockTolerance'];
  statuses?: VerifierOptions['statuses'];
  preset?: VerifierOptions['preset'];
  params?: VerifierOptions['params'];
}

/** Which secrets a built function carries, and the runtime named in notes. */
export interface BuildScope {
  readonly jwt: boolean;
  readonly secureToken: boolean;
  /** The runtime's name for notes, e.g. "CloudFront Functions". */
  readonly runtime: string;
  /** True when the secrets may live elsewhere (a KeyValueStore): the keyring may then be left out. */
  readonly keyringOptional?: boolean;
  /** True when the function looks revocations up (a CloudFront KeyValueStore): the revocation codes' statuses travel too. */
  readonly revocation?: boolean;
  /** True when the runtime verifies RS256/PS256 (nginx's njs, from the SPKI its build adds): RSA kids get no note. */
  readonly rsa?: boolean;
}

/** The config, the validated keyring (absent when left out), and notes on kids the runtime cannot verify. */
export interface Built {
  readonly config: BuiltConfig;
  readonly keyring: Keyring | undefined;
  readonly notes: readonly string[];
}

// A stand-in keyring so the other options are validated when the keyring is left out.
const STAND_IN_KEYRING = { secureToken: ['x'.repeat(32)] };

/** Only the statuses that differ from SPEC §7 travel: the function has the defaults. */
function changedStatuses(statuses: Readonly<Record<DenialCode, number>>, revocation: boolean): Partial<Record<DenialCode, number>> | undefined {
  const changed: Partial<Record<DenialCode, number>> = {};
  let any = false;
  for (const code of Object.keys(DENIAL_STATUS) as DenialCode[]) {
    // A built function that consults no revocation source never answers these codes: bytes for nothing.
    if (!revocation && (code === 'ERR_TOKEN_REVOKED' || code === 'ERR_REVOCATION_UNAVAILABLE')) continue;
    if (statuses[code] !== DENIAL_STATUS[code]) {
      changed[code] = statuses[code];
      any = true;
    }
  }
  return any ? changed : undefined;
}

/**
 * Validates the keyring and options (`TypeError` naming the option,
 * `UrlsealError` for a bad keyring) and returns the BuiltConfig for the
 * schemes in scope: HS256 keys with their secret, other kids listed without
 * one (they answer ERR_ALG_NOT_ALLOWED, with a note), secure-token secrets.
 */
export function builtConfig(caller: string, options: BuildOptions, scope: BuildScope): Built {
  const { keyring: keyringOption, ...rest } = options;
  if (keyringOption === undefined && scope.keyringOptional !== true) {
    throw new TypeError(`${caller}: a keyring is required`);
  }
  const resolved = readVerifierOptions({ ...rest, keyring: keyringOption ?? STAND_IN_KEYRING });
  const keyring = keyringOption === undefined ? undefined : resolved.keyring;
  const notes: string[] = [];
  const keys: string[][] = [];
  for (const entry of scope.jwt ? (keyring?.keys.values() ?? []) : []) {
    if (entry.alg === 'HS256' && entry.secret !== undefined) {
      // A key with a secret is HS256 (the only one these functions verify): its alg is left empty, bytes count.
      keys.push([entry.kid, '', encodeBase64url(entry.secret)]);
    } else {
      keys.push([entry.kid, entry.alg]);
      if (scope.rsa === true && entry.rsa !== undefined) continue;
      notes.push(`kid ${describeKid(entry.kid)} (${entry.alg}): ${scope.runtime} cannot verify ${entry.alg}; its tokens answer 401 ERR_ALG_NOT_ALLOWED`);
    }
  }
  const secureToken = scope.secureToken ? (keyring?.secureToken ?? []).map((secret) => encodeBase64url(secret)) : [];
  const statuses = changedStatuses(resolved.statuses, scope.revocation === true);
  // Every denial at one status (the cloudfront preset): one number instead of a map of every code.
  const all = Object.values(resolved.statuses);
  const status = statuses !== undefined && all.every((value) => value === all[0]) ? all[0] : undefined;
  const config: BuiltConfig = {
    ...(scope.jwt ? { keys } : {}),
    ...(scope.secureToken ? { secureToken } : {}),
    maxTtl: resolved.maxTtl,
    leeway: resolved.leeway,
    params: resolved.params,
    ...(status !== undefined ? { everyStatus: status } : statuses === undefined ? {} : { statuses }),
  };
  return { config, keyring, notes };
}
