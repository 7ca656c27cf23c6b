// @urlseal/edge/revocation-source: revocation sources for Node edges
// (`urlseal serve`, Express, createEdgeServer). A JSON file, watched like the
// keyring file (a watch on its directory, a stat poll as fallback; a bad file
// keeps the last good list and logs one line without any id), a URL fetched as
// the keyring URL is (ETag, refresh, max-stale), and Redis.
import { resolve } from 'node:path';
import { MAX_REVOCATIONS_BYTES, parseRevocations, type RevocationList, type RevocationSource } from '../contract/revocation-list.js';
import { listLookup, revocationKeys, storedEntries } from '../core/revocation.js';
import { checkTrustedUrl, digest, fetchDocument, messageOf, refresher, type AttemptResult } from './polled-url.js';
import { checkOptionNames, readLog, readMs, stderrLog } from './source-options.js';
import { watchFile, type FileRead } from './watched-file.js';

/**
 * A revocation source that can be reloaded and closed.
 *
 * @example
 * ```ts
 * import { revocationFile, type ManagedRevocationSource } from '@urlseal/edge/revocation-source';
 * const source: ManagedRevocationSource = revocationFile('/var/lib/urlseal/revocations.json');
 * process.on('SIGHUP', () => source.reload());
 * ```
 */
export interface ManagedRevocationSource extends RevocationSource {
  /** What the source reads, for logs: `file PATH`, `url ORIGIN/PATH` (never a query) or `redis HOST:PORT`. */
  readonly description: string;
  /** Why the last read failed; `undefined` after a success. */
  readonly problem: string | undefined;
  /** Reads again now (e.g. on SIGHUP). */
  reload(): void;
  /** Stops watching and polling (a file), fetching (a URL), or leaves the client to its owner (Redis). */
  close(): void;
}

/**
 * Options of {@link revocationFile}.
 *
 * @example
 * ```ts
 * import type { RevocationFileOptions } from '@urlseal/edge/revocation-source';
 * const options: RevocationFileOptions = { pollInterval: 1000, log: false };
 * ```
 */
export interface RevocationFileOptions {
  /** Milliseconds between stat checks, the fallback when file events are missed. Default 1000; 0 turns polling off. */
  pollInterval?: number;
  /** Where one-line JSON events go (`loaded`, `invalid`, `unavailable`): a function, or `false`. Default stderr. */
  log?: ((line: string) => void) | false;
}

/** Milliseconds one re-read of the file may take before it counts as unavailable (a hung mount). */
const READ_TIMEOUT_MS = 5000;

/** What a revocation list source came to on one read or fetch. */
type ListResult = AttemptResult;

/**
 * The last good list and its bookkeeping, shared by the file and URL sources: a text
 * that parses replaces the list in one assignment, one that does not keeps it and logs
 * one line (a failure repeated is logged once) saying which member is wrong, never an id.
 */
function listState(description: string, log: ((line: string) => void) | undefined) {
  let lookup: RevocationSource['lookup'] | undefined;
  let problem: string | undefined;
  let loggedProblem: string | undefined;
  let confirmedAt = -Infinity;
  const write = (fields: Record<string, unknown>) => log?.(JSON.stringify({ event: 'revocations', source: description, ...fields }));
  const succeeded = (): void => {
    problem = undefined;
    loggedProblem = undefined;
    confirmedAt = Date.now();
  };
  const fail = (result: 'invalid' | 'unavailable', reason: string): ListResult => {
    problem = reason;
    if (reason !== loggedProblem) {
      loggedProblem = reason;
      write({ result, reason, kept: lookup === undefined ? 'none' : 'last good list' });
    }
    return result;
  };
  return {
    description,
    write,
    get problem() {
      return problem;
    },
    /** Unix ms of the last read or fetch that gave (or confirmed) the list in use. */
    get confirmedAt() {
      return confirmedAt;
    },
    get loaded() {
      return lookup !== undefined;
    },
    accept(text: string): ListResult {
      let parsed: RevocationList;
      try {
        parsed = parseRevocations(text);
      } catch (error) {
        return fail('invalid', (error as Error).message);
      }
      lookup = listLookup(parsed);
      succeeded();
      write({ result: 'loaded', sub: parsed.sub.size, sid: parsed.sid.size });
      return 'loaded';
    },
    /** The source answered with the list in use (a 304, the same body). */
    confirm(): ListResult {
      succeeded();
      return 'unchanged';
    },
    fail,
    lookup(sub: string | undefined, sid: string | undefined) {
      if (lookup === undefined) throw new Error(problem ?? 'no revocation list loaded');
      return lookup(sub, sid);
    },
  };
}

