// @urlseal/edge/revocation-source: revocation sources for Node edges
// (`urlseal serve`, Express, createEdgeServer). A JSON file, watched like the
// keyring file (a watch on its directory, a stat poll as fallback; a bad file
// keeps the last good list and logs one line without any id), and Redis.
import { resolve } from 'node:path';
import { MAX_REVOCATIONS_BYTES, listLookup, parseRevocations, type RevocationList, type RevocationSource } from '../revocation.js';
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
  /** What the source reads, for logs: `file PATH` or `redis HOST:PORT`. */
  readonly description: string;
  /** Why the last read failed; `undefined` after a success. */
  readonly problem: string | undefined;
  /** Reads again now (e.g. on SIGHUP). */
  reload(): void;
  /** Stops watching and polling (a file) or leaves the client to its owner (Redis). */
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

const stderrLog = (line: string): void => void process.stderr.write(`${line}\n`);

/** Milliseconds one re-read of the file may take before it counts as unavailable (a hung mount). */
const READ_TIMEOUT_MS = 5000;

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
  if (typeof options !== 'object' || options === null) throw new TypeError(`${caller}: options must be an object`);
  for (const name of Object.keys(options)) if (name !== 'pollInterval' && name !== 'log') throw new TypeError(`${caller}: option "${name}" is unknown`);
  const pollInterval = options.pollInterval ?? 1000;
  if (typeof pollInterval !== 'number' || !Number.isFinite(pollInterval) || pollInterval < 0 || pollInterval > 2 ** 31 - 1) {
    throw new TypeError(`${caller}: option "pollInterval" must be a number of milliseconds from 0 to 2147483647`);
  }
  if (options.log !== undefined && options.log !== false && typeof options.log !== 'function') throw new TypeError(`${caller}: option "log" must be a function or false`);
  const log = options.log === false ? undefined : (options.log ?? stderrLog);
  const file = resolve(path);
  const description = `file ${file}`;
  let list: RevocationList | undefined;
  let lookup: RevocationSource['lookup'] | undefined;
  let problem: string | undefined;
  let loggedProblem: string | undefined;

  const write = (fields: Record<string, unknown>) => log?.(JSON.stringify({ event: 'revocations', source: description, ...fields }));

  function fail(result: 'invalid' | 'unavailable', reason: string): void {
    problem = reason;
    if (reason !== loggedProblem) {
      loggedProblem = reason;
      write({ result, reason, kept: list === undefined ? 'none' : 'last good list' });
    }
  }

  /** Takes what one read of the file found: a list that parses replaces the last good one. */
  function settle(found: FileRead): void {
    if (!('text' in found)) return fail(found.result, found.reason);
    let parsed: RevocationList;
    try {
      parsed = parseRevocations(found.text);
    } catch (error) {
      return fail('invalid', (error as Error).message);
    }
    list = parsed;
    lookup = listLookup(parsed);
    problem = undefined;
    loggedProblem = undefined;
    write({ result: 'loaded', sub: parsed.sub.size, sid: parsed.sid.size });
  }

  // Read as the keyring file is (watched-file.ts): regular files only, bounded, re-reads off the event loop.
  const watched = watchFile(
    file,
    { maxBytes: MAX_REVOCATIONS_BYTES, tooLarge: `revocations: the file is larger than ${MAX_REVOCATIONS_BYTES} bytes`, holds: 'a revocation list', pollInterval, readTimeout: READ_TIMEOUT_MS },
    settle,
    () => undefined,
  );

  return Object.freeze({
    description,
    get problem() {
      return problem;
    },
    lookup(sub: string | undefined, sid: string | undefined) {
      if (lookup === undefined) throw new Error(problem ?? 'no revocation list loaded');
      return lookup(sub, sid);
    },
    reload: () => void watched.reload(),
    close: watched.close,
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

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

function redisTime(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string' || !DECIMAL.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new Error('a revocation key in Redis does not hold a Unix time'); // a store fault, never a pass by accident
  }
  return Number(value);
}

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
      const keys: string[] = [];
      if (sub !== undefined) keys.push(`${prefix}sub:${sub}`);
      if (sid !== undefined) keys.push(`${prefix}sid:${sid}`);
      const values = await client.mget(...keys);
      if (!Array.isArray(values) || values.length !== keys.length) throw new Error('Redis answered MGET with the wrong shape');
      return {
        subNotBefore: sub === undefined ? undefined : redisTime(values[0]),
        sidUntil: sid === undefined ? undefined : redisTime(values[sub === undefined ? 0 : 1]),
      };
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
