// Builds a CloudFront Function (viewer-request, cloudfront-js-2.0) in Node:
// the keyring and options are validated here, once, and only the data the
// function needs is written into it, so no validation code ships in its 10 KB.
// `urlseal build cloudfront` is this plus reading flags and writing files.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CloudFrontConfig } from '../runtimes/cloudfront/cloudfront.js';
import { KVS_KID_PREFIX, KVS_SECURE_TOKEN_PREFIX, KVS_MAX_SECURE_TOKEN_SECRETS } from '../runtimes/cloudfront/cloudfront-kvs.js';
import type { Keyring } from '../contract/keyring.js';
import type { Scheme } from '../core/decide.js';
import { CLOUDFRONT_CONFIG_NAMES, renameMembers } from './cloudfront-names.js';
import { builtConfig, type BuildOptions } from './config.js';

/**
 * AWS's hard limit on a CloudFront Function's code, in bytes.
 *
 * @example
 * ```ts
 * import { CLOUDFRONT_MAX_BYTES, buildCloudFrontFunction } from '@urlseal/edge/build';
 * const built = buildCloudFrontFunction({ keyring: process.env.URLSEAL_KEYRING! });
 * console.log(`${built.bytes} of ${CLOUDFRONT_MAX_BYTES} bytes`);
 * ```
 */
export const CLOUDFRONT_MAX_BYTES = 10_240;

/**
 * What {@link buildCloudFrontFunction} takes: the verifier's options that a
 * CloudFront Function honours, the scheme it verifies, and where its secrets live.
 *
 * @example
 * ```ts
 * import type { CloudFrontBuildOptions } from '@urlseal/edge/build';
 * const options: CloudFrontBuildOptions = { keyring: { kids: { '2026-11': process.env.HS256_SECRET! } }, kvs: true };
 * ```
 */
export interface CloudFrontBuildOptions extends BuildOptions {
  /** The keyring (SPEC §3); with `kvs` it only fills `kvsData` and may be left out. */
  keyring?: BuildOptions['keyring'];
  /**
   * What the function verifies: by default the keyring's, `jwt` when it has
   * HS256 keys, `secure-token` when it has only legacy secrets, `both` when it
   * has both (a migration from legacy links to JWTs on the same paths). A
   * function of one scheme answers the other as an edge with no key for it.
   */
  scheme?: CloudFrontScheme | undefined;
  /** Read the secrets per request from the KeyValueStore associated with the function. */
  kvs?: boolean | undefined;
  /**
   * With `kvs` and a JWT scheme: look revocation entries up in the same KeyValueStore
   * (`sub:<user>` → notBefore, `sid:<session>` → until; docs/spec.md §9 "Revocation"), with
   * `onStoreError` chosen as for `createVerifier`'s `revocation` (no default). The function
   * leaves country rules out to make room: a token with a `geo` claim answers 403 ERR_GEO_MISMATCH.
   */
  revocation?: { onStoreError: 'deny' | 'allow' } | undefined;
}

/**
 * What a CloudFront Function verifies: one scheme, or both.
 *
 * @example
 * ```ts
 * import type { CloudFrontScheme } from '@urlseal/edge/build';
 * const scheme: CloudFrontScheme = 'both';
 * ```
 */
export type CloudFrontScheme = Scheme | 'both';

/**
 * One KeyValueStore entry, as `aws cloudfront-keyvaluestore put-key` and the S3 import file take it.
 *
 * @example
 * ```ts
 * import { buildCloudFrontFunction, type KeyValueEntry } from '@urlseal/edge/build';
 * const entries: readonly KeyValueEntry[] = buildCloudFrontFunction({ keyring: process.env.URLSEAL_KEYRING!, kvs: true }).kvsData ?? [];
 * console.log(JSON.stringify({ data: entries })); // the file `aws cloudfront create-key-value-store --import-source` reads
 * ```
 */
export interface KeyValueEntry {
  readonly key: string;
  readonly value: string;
}