/**
 * A revocation file (`{"sub": {"<user>": notBefore}, "sid": {"<session>": until}}`,
 * what `urlseal revoke` and the SDK's `revokeUser`/`revokeSession` write),
 * read now and again whenever it changes. A file that does not parse keeps the
 * last good list and logs one line saying which member is wrong; before any
 * good read, every lookup is a store fault (the verifier's `onStoreError`).
 *
 * @example
 * ```ts
 * import { createVerifier } from '@urlseal/edge';
 * import { revocationFile } from '@urlseal/edge/revocation-source';
 * const verifier = createVerifier({
 *   keyring: process.env.URLSEAL_KEYRING!,
 *   revocation: { source: revocationFile('/var/lib/urlseal/revocations.json'), onStoreError: 'deny' },
 * });
 * ```
 */
export function revocationFile(path: string, options: RevocationFileOptions = {}): ManagedRevocationSource {
  const caller = 'revocationFile';
  if (typeof path !== 'string' || path === '') throw new TypeError(`${caller}: path must be a non-empty string`);
  checkOptionNames(caller, options, ['pollInterval', 'log']);
  const pollInterval = readMs(caller, 'pollInterval', options.pollInterval, 1000, 0);
  const log = readLog(options.log, caller);
  const file = resolve(path);
  const state = listState(`file ${file}`, log);
  // Read as the keyring file is (watched-file.ts): regular files only, bounded, re-reads off the event loop.
  const watched = watchFile(
    file,
    { maxBytes: MAX_REVOCATIONS_BYTES, tooLarge: `revocations: the file is larger than ${MAX_REVOCATIONS_BYTES} bytes`, holds: 'a revocation list', pollInterval, readTimeout: READ_TIMEOUT_MS },
    (found: FileRead): void => void ('text' in found ? state.accept(found.text) : state.fail(found.result, found.reason)),
    () => undefined,
  );

  return Object.freeze({
    description: state.description,
    get problem() {
      return state.problem;
    },
    lookup: state.lookup,
    reload: () => void watched.reload(),
    close: watched.close,
  });
}

/**
 * Options of {@link revocationUrl}.
 *
 * @example
 * ```ts
 * import type { RevocationUrlOptions } from '@urlseal/edge/revocation-source';
 * const options: RevocationUrlOptions = { refreshInterval: 15_000, maxStale: 300_000 };
 * ```
 */
export interface RevocationUrlOptions {
  /** Milliseconds between fetches. Default 30 000; a `Cache-Control: max-age` shortens it (floor 10 s). After a failure the next try comes sooner (1 s, doubling up to this). */
  refreshInterval?: number;
  /** Milliseconds one fetch (headers and body) may take. Default 10 000. */
  timeout?: number;
  /** Milliseconds without a successful fetch after which every lookup is a store fault (the verifier's `onStoreError`). Default 300 000 (5 min). */
  maxStale?: number;
  /** Where one-line JSON events go (`loaded`, `invalid`, `unavailable`, `stale`): a function, or `false`. Default stderr. */
  log?: ((line: string) => void) | false;
}

/**
 * A {@link revocationUrl} source: `reload()` resolves once the fetch it starts (or the one under way) settles.
 *
 * @example
 * ```ts
 * import { revocationUrl, type RevocationUrlSource } from '@urlseal/edge/revocation-source';
 * const source: RevocationUrlSource = revocationUrl('https://lms.example.com/urlseal/revocations.json');
 * if ((await source.reload()) !== 'loaded') console.error(source.problem);
 * ```
 */
export interface RevocationUrlSource extends ManagedRevocationSource {
  /** What the fetch came to: a new list (`loaded`), the same one (`unchanged`: a 304 or the same body), a refused body (`invalid`) or none (`unavailable`). */
  reload(): Promise<'loaded' | 'unchanged' | 'invalid' | 'unavailable'>;
}

/**
 * A revocation list fetched from a URL, in the file's format (what `urlseal revoke
 * --list` prints, or your LMS serves): for a fleet of `serve`/Express instances that
 * share no disk. Fetched as the keyring URL is: `https:` (plain `http:` only to
 * loopback), redirects checked hop by hop, one fetch in flight, `If-None-Match` with the
 * last `ETag` (a 304 confirms the list in use), again every `refreshInterval` (sooner
 * when `Cache-Control: max-age` says so, floor 10 s), the body at most
 * {@link MAX_REVOCATIONS_BYTES} bytes as read. A failed fetch or a body that is not a
 * list keeps the last good list and logs one line (never an id); after `maxStale`
 * without a successful fetch, and before the first, every lookup is a store fault,
 * answered as the verifier's `onStoreError` says. The revocation delay is at most
 * `refreshInterval` plus the verifier's `cacheTtl`. The first fetch starts at once.
 *
 * @example
 * ```ts
 * import { urlseal } from '@urlseal/edge/express';
 * import { revocationUrl } from '@urlseal/edge/revocation-source';
 * const source = revocationUrl('https://lms.example.com/urlseal/revocations.json', { refreshInterval: 15_000 });
 * await source.reload(); // the first fetch, already under way
 * const edge = urlseal({ keyring: process.env.URLSEAL_KEYRING!, revocation: { source, onStoreError: 'deny' } });
 * ```
 */
