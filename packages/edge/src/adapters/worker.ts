// Cloudflare Workers / workerd module: the verifying edge in front of URLSEAL_ORIGIN.
// Bundled by scripts/build-worker.js into dist/worker.js (Web APIs only).
import { createVerifier, denialResponse, handle, originFailure, type Verifier } from '../index.js';

/**
 * Bindings the Worker reads: keyring JSON text and the origin's base URL.
 *
 * @example
 * ```ts
 * import type { WorkerEnv } from '@urlseal/edge/worker';
 * const env: WorkerEnv = { URLSEAL_KEYRING: '{"kids":{"2026-11":"…"}}', URLSEAL_ORIGIN: 'https://origin.example.com' };
 * ```
 */
export interface WorkerEnv {
  URLSEAL_KEYRING?: string;
  URLSEAL_ORIGIN?: string;
  /** Comma-separated web origins whose pages may read denials (`cors`), or `*`. */
  URLSEAL_CORS?: string;
  /** Sealed tokens: `allow` (default), `require` or `deny` (the verifier's `sealed` option). */
  URLSEAL_SEALED?: string;
}

let cache: { text: string; cors: string | undefined; sealed: string | undefined; verifier: Verifier | undefined } | undefined;

/** One verifier per keyring text (and cors list, sealed mode); `undefined` when any is unusable (→ 503). */
function verifierFor(text: string | undefined, cors: string | undefined, sealed: string | undefined): Verifier | undefined {
  if (text === undefined) return undefined;
  if (cache?.text !== text || cache.cors !== cors || cache.sealed !== sealed) {
    let verifier: Verifier | undefined;
    try {
      const origins = cors === undefined || cors.trim() === '*' ? cors?.trim() : cors.split(',').map((o) => o.trim());
      verifier = createVerifier({
        keyring: text,
        ...(origins === undefined ? {} : { cors: origins as string[] | '*' }),
        // An unknown mode is refused by createVerifier: the Worker then answers 503, never a looser mode.
        ...(sealed === undefined ? {} : { sealed: sealed.trim() as 'allow' }),
      });
    } catch {
      verifier = undefined; // never echo the keyring error: it may name key material
    }
    cache = { text, cors, sealed, verifier };
  }
  return cache.verifier;
}

/**
 * The Worker: verifies each request (SPEC §6–7) and streams the origin's answer.
 * Client address for `ip` claims: `CF-Connecting-IP`.
 *
 * @example
 * ```toml
 * # wrangler.toml
 * main = "node_modules/@urlseal/edge/dist/worker.js"
 * [vars]
 * URLSEAL_ORIGIN = "https://origin.example.com"
 * # wrangler secret put URLSEAL_KEYRING   (the keyring JSON)
 * ```
 */
const worker = {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const verifier = verifierFor(env.URLSEAL_KEYRING, env.URLSEAL_CORS, env.URLSEAL_SEALED);
    if (verifier === undefined) return denialResponse('ERR_KEYRING_UNAVAILABLE');
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
