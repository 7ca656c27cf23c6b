// Cloudflare Workers / workerd module: the verifying edge in front of URLSEAL_ORIGIN.
// Bundled by scripts/build-worker.js into dist/worker.js (Web APIs only). What a plain
// request needs is in dist/worker.js; the keyring JSON validator, the checks of public
// keys, the secure-token check (md5), the reading of URLSEAL_CORS and revocation are
// modules of their own (dist/worker-json-keyring.js, worker-key-checks.js,
// worker-secure-token.js, worker-cors.js, worker-revocation.js), loaded only when the
// bindings ask for them (issue 16): a keyring `urlseal build worker` wrote is read without
// the JSON validator. The sealed-token code (worker-sealed.js) and the reader of `ip`
// claims (worker-ip.js) load with the first token that needs them.
import { BUILT_KEYRING_MARKER, readBuiltKeyring } from '../../contract/built-keyring.js';
import { DEFAULT_TOKEN_PARAMS } from '../../contract/carriers.js';
import { DENIAL_STATUS, type DenialCode } from '../../contract/codes.js';
import type { CryptoBackend, SealOpen } from '../../core/crypto/backend.js';
import { decodeText, webCryptoSignatures } from '../../core/crypto/web.js';
import { isSealedToken } from '../../contract/seal-format.js';
import { checkJwt, isThenable, type Checked, type MaybeAsync } from '../../core/decide.js';
import { DEFAULT_LEEWAY, DEFAULT_MAX_TTL } from '../../contract/defaults.js';
import { handle } from '../../web/handle.js';
import type { Keyring } from '../../contract/keyring.js';
import { readCmcd, readSealed } from '../../core/options.js';
import { checkClaimsWith } from '../../contract/jwt.js';
import type { IpCheck } from '../../contract/ip.js';
import { prepareResolved, type JwtChecks } from '../../core/prepare.js';
import type { Prepared, SealedPolicy } from '../../core/types.js';
import type { KvLike, PreparedRevocation } from '../../core/revocation.js';
import { denialResponse, originFailure } from '../../core/respond.js';
import { verifierOf, type Verifier } from '../../web/verifier.js';

/**
 * Bindings the Worker reads: the keyring (as `urlseal build worker` writes it, or
 * its JSON text) and the origin's base URL; for revocation, the name of a KV
 * namespace binding and what a KV fault answers.
 *
 * @example
 * ```ts
 * import type { WorkerEnv } from '@urlseal/edge/worker';
 * const env: WorkerEnv = {
 *   URLSEAL_KEYRING: '{"kids":{"2026-11":"…"}}',
 *   URLSEAL_ORIGIN: 'https://origin.example.com',
 *   URLSEAL_REVOCATIONS_KV: 'REVOCATIONS',
 *   URLSEAL_ON_STORE_ERROR: 'deny',
 * };
 * ```
 */
export interface WorkerEnv {
  /** The keyring: `urlseal-keyring/1 …` (`urlseal build worker`: read without the JSON validator) or keyring JSON. */
  URLSEAL_KEYRING?: string;
  URLSEAL_ORIGIN?: string;
  /** Comma-separated web origins whose pages may read denials (`cors`), or `*`. */
  URLSEAL_CORS?: string;
  /** Sealed tokens: `allow` (default), `require` or `deny` (the verifier's `sealed` option). */
  URLSEAL_SEALED?: string;
  /** The `CMCD` query parameter: `pass` (default) forwards it to the origin, `drop` leaves it out (the verifier's `cmcd` option). */
  URLSEAL_CMCD?: string;
  /** The name of the KV namespace binding that holds revocations (keys `sub:<user>`, `sid:<session>`). */
  URLSEAL_REVOCATIONS_KV?: string;
  /** Required with `URLSEAL_REVOCATIONS_KV`: `deny` (a KV fault answers 503 `ERR_REVOCATION_UNAVAILABLE`) or `allow` (it passes). */
  URLSEAL_ON_STORE_ERROR?: string;
  /** Seconds a KV answer is reused in an isolate, 0–30 (default 10). */
  URLSEAL_REVOCATION_CACHE?: string;
}

type Settings = readonly (string | undefined)[];
let cache: { settings: Settings; verifier: Promise<Verifier | DenialCode> } | undefined;
// The KV binding of the request being decided: bindings are per deployment, the same namespace for every request.
let kv: KvLike | undefined;

/** The keyring of URLSEAL_KEYRING: as `urlseal build worker` wrote it, else JSON through the full validator. */
async function keyringOf(text: string): Promise<Keyring> {
  if (text.trimStart().startsWith(BUILT_KEYRING_MARKER)) return readBuiltKeyring(text);
  return (await import('./worker-json-keyring.js')).readKeyring(text, 'createVerifier');
}

