// @urlseal/edge/keyring-source: where a Node edge gets its keyring, and the
// verifier over whatever keyring is in use now. A source (a file it watches, a
// URL it fetches, or a fixed keyring) validates each new keyring completely
// (parsed, every key imported) before it replaces the last good one in one
// assignment; a bad one is logged and the last good keyring stays. Used by
// `createEdgeServer`, the Express middleware and `urlseal serve` alike.
import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TokenParams } from '../contract/carriers.js';
import type { DenialCode } from '../contract/codes.js';
import { isThenable, readableBy, type Decision, type Denial, type MaybeAsync, type RequestView } from '../core/decide.js';
import { activeProblem, createKeyring, describeKid, describeNotAPath, MAX_KEYRING_BYTES, type Keyring, type KeyringJson } from '../contract/keyring.js';
import { nodeCrypto } from './node-crypto.js';
import type { VerifierOptions } from '../core/options.js';
import { UrlsealError } from '../contract/errors.js';
import { isKeyring } from '../contract/option-readers.js';
import { readVerifierOptions } from '../core/options.js';
import { createVerifierWith, type Verifier } from '../web/verifier.js';
import { checkTrustedUrl, digest, fetchDocument, messageOf, refresher } from './polled-url.js';
import { checkOptionNames, readLog, readMs } from './source-options.js';
import { watchFile } from './watched-file.js';

/**
 * What one load attempt of a {@link KeyringSource} came to: a new keyring is
 * in use (`loaded`), the same one was read again (`unchanged`), the new one was
 * refused (`invalid`), or nothing could be read (`unavailable`).
 *
 * @example
 * ```ts
 * import { keyringFile, type KeyringReloadResult } from '@urlseal/edge/keyring-source';
 * const source = keyringFile('/etc/urlseal/keyring.json');
 * const result: KeyringReloadResult = await source.reload(); // e.g. on SIGHUP
 * ```
 */
export type KeyringReloadResult = 'loaded' | 'unchanged' | 'invalid' | 'unavailable';

/**
 * One load attempt, as a source reports it to {@link KeyringSource.subscribe}.
 * `reason` says what was wrong (the member and the problem, or the I/O
 * failure); it never holds a secret.
 *
 * @example
 * ```ts
 * import { keyringFile, type KeyringEvent } from '@urlseal/edge/keyring-source';
 * const source = keyringFile('/etc/urlseal/keyring.json');
 * source.subscribe((event: KeyringEvent) => { if (event.result === 'invalid') console.error(event.reason); });
 * ```
 */
export interface KeyringEvent {
  readonly result: KeyringReloadResult;
  readonly reason?: string | undefined;
}

/**
 * The keyring a source holds now, and when its source last confirmed it
 * (Unix ms: the last read or fetch that returned this keyring).
 *
 * @example
 * ```ts
 * import { keyringFile, type LoadedKeyring } from '@urlseal/edge/keyring-source';
 * const loaded: LoadedKeyring | undefined = keyringFile('/etc/urlseal/keyring.json').current();
 * if (loaded) console.log((Date.now() - loaded.confirmedAt) / 1000, 's old');
 * ```
 */
export interface LoadedKeyring {
  readonly keyring: Keyring;
  readonly confirmedAt: number;
}

/**
 * Where an edge gets its keyring: {@link keyringFile}, {@link keyringUrl} or
 * {@link staticKeyring}. Pass one as the `keyring` option of
 * `createEdgeServer` or the Express `urlseal()`.
 *
 * @example
 * ```ts
 * import { keyringFile, type KeyringSource } from '@urlseal/edge/keyring-source';
 * const source: KeyringSource = keyringFile('/etc/urlseal/keyring.json');
 * process.on('SIGHUP', () => void source.reload());
 * ```
 */
export interface KeyringSource {
  /** What the source reads, for logs: `file PATH`, `url ORIGIN/PATH` (never a query) or `static`. */
  readonly description: string;
  /** The keyring in use; `undefined` when none ever loaded, or (a URL) none was fetched for `maxStale`. */
  current(): LoadedKeyring | undefined;
  /** Why the last attempt failed; `undefined` after a success. */
  readonly problem: string | undefined;
  /** Reads or fetches now (e.g. on SIGHUP). A fetch already in flight is shared, never doubled. */
  reload(): Promise<KeyringReloadResult>;
  /** Calls `listener` after every load attempt; returns the unsubscribe function. */
  subscribe(listener: (event: KeyringEvent) => void): () => void;
  /** Stops watching, polling and fetching. The last keyring stays readable. */
  close(): void;
  /**
   * A token named a kid the keyring does not hold (a URL source: the key set may have
   * rotated). Fetches now, joined with a fetch in flight and at most once per
   * {@link UNKNOWN_KID_REFETCH_MS}, so a flood of made-up kids cannot hammer the key server;
   * resolves to whether a new keyring loaded. `undefined` when no fetch is made.
   */
  refetchForUnknownKid?(): Promise<boolean> | undefined;
}

