// `handle`: Request → Response around an origin fetch, for fetch-style
// runtimes (Workers, Deno, Vercel, Bun). Built on `verify`; the relay never
// lets an origin answer escape as an exception.
import type { TokenParams } from '../contract/carriers.js';
import { MAX_MANIFEST_BYTES, bodyEncoding, type BodyEncoding } from '../core/manifest.js';
import { connectionNames, relayPlan, type RelayPlan } from '../core/relay.js';
import { denialResponse, originFailure, type EdgeAnswer } from '../core/respond.js';
import type { Verifier, VerifyResult } from './verifier.js';
import { requestView, type VerifyOptions } from './request.js';

type Granted = Extract<VerifyResult, { ok: true }>;

/** An answer from `fetchOrigin` the plan can read: a status and `Headers` (anything else is 502). */
function isResponse(answer: unknown): answer is Response {
  return typeof (answer as Response | null)?.status === 'number' && typeof (answer as Response).headers?.get === 'function';
}

/** The origin's answer as the relay plan says: its headers less `drop` (and what `Connection` lists), plus `add`. */
function relay(answer: Response, plan: RelayPlan, body: BodyInit | null): Response {
  const headers = new Headers(answer.headers);
  const listed = connectionNames(headers.get('connection'));
  for (const name of plan.drop) headers.delete(name);
  if (listed !== undefined) for (const name of listed) headers.delete(name);
  const add = plan.add;
  for (let i = 0; i < add.length; i += 2) headers.set(add[i] as string, add[i + 1] as string);
  return new Response(plan.body ? body : null, { status: answer.status, statusText: answer.statusText, headers });
}

/** Reads a whole stream, or stops after `limit` bytes; `undefined` when it ran over. */
async function readAtMost(stream: ReadableStream<Uint8Array>, limit: number, chunks: Uint8Array[] = []): Promise<Uint8Array[] | undefined> {
  const reader = stream.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
    size += value.length;
    if (size > limit) {
      reader.releaseLock();
      return undefined;
    }
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Decodes a manifest body, bounded by the bytes actually decoded; `undefined` if it cannot or is too large. */
async function decodeText(bytes: Uint8Array, encoding: BodyEncoding): Promise<string | undefined> {
  let decoded = bytes;
  if (encoding !== 'identity') {
    if (encoding === 'br' || typeof DecompressionStream !== 'function') return undefined;
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream(encoding));
    const chunks = await readAtMost(stream, MAX_MANIFEST_BYTES);
    if (chunks === undefined) return undefined;
    decoded = concat(chunks);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(decoded);
  } catch {
    return undefined;
  }
}

/** A stream of the chunks already read, then the rest of `source`. */
function replay(chunks: readonly Uint8Array[], source: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let index = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index < chunks.length) return controller.enqueue(chunks[index++] as Uint8Array);
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * A manifest answer to a query-token request, rewritten so URIs inside the
 * grant carry the token (SPEC §7). Too large, undecodable or not a playlist:
 * the origin's bytes pass untouched, with their own headers.
 */
async function rewritten(request: Request, grant: Granted, answer: Response, plan: RelayPlan, params: TokenParams): Promise<Response> {
  const body = answer.body;
  if (body === null) return relay(answer, plan.untouched, null);
  const chunks: Uint8Array[] = [];
  const whole = await readAtMost(body, MAX_MANIFEST_BYTES, chunks);
  const untouched = (): Response =>
    relay(answer, plan.untouched, whole === undefined ? replay(chunks, body) : new Blob(chunks as Uint8Array<ArrayBuffer>[]));
  if (whole === undefined) return untouched();
  const bytes = concat(whole);
  const encoding = bodyEncoding(bytes.subarray(0, 16), answer.headers.get('content-encoding'));
  const text = encoding === undefined ? undefined : await decodeText(bytes, encoding);
  const manifest = grant.manifest;
  if (text === undefined || manifest === undefined) return untouched();
  // Loaded on the first manifest to rewrite: a Worker's plain requests never load the
  // rewriter. A rewriter that cannot be loaded rewrites nothing: the bytes pass untouched.
  const rewriter = await import('../core/manifest-rewriter.js').catch(() => undefined);
  const out = rewriter === undefined ? undefined : await rewriter.rewriteManifest(text, { url: request.url, grant: manifest.grant, token: manifest.token, params });
  return out === undefined ? untouched() : relay(answer, plan, out);
}

/**
 * Verifies a request, forwards the carrier-free request with `fetchOrigin`
 * and returns the origin's answer, streamed, with `Referrer-Policy:
 * no-referrer` (the token in the page URL never leaks to third parties); or
 * the SPEC §7 denial. An HLS manifest answering a query-token request is
 * rewritten (SPEC §7). `fetchOrigin` throwing, or an answer that cannot be
 * relayed (a status outside 200–599), is 502 `ERR_ORIGIN_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * import { createVerifier, handle } from '@urlseal/edge';
 * declare const env: { URLSEAL_KEYRING: string }; // a Worker binding
 * const verifier = createVerifier({ keyring: env.URLSEAL_KEYRING });
 * export default {
 *   fetch: (request: Request) => handle(verifier, request, (forward) => fetch(forward), { origin: 'https://origin.example.com' }),
 * };
 * ```
 */
export async function handle(
  verifier: Verifier,
  request: Request,
  fetchOrigin: (forward: Request) => Promise<Response>,
  opts?: VerifyOptions,
): Promise<Response> {
  if (request.method === 'OPTIONS') {
    // A CORS preflight the cors option allows: answered here, without a token (issue 15).
    let preflight: EdgeAnswer | undefined;
    try {
      preflight = verifier.preflight(requestView(request, opts));
    } catch {
      preflight = undefined; // then the decision answers: 405
    }
    if (preflight !== undefined) return new Response(null, { status: preflight.status, headers: preflight.headers });
  }
  const result = await verifier.verify(request, opts);
  if (!result.ok) return denialResponse(result.code, result.status, result.allowOrigin);
  let answer: unknown;
  try {
    answer = await fetchOrigin(result.forward);
  } catch {
    return originFailure(502);
  }
  try {
    if (!isResponse(answer)) return originFailure(502);
    const plan = relayPlan(result, request.method, answer.status, answer.headers.get('content-type'));
    if (!plan.relay) return originFailure(502);
    return plan.rewrite ? await rewritten(request, result, answer, plan, verifier.params) : relay(answer, plan, answer.body);
  } catch {
    return originFailure(502);
  }
}