/** The revocation check over the KV binding (read per request from `kv`), with its own cache. */
async function revocationOf(onStoreError: string | undefined, cacheTtl: string | undefined): Promise<PreparedRevocation | undefined> {
  const { readRevocation, revocationKv } = await import('./worker-revocation.js');
  return readRevocation({ source: revocationKv({ get: (key) => (kv as KvLike).get(key) }), onStoreError, cacheTtl: Number(cacheTtl || 10) });
}

/** A lazy module, loaded once; one that cannot be loaded is the deployment's fault (503, tried again on the next request). */
function loader<M>(load: () => Promise<M>): () => Promise<M> {
  let loaded: Promise<M> | undefined;
  return () =>
    (loaded ??= load().catch(() => {
      loaded = undefined;
      throw { code: 'ERR_KEYRING_UNAVAILABLE' }; // decide keeps a code it knows: never a grant, never the client's fault
    }));
}

const sealedCode = loader(() => import('./worker-sealed.js'));
const ipCode = loader(() => import('./worker-ip.js'));
let parseSealed: SealedPolicy['parse'] | undefined;
let readIp: ((claim: unknown) => IpCheck | undefined) | undefined;
// Set when a token's claims needed the ip reader before it was loaded.
let ipAsked = false;

/** A JWS here, as the core's `checkToken` checks it; a sealed token (or any, when sealed ones are required) by worker-sealed.js. */
const jwsOrSealed: Prepared['checkJwt'] = (p, token, path, client) =>
  p.sealed?.mode !== 'require' && !isSealedToken(token)
    ? checkJwt(p, token, path, client)
    : sealedCode().then((sealed) => {
        parseSealed ??= sealed.createSealedParser(decodeText);
        return sealed.checkToken(p, token, path, client);
      });

/** The first token with an `ip` claim stops at its claims (see `claims` below): checked again once worker-ip.js is loaded. */
function afterIpLoaded(p: Prepared, token: string, path: string, client: Parameters<Prepared['checkJwt']>[3], checked: Checked): MaybeAsync<Checked> {
  if (checked.ok || readIp !== undefined || !ipAsked) return checked;
  return ipCode().then((ip) => {
    readIp = ip.ipClaim;
    return jwsOrSealed(p, token, path, client);
  });
}

/**
 * The Worker's JWT checks: the sealed-token code (worker-sealed.js) and the reader of `ip`
 * claims (worker-ip.js) load with the first token that needs them, so a plain request runs
 * without either in dist/worker.js.
 */
const LAZY_JWT: JwtChecks = {
  check: (p, token, path, client) => {
    const checked = jwsOrSealed(p, token, path, client);
    return isThenable(checked) ? checked.then((settled) => afterIpLoaded(p, token, path, client, settled)) : afterIpLoaded(p, token, path, client, checked);
  },
  // Only ever called by worker-sealed.js's checkToken, after jwsOrSealed has set it.
  parser: () => (token) => (parseSealed as SealedPolicy['parse'])(token),
  claims: (payload, now, policy) => {
    if (payload.ip !== undefined && readIp === undefined) {
      ipAsked = true;
      return { code: 'ERR_KEYRING_UNAVAILABLE' }; // never an answer: afterIpLoaded checks the token again
    }
    return checkClaimsWith(payload, now, policy, readIp);
  },
};

/** An opener from worker-sealed.js, its key made on the first sealed token that needs it, then kept. */
function lazyOpener(make: (sealed: Awaited<ReturnType<typeof sealedCode>>) => SealOpen): SealOpen {
  let open: Promise<SealOpen> | undefined;
  return (aad, iv, ciphertext, tag) =>
    (open ??= sealedCode().then(make)).then(
      (opener) => opener(aad, iv, ciphertext, tag),
      (error: unknown) => {
        open = undefined;
        throw error;
      },
    );
}

/** Never called: a keyring without secure-token secrets imports none. */
function refuseSecureToken(): never {
  throw new TypeError('no secure-token secret to import');
}

