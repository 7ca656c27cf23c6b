// A document an edge fetches from a URL and refreshes (the keyring URL, the revocation-list
// URL): https only (plain http to loopback), redirects followed hop by hop under the same
// rule, a timeout per fetch, the body bounded in bytes actually read, If-None-Match with
// the last ETag, and one fetch in flight at a time, again every refresh interval (sooner
// when the server's Cache-Control max-age says so, later after failures). What the body
// means is the caller's: this module only fetches and schedules. Node only.
import { createHash } from 'node:crypto';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** https everywhere; plain http only to this machine (anyone on the path could change the document otherwise). */
function isTrustedUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
}

/** Refuses (TypeError naming `caller`) a configured URL that is not https (or loopback http) or holds credentials. */
export function checkTrustedUrl(caller: string, target: URL, noun: string): void {
  if (!isTrustedUrl(target)) throw new TypeError(`${caller}: the ${noun} URL must be https:// (http:// only to localhost or 127.0.0.1)`);
  if (target.username !== '' || target.password !== '') throw new TypeError(`${caller}: the ${noun} URL must not hold credentials`);
}

/** Most redirects one fetch follows. */
export const MAX_HOPS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** A server's `Cache-Control: max-age` shortens the refresh down to this floor (ms); `refreshInterval` is the ceiling. */
const MIN_CACHE_REFRESH_MS = 10_000;

/** Why a redirect from the configured URL `first` to `next` is refused, or `undefined`. */
function hopProblem(first: URL, next: URL): string | undefined {
  if (next.username !== '' || next.password !== '') return 'goes to a URL with credentials';
  if (next.protocol === 'https:') return undefined;
  // Plain http is the operator's explicit choice of a loopback URL, never a server's.
  if (next.protocol === 'http:' && first.protocol === 'http:' && LOOPBACK.test(next.hostname)) return undefined;
  return next.protocol === 'http:' ? 'goes to plain http://' : `goes to a ${next.protocol.replace(/:$/, '')}: URL`;
}

/** A digest of a body, so the same document fetched again is not parsed and logged again. */
export const digest = (text: string): string => createHash('sha256').update(text).digest('base64url');

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How one fetch is made. */
export interface FetchOptions {
  /** The Accept header. */
  readonly accept: string;
  /** Sent as If-None-Match: only when the caller holds the document it names. */
  readonly etag: string | undefined;
  /** Milliseconds for headers and body. */
  readonly timeout: number;
  /** Most bytes read; more is `invalid` with `tooLarge`. */
  readonly maxBytes: number;
  readonly tooLarge: string;
  /** What the URL serves, for the redirect message: `keyring`, `revocation list`. */
  readonly noun: string;
}

/** What one fetch came to. `maxAge`: the server's Cache-Control max-age in ms, when it gave one. */
export type Fetched =
  | { readonly kind: 'body'; readonly text: string; readonly etag: string | undefined; readonly maxAge: number | undefined }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'failed'; readonly result: 'invalid' | 'unavailable'; readonly reason: string };

/** Reads a body up to `maxBytes` (counted as read, whatever Content-Length says); `undefined` when it is larger. */
async function readBounded(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body === null) return '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) return undefined; // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function fetchFailure(error: unknown, timeout: number): string {
  if ((error as { name?: string }).name === 'TimeoutError') return `no complete answer within ${timeout} ms`;
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return `fetch failed (${cause ?? messageOf(error)})`;
}

/**
 * Follows redirects by hand, each hop checked as the configured URL is (https, or http
 * only when the operator's own URL is loopback http and the hop is loopback too; no
 * credentials), at most {@link MAX_HOPS} of them. Resolves to the final answer, or to
 * the reason it was refused (the body of each hop cancelled).
 */
async function fetchHops(target: URL, headers: Record<string, string>, signal: AbortSignal, noun: string): Promise<Response | string> {
  let at = target;
  for (let hop = 0; ; hop++) {
    const response = await fetch(at, { headers, signal, redirect: 'manual' });
    if (!REDIRECTS.has(response.status)) return response;
    await response.body?.cancel();
    if (hop === MAX_HOPS) return `redirected more than ${MAX_HOPS} times`;
    const location = response.headers.get('location');
    let next: URL;
    try {
      next = new URL(location ?? '', at);
    } catch {
      return `answered HTTP ${response.status} without a usable Location`;
    }
    if (location === null) return `answered HTTP ${response.status} without a usable Location`;
    const why = hopProblem(target, next);
    if (why !== undefined) return `redirect ${hop + 1} ${why}; every hop must be https:// (http:// only from a loopback http:// ${noun} URL to loopback)`;
    at = next;
  }
}

