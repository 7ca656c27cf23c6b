// Cloudflare Workers / workerd module: the verifying edge in front of URLSEAL_ORIGIN.
// Bundled by scripts/build-worker.js into dist/worker.js (Web APIs only).
import { createVerifier, denialResponse, handle, originFailure, revocationKv, type KvLike, type Verifier } from '../index.js';
import type { DenialCode } from '../codes.js';

/**
 * Bindings the Worker reads: keyring JSON text and the origin's base URL; for
 * revocation, the name of a KV namespace binding and what a KV fault answers.
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
let cache: { settings: Settings; verifier: Verifier | undefined; failure: DenialCode } | undefined;
// The KV binding of the request being decided: bindings are per deployment, the same namespace for every request.
let kv: KvLike | undefined;
const kvSource = revocationKv({ get: (key) => (kv as KvLike).get(key) });

/** One verifier per keyring text, cors list, sealed and cmcd modes and revocation settings; `undefined` when any is unusable (→ 503). */
function verifierFor(env: WorkerEnv): Verifier | DenialCode {
  const settings: Settings = [env.URLSEAL_KEYRING, env.URLSEAL_CORS, env.URLSEAL_SEALED, env.URLSEAL_REVOCATIONS_KV, env.URLSEAL_ON_STORE_ERROR, env.URLSEAL_REVOCATION_CACHE, env.URLSEAL_CMCD];
  if (cache === undefined || settings.some((value, i) => value !== cache?.settings[i])) {
    const [text, cors, sealed, kvName, onStoreError, cacheTtl, cmcd] = settings;
    let verifier: Verifier | undefined;
    let failure: DenialCode = 'ERR_KEYRING_UNAVAILABLE';
    // Revocation asked for but not usable (no explicit onStoreError, a bad cache): every request 503, never a silent pass.
    if (kvName !== undefined && (!(onStoreError === 'deny' || onStoreError === 'allow') || !/^(|[0-2]?\d|30)$/.test(cacheTtl ?? ''))) {
      failure = 'ERR_REVOCATION_UNAVAILABLE';
    } else if (text !== undefined) {
      try {
        const origins = cors === undefined || cors.trim() === '*' ? cors?.trim() : cors.split(',').map((o) => o.trim());
        verifier = createVerifier({
          keyring: text,
          ...(origins === undefined ? {} : { cors: origins as string[] | '*' }),
          // An unknown mode is refused by createVerifier: the Worker then answers 503, never a looser mode.
          ...(sealed === undefined ? {} : { sealed: sealed.trim() as 'allow' }),
          ...(cmcd === undefined ? {} : { cmcd: cmcd.trim() as 'pass' }),
          ...(kvName === undefined ? {} : { revocation: { source: kvSource, onStoreError: onStoreError as 'deny', cacheTtl: Number(cacheTtl || 10) } }),
        });
      } catch {
        verifier = undefined; // never echo the keyring error: it may name key material
      }
    }
    cache = { settings, verifier, failure };
  }
  return cache.verifier ?? cache.failure;
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
 * # wrangler secret put URLSEAL_KEYRING   (the keyring JSON)
 * ```
 * Or as the module of a Worker project of your own (`main = "src/index.ts"`):
 * ```ts
 * import worker from '@urlseal/edge/worker';
 * export default worker;
 * ```
 */
const worker = {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const verifier = verifierFor(env);
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