export function revocationUrl(url: string, options: RevocationUrlOptions = {}): RevocationUrlSource {
  const caller = 'revocationUrl';
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new TypeError(`${caller}: url must be the https:// URL of a revocation list`);
  }
  checkTrustedUrl(caller, target, 'revocation list');
  checkOptionNames(caller, options, ['refreshInterval', 'timeout', 'maxStale', 'log']);
  const refreshInterval = readMs(caller, 'refreshInterval', options.refreshInterval, 30_000, 100);
  const timeout = readMs(caller, 'timeout', options.timeout, 10_000, 100);
  const maxStale = readMs(caller, 'maxStale', options.maxStale, 300_000, 100);
  // The path names the list; a query may hold an access key, so it is never logged.
  const state = listState(`url ${target.origin}${target.pathname}`, readLog(options.log, caller));
  let etag: string | undefined;
  let lastDigest: string | undefined;
  let aborter: AbortController | undefined;
  let cacheFor: number | undefined;
  const stale = () => state.loaded && Date.now() - state.confirmedAt > maxStale;

  async function fetchOnce(): Promise<ListResult> {
    const fetched = await fetchDocument(
      target,
      {
        accept: 'application/json',
        etag: state.loaded ? etag : undefined,
        timeout,
        maxBytes: MAX_REVOCATIONS_BYTES,
        tooLarge: `revocations: the list is larger than ${MAX_REVOCATIONS_BYTES} bytes`,
        noun: 'revocation list',
      },
      (controller) => void (aborter = controller),
    );
    if (fetched.kind === 'not-modified') return state.confirm();
    if (fetched.kind === 'failed') return refresh.closed ? 'unavailable' : state.fail(fetched.result, fetched.reason);
    cacheFor = fetched.maxAge;
    const hash = digest(fetched.text);
    const result = state.loaded && hash === lastDigest ? state.confirm() : state.accept(fetched.text);
    if (result === 'loaded') lastDigest = hash;
    if (result === 'loaded' || result === 'unchanged') etag = fetched.etag;
    return result;
  }

  const refresh = refresher<ListResult>({
    refreshInterval,
    attempt: fetchOnce,
    cacheFor: () => cacheFor,
    isStale: stale,
    reportStale: () => state.write({ result: 'stale', reason: `no successful fetch for ${Math.round(maxStale / 1000)} s; every lookup is a store fault until one succeeds` }),
    failed: (error) => state.fail('unavailable', messageOf(error)),
    whenClosed: () => 'unchanged',
  });

  void refresh.reload();
  return Object.freeze({
    description: state.description,
    get problem() {
      return state.problem;
    },
    lookup(sub: string | undefined, sid: string | undefined) {
      if (stale()) throw new Error(`no successful fetch of the revocation list for ${Math.round(maxStale / 1000)} s`);
      return state.lookup(sub, sid);
    },
    reload: refresh.reload,
    close() {
      refresh.close();
      aborter?.abort(); // a fetch under way must not hold the process open
    },
  });
}

/**
 * The part of a Redis client the Redis source uses: `mget` as ioredis has it
 * (node-redis users wrap `mGet`: `{ mget: (...keys) => client.mGet(keys) }`).
 *
 * @example
 * ```ts
 * import type { RedisLike } from '@urlseal/edge/revocation-source';
 * import { Redis } from 'ioredis';
 * const client: RedisLike = new Redis('redis://127.0.0.1:6379');
 * ```
 */
export interface RedisLike {
  mget(...keys: string[]): Promise<ReadonlyArray<string | null>>;
}

/**
 * Options of {@link revocationRedis}.
 *
 * @example
 * ```ts
 * import type { RevocationRedisOptions } from '@urlseal/edge/revocation-source';
 * const options: RevocationRedisOptions = { prefix: 'lms:urlseal:' };
 * ```
 */
export interface RevocationRedisOptions {
  /** Key prefix; entries are `<prefix>sub:<user>` and `<prefix>sid:<session>`. Default `urlseal:revoked:`. */
  prefix?: string;
  /** For logs. Default `redis`. */
  description?: string;
}