/** A fetch that can be stopped (a fetch under way must not hold the process open after close). */
export function fetchDocument(target: URL, options: FetchOptions, register: (controller: AbortController | undefined) => void): Promise<Fetched> {
  const headers: Record<string, string> = { accept: options.accept };
  // Conditional only with a document to confirm: a 304 is a confirmation only of what we asked about.
  const conditional = options.etag !== undefined;
  if (conditional) headers['if-none-match'] = options.etag as string;
  const controller = new AbortController();
  register(controller);
  const timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')), options.timeout);
  const run = async (): Promise<Fetched> => {
    const answer = await fetchHops(target, headers, controller.signal, options.noun);
    if (typeof answer === 'string') return { kind: 'failed', result: 'unavailable', reason: answer };
    if (answer.status === 304 && conditional) return { kind: 'not-modified' };
    if (answer.status !== 200) {
      await answer.body?.cancel();
      const unasked = answer.status === 304 ? ' to a fetch without If-None-Match (not a confirmation)' : '';
      return { kind: 'failed', result: 'unavailable', reason: `answered HTTP ${answer.status}${unasked}` };
    }
    const text = await readBounded(answer, options.maxBytes);
    if (text === undefined) return { kind: 'failed', result: 'invalid', reason: options.tooLarge };
    const maxAge = /(?:^|,)\s*max-age\s*=\s*(\d{1,9})\s*(?:,|$)/i.exec(answer.headers.get('cache-control') ?? '')?.[1];
    return { kind: 'body', text, etag: answer.headers.get('etag') ?? undefined, maxAge: maxAge === undefined ? undefined : Number(maxAge) * 1000 };
  };
  return run()
    .catch((error: unknown): Fetched => ({ kind: 'failed', result: 'unavailable', reason: fetchFailure(error, options.timeout) }))
    .finally(() => {
      clearTimeout(timer);
      register(undefined);
    });
}

/** What one attempt came to: a new document, the same one confirmed, a refused one, or none. */
export type AttemptResult = 'loaded' | 'unchanged' | 'invalid' | 'unavailable';

/** How a {@link refresher} schedules its attempts. */
export interface RefresherOptions<R extends AttemptResult> {
  readonly refreshInterval: number;
  /** One attempt (a fetch and what the caller makes of it); `loaded` and `unchanged` are successes. */
  readonly attempt: () => Promise<R>;
  /** The server's max-age of the last answer it gave, in ms: shortens the wait (floor 10 s). */
  readonly cacheFor: () => number | undefined;
  /** Whether the document in use is past its max-stale; after a failure that finds it so, `reportStale` runs once (until a success). */
  readonly isStale: () => boolean;
  readonly reportStale: () => void;
  /** An attempt that threw. */
  readonly failed: (error: unknown) => R;
  /** What `reload()` answers once closed. */
  readonly whenClosed: () => R;
}

/** One attempt in flight at a time, shared; the next scheduled after each. */
export interface Refresher<R> {
  reload(): Promise<R>;
  readonly inFlight: boolean;
  readonly closed: boolean;
  close(): void;
}

/**
 * Runs `attempt` now and again every refresh interval (shortened by the server's max-age,
 * floor 10 s); after a failure the next try comes sooner (1 s, doubling up to the interval).
 * The timer never holds the process open.
 */
export function refresher<R extends AttemptResult>(options: RefresherOptions<R>): Refresher<R> {
  let inFlight: Promise<R> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;
  let staleReported = false;

  function schedule(result: R): void {
    failures = result === 'loaded' || result === 'unchanged' ? 0 : failures + 1;
    if (failures === 0) staleReported = false;
    else if (!staleReported && options.isStale()) {
      staleReported = true;
      options.reportStale();
    }
    if (closed) return;
    const cacheFor = options.cacheFor();
    const fresh = cacheFor === undefined ? options.refreshInterval : Math.min(options.refreshInterval, Math.max(MIN_CACHE_REFRESH_MS, cacheFor));
    const wait = failures === 0 ? fresh : Math.min(options.refreshInterval, 1000 * 2 ** Math.min(failures - 1, 20));
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), wait);
    timer.unref();
  }

  function reload(): Promise<R> {
    if (inFlight !== undefined) return inFlight;
    if (closed) return Promise.resolve(options.whenClosed());
    clearTimeout(timer);
    inFlight = options
      .attempt()
      .catch(options.failed)
      .then((result) => {
        inFlight = undefined;
        schedule(result);
        return result;
      });
    return inFlight;
  }

  return {
    reload,
    get inFlight() {
      return inFlight !== undefined;
    },
    get closed() {
      return closed;
    },
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