/** A verifier for these settings, or the denial every request answers when any is unusable (→ 503). */
async function makeVerifier(settings: Settings): Promise<Verifier | DenialCode> {
  const [text, cors, sealed, kvName, onStoreError, cacheTtl, cmcd] = settings;
  // Revocation asked for but not usable (no explicit onStoreError, a bad cache): every request 503, never a silent pass.
  if (kvName !== undefined && (!(onStoreError === 'deny' || onStoreError === 'allow') || !/^(|[0-2]?\d|30)$/.test(cacheTtl ?? ''))) {
    return 'ERR_REVOCATION_UNAVAILABLE';
  }
  if (text === undefined) return 'ERR_KEYRING_UNAVAILABLE';
  try {
    const keyring = await keyringOf(text);
    // Public keys (EC, OKP, RSA) are checked for degenerate values (issue 20) by a module of their own; HMAC keys need none.
    const hmacOnly = [...keyring.keys.values()].every((entry) => entry.secret !== undefined);
    const keyProblem = hmacOnly ? () => undefined : (await import('./worker-key-checks.js')).uncheckedKeyProblem;
    // The secure-token check (md5) only for a keyring with secure-token secrets: prepareResolved imports none otherwise.
    const backend: CryptoBackend = {
      ...webCryptoSignatures,
      importSealSecret: (secret) => lazyOpener((sealed) => sealed.importSealSecret(secret)),
      importContentKey: (raw) => lazyOpener((sealed) => sealed.importContentKey(raw)),
      importSecureTokenSecret: keyring.secureToken.length === 0 ? refuseSecureToken : (await import('./worker-secure-token.js')).importSecureTokenSecret,
    };
    const origins = cors === undefined || cors.trim() === '*' ? cors?.trim() : cors.split(',').map((o) => o.trim());
    const allowed = origins === undefined ? undefined : (await import('./worker-cors.js')).readCors(origins);
    // The options createVerifier would resolve from these bindings alone; an unknown mode throws: 503, never a looser mode.
    return verifierOf(
      prepareResolved(backend, {
        keyring,
        maxTtl: DEFAULT_MAX_TTL,
        leeway: DEFAULT_LEEWAY,
        audience: undefined,
        issuer: undefined,
        algorithms: undefined,
        statuses: { ...DENIAL_STATUS },
        params: DEFAULT_TOKEN_PARAMS,
        clock: () => Date.now(),
        cors: allowed,
        sealed: readSealed(sealed?.trim()),
        cmcd: readCmcd(cmcd?.trim()),
        revocation: kvName === undefined ? undefined : await revocationOf(onStoreError, cacheTtl),
      }, keyProblem, LAZY_JWT),
    );
  } catch {
    return 'ERR_KEYRING_UNAVAILABLE'; // never echo the keyring error: it may name key material
  }
}

/** One verifier per keyring text, cors list, sealed and cmcd modes and revocation settings, made once. */
function verifierFor(env: WorkerEnv): Promise<Verifier | DenialCode> {
  const settings: Settings = [env.URLSEAL_KEYRING, env.URLSEAL_CORS, env.URLSEAL_SEALED, env.URLSEAL_REVOCATIONS_KV, env.URLSEAL_ON_STORE_ERROR, env.URLSEAL_REVOCATION_CACHE, env.URLSEAL_CMCD];
  if (cache === undefined || settings.some((value, i) => value !== cache?.settings[i])) cache = { settings, verifier: makeVerifier(settings) };
  return cache.verifier;
}

/**
 * The Worker: verifies each request (SPEC §6–7) and streams the origin's answer.
 * Client address for `ip` claims: `CF-Connecting-IP`. With `URLSEAL_REVOCATIONS_KV`
 * (and `URLSEAL_ON_STORE_ERROR`), tokens of a user or session revoked in that KV
 * namespace answer 403 `ERR_TOKEN_REVOKED`.
 *
 * @example
 * ```toml
 * # wrangler.toml
 * main = "node_modules/@urlseal/edge/dist/worker.js"
 * [vars]
 * URLSEAL_ORIGIN = "https://origin.example.com"
 * # urlseal build worker -k keyring.json --out keyring.worker.txt
 * # wrangler secret put URLSEAL_KEYRING < keyring.worker.txt
 * ```
 * Or as the module of a Worker project of your own (`main = "src/web/index.ts"`):
 * ```ts
 * import worker from '@urlseal/edge/worker';
 * export default worker;
 * ```
 */
const worker = {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const verifier = await verifierFor(env);
    if (typeof verifier === 'string') return denialResponse(verifier);
    const kvName = env.URLSEAL_REVOCATIONS_KV;
    if (kvName !== undefined) {
      const binding = (env as Record<string, unknown>)[kvName] as Partial<KvLike> | undefined;
      if (typeof binding?.get !== 'function') return denialResponse('ERR_REVOCATION_UNAVAILABLE'); // no such binding: fail closed
      kv = binding as KvLike;
    }
    const origin = env.URLSEAL_ORIGIN;
    if (!origin || !/^https?:\/\//.test(origin)) return originFailure(502);
    // Cloudflare sets CF-Connecting-IP itself (SPEC §7): the one place it is trusted.
    const clientIp = request.headers.get('cf-connecting-ip') ?? undefined;
    // The viewer's country for `geo` claims: request.cf.country, else the CF-IPCountry Cloudflare sets.
    const cf = (request as Request & { cf?: { country?: unknown } }).cf;
    const country = typeof cf?.country === 'string' ? cf.country : (request.headers.get('cf-ipcountry') ?? undefined);
    return handle(verifier, request, (forward) => fetch(forward), { clientIp, country, origin });
  },
};

export default worker;