/**
 * The default key prefix; `urlseal revoke` and the SDK's revokeUser/revokeSession write under it.
 *
 * @example
 * ```ts
 * import { REDIS_REVOCATION_PREFIX } from '@urlseal/edge/revocation-source';
 * const key = `${REDIS_REVOCATION_PREFIX}sub:student-42`; // holds notBefore, with a TTL
 * ```
 */
export const REDIS_REVOCATION_PREFIX = 'urlseal:revoked:';

/**
 * Revocations in Redis, for a fleet of `serve`/Express instances: one `MGET`
 * per lookup (the verifier's cache keeps it off the hot path). Keys are
 * `<prefix>sub:<user>` → notBefore and `<prefix>sid:<session>` → until, each
 * with a TTL set to when the entry can be forgotten (what `revokeUser` and
 * `revokeSession` write). A value that is not a Unix time is a store fault.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { urlseal } from '@urlseal/edge/express';
 * import { revocationRedis } from '@urlseal/edge/revocation-source';
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * const edge = urlseal({ keyring: process.env.URLSEAL_KEYRING!, revocation: { source: revocationRedis(redis), onStoreError: 'deny' } });
 * ```
 */
export function revocationRedis(client: RedisLike, options: RevocationRedisOptions = {}): ManagedRevocationSource {
  if (typeof client?.mget !== 'function') throw new TypeError('revocationRedis: client must be a Redis client with mget (ioredis)');
  if (typeof options !== 'object' || options === null) throw new TypeError('revocationRedis: options must be an object');
  for (const name of Object.keys(options)) if (name !== 'prefix' && name !== 'description') throw new TypeError(`revocationRedis: option "${name}" is unknown`);
  const prefix = options.prefix ?? REDIS_REVOCATION_PREFIX;
  if (typeof prefix !== 'string') throw new TypeError('revocationRedis: option "prefix" must be a string');
  const description = options.description ?? 'redis';
  return Object.freeze({
    description,
    problem: undefined,
    async lookup(sub: string | undefined, sid: string | undefined) {
      return storedEntries(await client.mget(...revocationKeys(prefix, sub, sid)), sub, sid, 'Redis');
    },
    reload: () => undefined,
    close: () => undefined,
  });
}

/** A Redis URL as logs may show it: host and port, never a password or a path. */
function redisDescription(url: string): string {
  try {
    const parsed = new URL(url);
    return `redis ${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'redis';
  }
}

/**
 * A Redis source over its own ioredis client (the optional peer `ioredis`),
 * connected before it resolves: what `urlseal serve --revocations redis://…`
 * uses. Commands never queue while disconnected: a lookup then fails at once
 * (the verifier's `onStoreError`). `close()` ends the connection.
 *
 * @example
 * ```ts
 * import { revocationRedisUrl } from '@urlseal/edge/revocation-source';
 * const source = await revocationRedisUrl('redis://127.0.0.1:6379');
 * ```
 */
export async function revocationRedisUrl(url: string, options: RevocationRedisOptions & { connectTimeout?: number; log?: ((line: string) => void) | false } = {}): Promise<ManagedRevocationSource> {
  if (typeof url !== 'string' || !/^rediss?:\/\//i.test(url)) throw new TypeError('revocationRedisUrl: url must be redis://HOST:PORT or rediss://HOST:PORT');
  const { connectTimeout = 5000, log: logOption, ...rest } = options;
  const description = rest.description ?? redisDescription(url);
  const log = logOption === false ? undefined : (logOption ?? stderrLog);
  let Redis: typeof import('ioredis').Redis;
  try {
    ({ Redis } = await import('ioredis'));
  } catch {
    throw new Error('a redis:// revocation source needs the ioredis package: npm install ioredis');
  }
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout });
  let logged: string | undefined;
  client.on('error', (error: NodeJS.ErrnoException) => {
    const reason = error.code ?? 'error';
    if (reason !== logged) log?.(JSON.stringify({ event: 'revocations', source: description, result: 'unavailable', reason }));
    logged = reason;
  });
  client.on('ready', () => {
    if (logged !== undefined) log?.(JSON.stringify({ event: 'revocations', source: description, result: 'loaded' }));
    logged = undefined;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot reach ${description} (${(error as NodeJS.ErrnoException).code ?? 'no answer'})`);
  }
  const source = revocationRedis(client, { ...rest, description });
  return Object.freeze({
    ...source,
    lookup: source.lookup,
    close: () => void client.quit().catch(() => client.disconnect()),
  });
}