/**
 * At most one fetch per this many ms is started by tokens naming an unknown kid.
 *
 * @example
 * ```ts
 * import { UNKNOWN_KID_REFETCH_MS } from '@urlseal/edge/keyring-source';
 * console.log(`a rotated key is picked up within ${UNKNOWN_KID_REFETCH_MS / 1000} s of its first token`);
 * ```
 */
export const UNKNOWN_KID_REFETCH_MS = 30_000;

/**
 * Where a source writes its one-line JSON events (`loaded`, `invalid`, `unavailable`, `stale`): a function, or `false` for none. Default stderr.
 *
 * @example
 * ```ts
 * import { keyringFile, type KeyringLog } from '@urlseal/edge/keyring-source';
 * const log: KeyringLog = (line) => console.error(`[keyring] ${line}`);
 * keyringFile('/etc/urlseal/keyring.json', { log });
 * ```
 */
export type KeyringLog = ((line: string) => void) | false;

/**
 * Options of {@link keyringFile}.
 *
 * @example
 * ```ts
 * import type { KeyringFileOptions } from '@urlseal/edge/keyring-source';
 * const options: KeyringFileOptions = { pollInterval: 5_000, log: (line: string) => console.error(line) };
 * ```
 */
export interface KeyringFileOptions {
  /** Milliseconds between stat checks, the fallback when file events are missed (network file systems, symlink swaps). Default 2000; 0 turns polling off. */
  pollInterval?: number;
  /** Milliseconds one re-read (open, stat, read) may take before it counts as unavailable (a hung mount). Default 5000. */
  readTimeout?: number;
  log?: KeyringLog;
}

/**
 * Options of {@link keyringUrl}.
 *
 * @example
 * ```ts
 * import type { KeyringUrlOptions } from '@urlseal/edge/keyring-source';
 * const options: KeyringUrlOptions = { refreshInterval: 60_000, timeout: 5_000, maxStale: 3_600_000 };
 * ```
 */
export interface KeyringUrlOptions {
  /** Milliseconds between fetches. Default 60 000. After a failure the next try comes sooner (1 s, doubling up to this). */
  refreshInterval?: number;
  /** Milliseconds one fetch (headers and body) may take. Default 10 000. */
  timeout?: number;
  /** Milliseconds without a successful fetch after which the keyring is no longer used (503). Default 3 600 000 (1 h). */
  maxStale?: number;
  log?: KeyringLog;
}

/**
 * A keyring from text, validated as SPEC §3 says, and every asymmetric key
 * imported once: a point off its curve refuses the whole new keyring here
 * rather than answering 503 for that key's tokens after the swap.
 */
function validate(text: string): Keyring {
  const keyring = createKeyring(text);
  for (const entry of keyring.keys.values()) {
    if (entry.rsa !== undefined) {
      try {
        createPublicKey({ key: { kty: 'RSA', n: entry.rsa.n, e: entry.rsa.e }, format: 'jwk' });
      } catch {
        throw new UrlsealError('ERR_KEYRING_INVALID', `keyring key "${entry.kid}": cannot be imported (not a valid RSA public key)`);
      }
    }
    if (entry.jwk === undefined) continue;
    const { kty, crv, x, y } = entry.jwk;
    try {
      createPublicKey({ key: y === undefined ? { kty, crv, x } : { kty, crv, x, y }, format: 'jwk' });
    } catch {
      throw new UrlsealError('ERR_KEYRING_INVALID', `keyring key ${describeKid(entry.kid)}: cannot be imported (not a valid ${crv} public key)`);
    }
  }
  return keyring;
}

/**
 * The state and bookkeeping every source shares: the last good keyring, the
 * digest of its text (so an unchanged file or body is not re-imported), the
 * listeners, and one log line per event (a failure repeated is logged once).
 */
class SourceState {
  loaded: LoadedKeyring | undefined;
  problem: string | undefined;
  #digest: string | undefined;
  #loggedProblem: string | undefined;
  readonly #listeners = new Set<(event: KeyringEvent) => void>();