/**
 * A built function: its code, size and scheme, the KeyValueStore entries to
 * put (with `kvs` and a keyring), and notes on what the function answers
 * differently from the keyring (e.g. keys it cannot verify).
 *
 * @example
 * ```ts
 * import { buildCloudFrontFunction, type CloudFrontFunction } from '@urlseal/edge/build';
 * const built: CloudFrontFunction = buildCloudFrontFunction({ keyring: process.env.URLSEAL_KEYRING! });
 * console.log(built.bytes, built.notes.join('\n'));
 * ```
 */
export interface CloudFrontFunction {
  readonly code: string;
  readonly bytes: number;
  readonly scheme: CloudFrontScheme;
  readonly kvs: boolean;
  /** What a store fault answers when the function looks revocations up; absent when it does not. */
  readonly revocation: 'deny' | 'allow' | undefined;
  readonly kvsData: readonly KeyValueEntry[] | undefined;
  readonly notes: readonly string[];
}

const BUNDLES = {
  jwt: 'cloudfront-jwt.js',
  'jwt-kvs': 'cloudfront-jwt-kvs.js',
  both: 'cloudfront-both.js',
  'both-kvs': 'cloudfront-both-kvs.js',
  'jwt-kvs-revoke': 'cloudfront-jwt-kvs-revoke.js',
  'both-kvs-revoke': 'cloudfront-both-kvs-revoke.js',
  'secure-token': 'cloudfront-secure-token.js',
  'secure-token-kvs': 'cloudfront-secure-token-kvs.js',
} as const;

// From src/build or dist/build, the package root is two folders up.
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const RUNTIME = 'CloudFront Functions';

function fail(problem: string): never {
  throw new TypeError(`buildCloudFrontFunction: ${problem}`);
}

function readBundle(name: keyof typeof BUNDLES): string {
  const file = `${PACKAGE_ROOT}dist/${BUNDLES[name]}`;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fail(`cannot read ${file}; build @urlseal/edge first (npm run build)`);
  }
}

function defaultScheme(keyring: Keyring): CloudFrontScheme {
  const hs256 = [...keyring.keys.values()].some((entry) => entry.alg === 'HS256');
  const legacy = keyring.secureToken.length > 0;
  if (hs256 && legacy) return 'both';
  if (!hs256 && !legacy) {
    const rsa = [...keyring.keys.values()].some((entry) => entry.rsa !== undefined);
    if (rsa) {
      fail('CloudFront Functions cannot verify RS256 or PS256 (their crypto module has no RSA), and this keyring holds only RSA or other public keys; verify those tokens on another edge (urlseal serve, Workers, Azion, Vercel, Deno), or add a kids secret (urlseal keygen) for HS256 links');
    }
    fail('CloudFront Functions verify HS256 JWTs and secure-token only (no public-key or SHA-384/512 verify in their runtime), and this keyring holds neither; add a kids secret (urlseal keygen) or a secureToken secret, or verify on another edge (urlseal serve, Workers, Azion)');
  }
  return hs256 ? 'jwt' : 'secure-token';
}

/**
 * Validates a keyring and options once (as `createVerifier` does: `TypeError`
 * naming the option, `UrlsealError` for a bad keyring) and writes the
 * CloudFront Function that verifies with them: the bundle for the scheme, the
 * secrets (HS256 keys or secure-token secrets, or none with `kvs`), and the
 * top-level `handler`. Throws a `RangeError` when the result exceeds
 * {@link CLOUDFRONT_MAX_BYTES}.
 *
 * @example
 * ```ts
 * import { buildCloudFrontFunction } from '@urlseal/edge/build';
 * const { code, bytes } = buildCloudFrontFunction({ keyring: process.env.URLSEAL_KEYRING! });
 * ```
 */