  constructor(
    readonly description: string,
    private readonly log: ((line: string) => void) | undefined,
  ) {}

  /** Takes new keyring text: the same text confirms the keyring in use, new text replaces it only if valid (and `check` passes). */
  accept(text: string, check?: (keyring: Keyring) => void): KeyringReloadResult {
    const hash = digest(text);
    if (this.loaded !== undefined && hash === this.#digest) return this.confirm();
    let keyring: Keyring;
    try {
      keyring = validate(text);
      check?.(keyring);
    } catch (error) {
      return this.fail('invalid', messageOf(error));
    }
    this.loaded = { keyring, confirmedAt: Date.now() };
    this.#digest = hash;
    this.problem = undefined;
    this.#loggedProblem = undefined;
    // An edge verifies with the kids it holds; a stale `active` (the runbook's retired kid) is only the signer's concern.
    const stale = activeProblem(keyring);
    this.write({
      result: 'loaded',
      keys: keyring.keys.size,
      secureToken: keyring.secureToken.length,
      ...(stale === undefined ? {} : { warning: `${stale} (only signers use active: this edge verifies with the keys it holds)` }),
    });
    // Keys of a JWK Set this edge cannot use: one line each, naming the kid and why.
    for (const reason of keyring.skipped ?? []) this.write({ result: 'skipped', reason });
    return this.emit('loaded');
  }

  /** The source answered with the keyring in use: it is current as of now. */
  confirm(): KeyringReloadResult {
    if (this.loaded !== undefined) this.loaded = { keyring: this.loaded.keyring, confirmedAt: Date.now() };
    this.problem = undefined;
    this.#loggedProblem = undefined;
    return this.emit('unchanged');
  }

  /** Keeps the keyring in use (if any) and reports why the attempt failed. */
  fail(result: 'invalid' | 'unavailable', reason: string): KeyringReloadResult {
    this.problem = reason;
    if (reason !== this.#loggedProblem) {
      this.#loggedProblem = reason;
      this.write({ result, reason, kept: this.loaded === undefined ? 'none' : 'last good keyring' });
    }
    return this.emit(result, reason);
  }

  write(fields: Record<string, unknown>): void {
    this.log?.(JSON.stringify({ event: 'keyring', source: this.description, ...fields }));
  }

  emit(result: KeyringReloadResult, reason?: string): KeyringReloadResult {
    for (const listener of this.#listeners) {
      try {
        listener({ result, reason });
      } catch {
        // a listener's fault never stops the source
      }
    }
    return result;
  }

  subscribe(listener: (event: KeyringEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('subscribe: listener must be a function');
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }
}

/**
 * A keyring that never changes (the `keyring` option given as a `Keyring`, its
 * JSON or its JSON text). Throws `UrlsealError` `ERR_KEYRING_INVALID` at once
 * if it is not valid.
 *
 * @example
 * ```ts
 * import { staticKeyring } from '@urlseal/edge/keyring-source';
 * const source = staticKeyring(process.env.URLSEAL_KEYRING!);
 * ```
 */
export function staticKeyring(keyring: Keyring | KeyringJson | string): KeyringSource {
  createVerifierWith(nodeCrypto, { keyring }); // validated with createVerifier's own messages, every key imported
  const valid = isKeyring(keyring) ? keyring : createKeyring(keyring);
  const loaded: LoadedKeyring = Object.freeze({ keyring: valid, confirmedAt: Date.now() });
  const state = new SourceState('static', undefined);
  return Object.freeze({
    description: 'static',
    problem: undefined,
    current: () => loaded,
    reload: () => Promise.resolve(state.emit('unchanged')),
    subscribe: (listener: (event: KeyringEvent) => void) => state.subscribe(listener),
    close: () => {},
  });
}

/**
 * A keyring file, read now and again whenever it changes: a watch on its
 * directory (so a new file renamed over it, the atomic way to replace it, is
 * seen) with a stat poll as fallback, and {@link KeyringSource.reload} (e.g. on
 * SIGHUP). A new keyring replaces the one in use only once it validates; a
 * garbage or invalid file keeps the last good keyring and logs one line
 * naming the member and the problem. Never throws for the file's content: a
 * file unusable from the start leaves `current()` undefined and `problem` set.
 * Regular files only (a FIFO, socket or device is refused without blocking:
 * it is opened non-blocking), at most 1 MiB. Every re-read runs off the event
 * loop, one at a time, bounded by `readTimeout`: a hung mount makes the read
 * `unavailable` and the last good keyring keeps serving. The first read, at
 * construction, is synchronous so `current()` answers at once.
 *
 * @example
 * ```ts
 * import { keyringFile } from '@urlseal/edge/keyring-source';
 * const source = keyringFile('/etc/urlseal/keyring.json');
 * if (!source.current()) throw new Error(source.problem);
 * ```
 */
export function keyringFile(path: string, options: KeyringFileOptions = {}): KeyringSource {
  const caller = 'keyringFile';
  if (typeof path !== 'string' || path === '') throw new TypeError(`${caller}: path must be a non-empty string`);
  const notAPath = describeNotAPath(path);
  if (notAPath !== undefined && !existsSync(path)) throw new TypeError(`${caller}: the path looks like ${notAPath}, not a file path: pass a path, or the keyring itself to staticKeyring`);
  checkOptionNames(caller, options, ['pollInterval', 'readTimeout', 'log']);
  const pollInterval = readMs(caller, 'pollInterval', options.pollInterval, 2000, 0);
  const readTimeout = readMs(caller, 'readTimeout', options.readTimeout, 5000, 10);
  const file = resolve(path);
  const state = new SourceState(`file ${file}`, readLog(options.log, caller));
  const watched = watchFile(
    file,
    { maxBytes: MAX_KEYRING_BYTES, tooLarge: `keyring: is larger than ${MAX_KEYRING_BYTES} bytes`, holds: 'a keyring', pollInterval, readTimeout },
    // What one read found: the text (validated, swapped in if good) or why there is none.
    (found): KeyringReloadResult => ('text' in found ? state.accept(found.text) : state.fail(found.result, found.reason)),
    () => state.emit('unchanged'),
  );

  return Object.freeze({
    description: state.description,
    get problem() {
      return state.problem;
    },
    current: () => state.loaded,
    reload: watched.reload,
    subscribe: (listener: (event: KeyringEvent) => void) => state.subscribe(listener),
    close: watched.close,
  });
}

/**
 * A key server answers an edge, which only verifies: an asymmetric key with its
 * private part (`d`) there means the server hands the signing key to anyone who
 * can fetch it. Refused (the last good keyring stays), naming the key, never `d`.
 */
function refusePrivateKeys(keyring: Keyring): void {
  for (const entry of keyring.keys.values()) {
    if (entry.jwk !== undefined && entry.canSign) {
      throw new UrlsealError(
        'ERR_KEYRING_INVALID',
        `keyring key ${describeKid(entry.kid)}: holds its private part ("d"); a key server must publish public keys only (anyone who can fetch it could sign), so remove "d"`,
      );
    }
  }
}

/**
 * A keyring fetched from a URL: a urlseal keyring JSON or a public JWK Set
 * (`{"keys": [...]}`; verify-only keys). One fetch in flight at a time, each
 * with a timeout, `If-None-Match` with the last `ETag` (a 304 confirms the
 * keyring in use), again every `refreshInterval`. A failed or invalid fetch
 * keeps the last good keyring and logs one line; after `maxStale` without a
 * successful fetch the keyring is no longer used and the edge answers 503
 * `ERR_KEYRING_UNAVAILABLE`, as it does before the first success. `https:`
 * only, or `http:` to a loopback address; redirects (at most 5) are followed
 * one by one, each hop held to the same rule (plain http only from a loopback
 * http URL to loopback), and a 304 confirms only a conditional fetch. A key
 * with its private part (`d`) is refused: an edge only verifies, and a key
 * server must not publish signing keys. The first fetch starts at once;
 * `await source.reload()` waits for it.
 *
 * @example
 * ```ts
 * import { keyringUrl } from '@urlseal/edge/keyring-source';
 * const source = keyringUrl('https://keys.example.com/urlseal/jwks.json', { refreshInterval: 60_000 });
 * await source.reload(); // the first fetch, already under way
 * ```
 */
export function keyringUrl(url: string, options: KeyringUrlOptions = {}): KeyringSource {
  const caller = 'keyringUrl';
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    const looks = typeof url === 'string' ? describeNotAPath(url) : undefined;
    throw new TypeError(`${caller}: the value ${looks === undefined ? 'given' : `looks like ${looks} and`} is not a URL; pass the https:// URL of the keyring or JWK Set`);
  }
  checkTrustedUrl(caller, target, 'keyring');
  checkOptionNames(caller, options, ['refreshInterval', 'timeout', 'maxStale', 'log']);
  const refreshInterval = readMs(caller, 'refreshInterval', options.refreshInterval, 60_000, 100);
  const timeout = readMs(caller, 'timeout', options.timeout, 10_000, 100);
  const maxStale = readMs(caller, 'maxStale', options.maxStale, 3_600_000, 100);
  const state = new SourceState(`url ${target.origin}${target.pathname}`, readLog(options.log, caller));
  let etag: string | undefined;
  let aborter: AbortController | undefined;
  let unknownKidFetchAt = -Infinity;
  // The key server's own lifetime for its answer (Cache-Control max-age), bounded by the refresher.
  let cacheFor: number | undefined;

  async function fetchOnce(): Promise<KeyringReloadResult> {
    const fetched = await fetchDocument(
      target,
      {
        accept: 'application/json, application/jwk-set+json',
        etag: state.loaded === undefined ? undefined : etag,
        timeout,
        maxBytes: MAX_KEYRING_BYTES,
        tooLarge: `keyring: is larger than ${MAX_KEYRING_BYTES} bytes`,
        noun: 'keyring',
      },
      (controller) => void (aborter = controller),
    );
    if (fetched.kind === 'not-modified') return state.confirm();
    if (fetched.kind === 'failed') {
      if (refresh.closed) return state.emit('unavailable', 'closed'); // stopped on purpose: nothing to report
      return state.fail(fetched.result, fetched.reason);
    }
    const result = state.accept(fetched.text, refusePrivateKeys);
    if (result === 'loaded' || result === 'unchanged') etag = fetched.etag;
    cacheFor = fetched.maxAge;
    return result;
  }

  const refresh = refresher<KeyringReloadResult>({
    refreshInterval,
    attempt: fetchOnce,
    cacheFor: () => cacheFor,
    isStale: () => state.loaded !== undefined && Date.now() - state.loaded.confirmedAt > maxStale,
    reportStale: () => state.write({ result: 'stale', reason: `no successful fetch for ${Math.round(maxStale / 1000)} s; answering 503 until one succeeds` }),
    failed: (error) => state.fail('unavailable', messageOf(error)),
    whenClosed: () => state.emit('unchanged'),
  });
  const reload = refresh.reload;

  void reload();
  return Object.freeze({
    description: state.description,
    get problem() {
      return state.problem;
    },
    current() {
      const loaded = state.loaded;
      return loaded !== undefined && Date.now() - loaded.confirmedAt <= maxStale ? loaded : undefined;
    },
    reload,
    refetchForUnknownKid() {
      if (refresh.closed) return undefined;
      if (!refresh.inFlight) {
        if (Date.now() - unknownKidFetchAt < UNKNOWN_KID_REFETCH_MS) return undefined;
        unknownKidFetchAt = Date.now();
      }
      return reload().then((result) => result === 'loaded');
    },
    subscribe: (listener: (event: KeyringEvent) => void) => state.subscribe(listener),
    close() {
      refresh.close();
      aborter?.abort(); // a fetch under way must not hold the process open
    },
  });
}

/**
 * Whether a `keyring` option is a {@link KeyringSource} rather than a keyring.
 *
 * @example
 * ```ts
 * import { isKeyringSource, staticKeyring } from '@urlseal/edge/keyring-source';
 * isKeyringSource(staticKeyring(process.env.URLSEAL_KEYRING!)); // true
 * isKeyringSource('{"kids":{}}');                                // false
 * ```
 */
export function isKeyringSource(value: unknown): value is KeyringSource {
  const source = value as Partial<KeyringSource> | null;
  return typeof source === 'object' && source !== null && typeof source.current === 'function' && typeof source.reload === 'function';
}

/**
 * Verifier options whose `keyring` may also be a {@link KeyringSource}.
 *
 * @example
 * ```ts
 * import { keyringFile, type LiveVerifierOptions } from '@urlseal/edge/keyring-source';
 * const options: LiveVerifierOptions = { keyring: keyringFile('keyring.json'), maxTtl: 3600 };
 * ```
 */
export type LiveVerifierOptions = Omit<VerifierOptions, 'keyring'> & { keyring: VerifierOptions['keyring'] | KeyringSource };

/**
 * What an adapter decides with: the verifier over the keyring its source holds
 * now, rebuilt (once, on first use) when the source swaps keyrings.
 *
 * @example
 * ```ts
 * import { createLiveVerifier, keyringFile, type LiveVerifier } from '@urlseal/edge/keyring-source';
 * const live: LiveVerifier = createLiveVerifier({ keyring: keyringFile('/etc/urlseal/keyring.json') });
 * const decision = await live.decide({ method: 'GET', target: '/v/a.mp4?token=…', header: () => undefined });
 * ```
 */
export interface LiveVerifier {
  readonly params: TokenParams;
  readonly source: KeyringSource;
  /** Never throws and never rejects: no keyring is a 503 `ERR_KEYRING_UNAVAILABLE` denial, any fault a denial. */
  decide(view: RequestView): MaybeAsync<Decision>;
  /** Now in Unix seconds by the verifier's clock (for a grant's remaining lifetime); NaN when that clock fails, never a throw. */
  nowSeconds(): number;
  /**
   * A denial an adapter makes itself (Express's mount path, a fault after the
   * decision), at the status the `statuses`/`preset` options give its code, and
   * readable by the page of `view`'s `Origin` as the `cors` option allows.
   */
  deny(code: DenialCode, detail: string, view?: RequestView): Denial;
}

const NO_KEYS: Keyring = Object.freeze({ keys: new Map(), active: undefined, secureToken: Object.freeze([]) });

/**
 * Validates the options once (`TypeError` naming the option; a static keyring
 * that is invalid throws `ERR_KEYRING_INVALID`) and returns the live verifier:
 * what `createEdgeServer` and the Express middleware decide with, for a Node
 * adapter of your own.
 *
 * @example
 * ```ts
 * import { createLiveVerifier, keyringUrl } from '@urlseal/edge/keyring-source';
 * const live = createLiveVerifier({ keyring: keyringUrl('https://keys.example.com/urlseal.json'), maxTtl: 3600 });
 * ```
 */
export function createLiveVerifier(options: LiveVerifierOptions): LiveVerifier {
  const { keyring, ...rest } = options ?? ({} as LiveVerifierOptions);
  if (keyring === undefined) throw new TypeError('createVerifier: option "keyring" is required');
  // Every option but the keyring is checked now, against a keyring with no keys.
  const resolved = readVerifierOptions({ ...rest, keyring: NO_KEYS });
  const source = isKeyringSource(keyring) ? keyring : staticKeyring(keyring);
  const unavailable = (detail: string): Denial => ({ ok: false, status: resolved.statuses.ERR_KEYRING_UNAVAILABLE, code: 'ERR_KEYRING_UNAVAILABLE', detail });
  const faulted = (): Denial => ({ ok: false, status: resolved.statuses.ERR_TOKEN_MALFORMED, code: 'ERR_TOKEN_MALFORMED', detail: 'exception' });
  let built: { readonly keyring: Keyring; readonly verifier: Verifier } | undefined;

  function decideNow(view: RequestView): MaybeAsync<Decision> {
    try {
      const loaded = source.current();
      if (loaded === undefined) return readableBy(resolved.cors, view, unavailable('keyring'));
      if (built?.keyring !== loaded.keyring) built = { keyring: loaded.keyring, verifier: createVerifierWith(nodeCrypto, { ...rest, keyring: loaded.keyring }) };
      const decision = built.verifier.decide(view);
      return isThenable(decision) ? decision.then(undefined, () => readableBy(resolved.cors, view, faulted())) : decision;
    } catch {
      return readableBy(resolved.cors, view, faulted()); // fail closed: never a grant, never a 500
    }
  }

  return Object.freeze({
    params: resolved.params,
    source,
    nowSeconds: () => resolved.clock() / 1000,
    deny: (code: DenialCode, detail: string, view?: RequestView): Denial => {
      const denial: Denial = { ok: false, status: resolved.statuses[code], code, detail };
      return view === undefined ? denial : readableBy(resolved.cors, view, denial);
    },
    decide(view: RequestView): MaybeAsync<Decision> {
      const decision = decideNow(view);
      // A kid the keyring lacks may be a rotation at the key server: fetch once (rate-limited) and decide again.
      const retry = (settled: Decision): MaybeAsync<Decision> => {
        if (settled.ok || settled.code !== 'ERR_KID_UNKNOWN' || source.refetchForUnknownKid === undefined) return settled;
        try {
          const refetched = source.refetchForUnknownKid();
          return refetched === undefined ? settled : refetched.then((changed) => (changed ? decideNow(view) : settled), () => settled);
        } catch {
          return settled; // the denial stands
        }
      };
      return isThenable(decision) ? decision.then(retry) : retry(decision);
    },
  });
}