export function buildCloudFrontFunction(options: CloudFrontBuildOptions): CloudFrontFunction {
  const kvs = options.kvs === true;
  const { scheme: schemeOption, kvs: _kvs, revocation: revocationOption, ...buildOptions } = options;
  if (schemeOption !== undefined && schemeOption !== 'jwt' && schemeOption !== 'secure-token' && schemeOption !== 'both') {
    fail('scheme must be "jwt", "secure-token" or "both"');
  }
  const revocation = readRevocationOption(revocationOption, kvs);
  if (options.keyring === undefined && !kvs) fail('a keyring is required unless the secrets come from a KeyValueStore (kvs)');
  const probe = builtConfig('buildCloudFrontFunction', buildOptions, { jwt: false, secureToken: false, runtime: RUNTIME, keyringOptional: true });
  const scheme = schemeOption ?? (probe.keyring === undefined ? 'jwt' : defaultScheme(probe.keyring));
  const jwt = scheme !== 'secure-token';
  const secureToken = scheme !== 'jwt';
  if (revocation !== undefined && !jwt) fail('revocation needs JWTs (their sub and sid claims): secure-token links carry neither; build the JWT function (scheme "jwt") with it');
  // A function reads only the secrets of the schemes it verifies: the other list stays out.
  const { config: full, keyring, notes: keyNotes } = builtConfig('buildCloudFrontFunction', buildOptions, { jwt, secureToken, runtime: RUNTIME, keyringOptional: true, revocation: revocation !== undefined });
  const notes = [...keyNotes];
  const kvsData: KeyValueEntry[] = [];
  if (jwt) {
    if (keyring !== undefined && ![...keyring.keys.values()].some((entry) => entry.alg === 'HS256')) fail(`scheme "${scheme}" needs an HS256 key in the keyring (kids, or an oct key with alg HS256)`);
    if (!secureToken && keyring !== undefined && keyring.secureToken.length > 0) notes.push('secureToken secrets are left out: this function answers secure-token links 401 ERR_ALG_NOT_ALLOWED (--scheme both verifies them too)');
    notes.push('tokens with an "ip" claim are denied (403 ERR_IP_MISMATCH), and aud/iss are not checked: a CloudFront Function has no room for them');
    if (revocation === undefined) {
      notes.push('"geo" claims are checked against the CloudFront-Viewer-Country header: name it in the behaviour\'s cache policy or origin request policy, or every token with a geo claim answers 403 ERR_GEO_MISMATCH');
    } else {
      notes.push('tokens with a "geo" claim are denied (403 ERR_GEO_MISMATCH): a function that looks revocations up has no room for country rules');
      notes.push(`revocations are read from the KeyValueStore (sub:<user>, sid:<session>; no cache, the delay is the store's propagation); a store fault ${revocation === 'deny' ? 'answers 503 ERR_REVOCATION_UNAVAILABLE' : 'lets the token pass'} (onStoreError "${revocation}")`);
    }
    notes.push('sealed tokens (five segments) are denied 401 ERR_ALG_NOT_ALLOWED: CloudFront Functions have no AES');
    // In a KeyValueStore every kid has its entry: the secret after its alg, or the alg alone.
    for (const [kid, alg, secret] of full.keys ?? []) kvsData.push({ key: KVS_KID_PREFIX + kid, value: secret === undefined ? String(alg) : `HS256:${secret}` });
  }
  if (secureToken) {
    const secrets = full.secureToken ?? [];
    if (keyring !== undefined && secrets.length === 0) fail(`scheme "${scheme}" needs secureToken secrets in the keyring`);
    if (secrets.length > KVS_MAX_SECURE_TOKEN_SECRETS && kvs) fail(`a KeyValueStore function reads at most ${KVS_MAX_SECURE_TOKEN_SECRETS} secureToken secrets`);
    secrets.forEach((secret, index) => kvsData.push({ key: KVS_SECURE_TOKEN_PREFIX + index, value: secret }));
    if (!jwt && keyring !== undefined && keyring.keys.size > 0) notes.push('JWT keys are left out: this function answers every JWT 401 (ERR_KID_UNKNOWN, or ERR_TOKEN_MALFORMED)');
  }
  const code = functionCode(full, scheme, kvs, revocation);
  const bytes = Buffer.byteLength(code);
  if (bytes > CLOUDFRONT_MAX_BYTES) {
    const fix =
      revocation !== undefined && scheme === 'both'
        ? 'the both-schemes function has no room for the revocation lookup: build one function per scheme for two cache behaviours (--scheme jwt with the revocation lookup, --scheme secure-token), or both schemes without revocation'
        : kvs
          ? 'shorten the options written into it (statuses, params)'
          : 'each inlined key costs about 70 bytes: keep fewer keys in this keyring, or read them from a KeyValueStore (kvs)';
    const split = scheme === 'both' && revocation === undefined ? '; or build one function per scheme (--scheme jwt, --scheme secure-token) for two cache behaviours' : '';
    throw new RangeError(`buildCloudFrontFunction: the function is ${bytes} bytes and CloudFront takes at most ${CLOUDFRONT_MAX_BYTES}; ${fix}${split}`);
  }
  return { code, bytes, scheme, kvs, revocation, kvsData: keyring === undefined ? undefined : kvsData, notes };
}

/** The `revocation` option: `{ onStoreError: 'deny' | 'allow' }` with `kvs`, or absent. */
function readRevocationOption(value: CloudFrontBuildOptions['revocation'], kvs: boolean): 'deny' | 'allow' | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Object.keys(value).some((name) => name !== 'onStoreError')) fail('revocation must be an object { onStoreError: "deny" | "allow" }');
  if (value.onStoreError !== 'deny' && value.onStoreError !== 'allow') fail('revocation.onStoreError is required: "deny" (a store fault answers 503) or "allow" (it passes)');
  if (!kvs) fail('revocation reads its entries from the function\'s KeyValueStore: add kvs (--kvs)');
  return value.onStoreError;
}

/**
 * A secret as the function inlines it (crypto/module.ts inlineSecret): `~` and
 * its bytes as text when they are printable ASCII (what `urlseal keygen`
 * makes: 43 bytes where base64url takes 58), else its base64url as it is.
 */
function inlinedSecret(base64url: string): string {
  const text = Buffer.from(base64url, 'base64url').toString('latin1');
  return /^[\x20-\x7e]*$/.test(text) ? `~${text}` : base64url;
}

/** The function's code: the bundle, the config (short member names, cloudfront-names.ts) and the top-level `handler`. */
function functionCode(full: CloudFrontConfig, scheme: CloudFrontScheme, kvs: boolean, revocation: 'deny' | 'allow' | undefined): string {
  // With a KeyValueStore the secrets are read per request: none is inlined.
  const { keys, secureToken, ...shared } = full;
  const config: CloudFrontConfig = kvs
    ? shared
    : {
        ...full,
        // A kid it cannot verify needs no alg there (crypto/module.ts UNVERIFIABLE_KEY): the kid alone.
        ...(keys === undefined ? {} : { keys: keys.map((entry) => (entry[2] === undefined ? [entry[0] as string] : [entry[0] as string, '', inlinedSecret(entry[2])])) }),
        ...(secureToken === undefined ? {} : { secureToken: secureToken.map(inlinedSecret) }),
      };
  const revoke = revocation !== undefined && scheme !== 'secure-token';
  const bundle = readBundle(revoke ? (`${scheme}-kvs-revoke` as 'jwt-kvs-revoke') : kvs ? `${scheme}-kvs` : scheme).trim();
  // One short line: every byte counts against the 10 KB.
  const head = `// urlseal ${scheme}${kvs ? ' kvs' : ''}${revoke ? ' revocation' : ''}`;
  const call = `urlseal(${JSON.stringify(renameMembers(config, CLOUDFRONT_CONFIG_NAMES))},require("crypto")${kvs ? ',cf.kvs()' : ''}${revoke ? `,"${revocation}"` : ''})`;
  return kvs
    ? `import cf from 'cloudfront';\n${head}\n${bundle}\nvar h=${call};\nasync function handler(e){return h(e)}\n`
    : `${head}\n${bundle}\nvar h=${call};\nfunction handler(e){return h(e)}\n`;
}
