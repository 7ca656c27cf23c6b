// The writer side of revocation (issue 18): `revokeUser`, `revokeSession` and
// `listRevocations` for an LMS backend, and what `urlseal revoke` runs. A file
// store is rewritten atomically (a 0600 temporary file renamed over it, under a
// lock file), dropping entries that can be forgotten; a Redis store (the
// optional peer ioredis) gets one key per entry whose TTL is when it can be forgotten.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, basename, resolve } from 'node:path';
import { DEFAULT_LEEWAY, DEFAULT_MAX_TTL, parseRevocations } from '@urlseal/edge/contract';
import { REDIS_REVOCATION_PREFIX } from '@urlseal/edge/revocation-source';

/**
 * Options of {@link revokeUser}, {@link revokeSession} and {@link listRevocations}.
 *
 * @example
 * ```ts
 * import type { RevokeOptions } from '@urlseal/sdk';
 * const options: RevokeOptions = { maxTtl: 3600 };
 * ```
 */
export interface RevokeOptions {
  /** The edges' `maxTtl` (seconds, default 86400): how long a revoked user's entry must be kept. */
  maxTtl?: number;
  /** The edges' clock tolerance (seconds, default 30). */
  leeway?: number;
  /** Now, Unix seconds (tests). Default the system clock. */
  now?: number;
}

/**
 * The revocation entries in a store, as plain JSON (the file's own format).
 *
 * @example
 * ```ts
 * import type { RevocationsJson } from '@urlseal/sdk';
 * const json: RevocationsJson = { sub: { ada: 1_900_000_000 }, sid: {} };
 * ```
 */
export interface RevocationsJson {
  sub: Record<string, number>;
  sid: Record<string, number>;
}

function readSeconds(value: unknown, fn: string, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new TypeError(`${fn}: option "${name}" must be whole seconds ≥ 0`);
  return value;
}

function checkId(value: unknown, fn: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) throw new TypeError(`${fn}: ${what} must be a string of 1 to 1024 characters`);
  return value;
}

function checkStore(store: unknown, fn: string): string {
  if (typeof store !== 'string' || store === '') throw new TypeError(`${fn}: the store must be a revocation file path or a redis:// URL`);
  return isRedisUrl(store) ? store : resolve(store);
}

const isRedisUrl = (store: string): boolean => /^rediss?:\/\//i.test(store);

// Moves an entry only later, with its TTL at the moment it can be forgotten (EXAT).
const RAISE = `local cur = tonumber(redis.call('GET', KEYS[1]))
if cur ~= nil and cur >= tonumber(ARGV[1]) then return cur end
redis.call('SET', KEYS[1], ARGV[1], 'EXAT', ARGV[2])
return tonumber(ARGV[1])`;

interface RedisClient {
  eval(script: string, keys: number, ...args: string[]): Promise<unknown>;
  scan(cursor: string, ...args: string[]): Promise<[string, string[]]>;
  mget(...keys: string[]): Promise<Array<string | null>>;
  quit(): Promise<unknown>;
  disconnect(): void;
  connect(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

async function withRedis<T>(url: string, use: (client: RedisClient) => Promise<T>): Promise<T> {
  let Redis: new (url: string, options: Record<string, unknown>) => RedisClient;
  try {
    ({ Redis } = (await import('ioredis')) as unknown as { Redis: typeof Redis });
  } catch {
    throw new Error('a redis:// revocation store needs the ioredis package: npm install ioredis');
  }
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5000, retryStrategy: () => null });
  client.on('error', () => undefined); // reported through the command that fails
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot reach the Redis store (${(error as NodeJS.ErrnoException).code ?? 'no answer'})`);
  }
  try {
    return await use(client);
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}

/** Sets `<prefix><kind>:<id>` to at least `time`, expiring at `forgetAt`; resolves to the value now held. */
function raiseInRedis(url: string, kind: 'sub' | 'sid', id: string, time: number, forgetAt: number): Promise<number> {
  return withRedis(url, async (client) => Number(await client.eval(RAISE, 1, `${REDIS_REVOCATION_PREFIX}${kind}:${id}`, String(time), String(Math.max(forgetAt, time + 1)))));
}

async function listRedis(url: string): Promise<RevocationsJson> {
  return withRedis(url, async (client) => {
    const out: RevocationsJson = { sub: table(), sid: table() };
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${REDIS_REVOCATION_PREFIX}*`, 'COUNT', '500');
      cursor = next;
      if (keys.length === 0) continue;
      const values = await client.mget(...keys);
      keys.forEach((key, i) => {
        const rest = key.slice(REDIS_REVOCATION_PREFIX.length);
        const kind = rest.startsWith('sub:') ? 'sub' : rest.startsWith('sid:') ? 'sid' : undefined;
        const value = Number(values[i]);
        if (kind !== undefined && Number.isSafeInteger(value)) out[kind][rest.slice(4)] = value;
      });
    } while (cursor !== '0');
    return out;
  });
}

interface Resolved {
  readonly now: number;
  /** Seconds after notBefore when a subject entry can be forgotten. */
  readonly keep: number;
}

function resolveOptions(options: RevokeOptions | undefined, fn: string): Resolved {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throw new TypeError(`${fn}: options must be an object`);
  for (const name of Object.keys(o)) {
    if (!['maxTtl', 'leeway', 'now', 'before', 'until'].includes(name)) throw new TypeError(`${fn}: option "${name}" is unknown`);
  }
  const now = readSeconds(o.now, fn, 'now', Math.floor(Date.now() / 1000));
  return { now, keep: readSeconds(o.maxTtl, fn, 'maxTtl', DEFAULT_MAX_TTL) + readSeconds(o.leeway, fn, 'leeway', DEFAULT_LEEWAY) };
}

/** The file's entries, or empty when there is no file yet; a file that does not parse is an error, never overwritten. */
function readStore(file: string): RevocationsJson {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { sub: table(), sid: table() };
    throw new Error(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let list;
  try {
    list = parseRevocations(text);
  } catch (error) {
    throw new Error(`${file} is not a revocation list (${(error as Error).message}); fix it or move it away`);
  }
  return { sub: table(list.sub), sid: table(list.sid) };
}

/** An id → time table without a prototype: a user called `__proto__` is an entry like any other. */
function table(entries: Iterable<readonly [string, number]> = []): Record<string, number> {
  const out = Object.create(null) as Record<string, number>;
  for (const [id, time] of entries) out[id] = time;
  return out;
}

/** Drops the entries no token can match any more: notBefore + keep passed, until passed. */
function forget(json: RevocationsJson, resolved: Resolved): void {
  for (const [id, notBefore] of Object.entries(json.sub)) if (notBefore + resolved.keep <= resolved.now) delete json.sub[id];
  for (const [id, until] of Object.entries(json.sid)) if (until <= resolved.now) delete json.sid[id];
}

/** Writes the whole file at once: a 0600 temporary file in the same folder, synced, renamed over it. */
function writeStore(file: string, json: RevocationsJson): void {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify({ version: 1, sub: json.sub, sid: json.sid })}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

const LOCK_WAIT_MS = 5000;
const LOCK_STALE_MS = 30_000;

/** Runs `change` holding `FILE.lock` (two writers never lose each other's entry). */
async function withLock<T>(file: string, change: () => T): Promise<T> {
  const lock = `${file}.lock`;
  const started = Date.now();
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot lock ${file} (${(error as NodeJS.ErrnoException).code ?? 'unwritable'})`);
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { force: true }); // left by a writer that died
      } catch {
        // gone already: try again
      }
      if (Date.now() - started > LOCK_WAIT_MS) throw new Error(`${lock} is held by another writer; remove it if no urlseal revoke is running`);
      await new Promise((done) => setTimeout(done, 10));
    }
  }
  try {
    return change();
  } finally {
    rmSync(lock, { force: true });
  }
}

async function update(fn: string, store: string, options: RevokeOptions | undefined, change: (json: RevocationsJson, resolved: Resolved) => void): Promise<void> {
  const file = checkStore(store, fn);
  const resolved = resolveOptions(options, fn);
  await withLock(file, () => {
    const json = readStore(file);
    forget(json, resolved);
    change(json, resolved);
    writeStore(file, json);
  });
}

/**
 * Revokes every token of user `sub` issued before `before` (default now): the
 * edges answer them 403 `ERR_TOKEN_REVOKED` within their cache TTL. Links
 * signed from `before` on work. An earlier entry for the user is only ever
 * moved later. Resolves to the entry written and when it can be forgotten.
 *
 * @example
 * ```ts
 * import { revokeUser } from '@urlseal/sdk';
 * await revokeUser('/var/lib/urlseal/revocations.json', 'student-42'); // "sign out everywhere"
 * ```
 */
export async function revokeUser(store: string, sub: string, options?: RevokeOptions & { before?: number }): Promise<{ sub: string; notBefore: number; forgetAt: number }> {
  const fn = 'revokeUser';
  checkId(sub, fn, 'sub');
  if (isRedisUrl(checkStore(store, fn))) {
    const resolved = resolveOptions(options, fn);
    const before = readSeconds(options?.before, fn, 'before', resolved.now);
    const notBefore = await raiseInRedis(store, 'sub', sub, before, before + resolved.keep);
    return { sub, notBefore, forgetAt: notBefore + resolved.keep };
  }
  let written = { sub, notBefore: 0, forgetAt: 0 };
  await update(fn, store, options, (json, resolved) => {
    const before = readSeconds(options?.before, fn, 'before', resolved.now);
    const notBefore = Math.max(before, json.sub[sub] ?? 0);
    json.sub[sub] = notBefore;
    written = { sub, notBefore, forgetAt: notBefore + resolved.keep };
  });
  return written;
}

/**
 * Revokes every token of session `sid` until `until` (default now + maxTtl +
 * leeway: until every token it holds has expired). An earlier entry is only
 * ever moved later.
 *
 * @example
 * ```ts
 * import { revokeSession } from '@urlseal/sdk';
 * await revokeSession('/var/lib/urlseal/revocations.json', 'login-7f3a'); // a stolen session
 * ```
 */
export async function revokeSession(store: string, sid: string, options?: RevokeOptions & { until?: number }): Promise<{ sid: string; until: number }> {
  const fn = 'revokeSession';
  checkId(sid, fn, 'sid');
  if (isRedisUrl(checkStore(store, fn))) {
    const resolved = resolveOptions(options, fn);
    const until = readSeconds(options?.until, fn, 'until', resolved.now + resolved.keep);
    return { sid, until: await raiseInRedis(store, 'sid', sid, until, until) };
  }
  let written = { sid, until: 0 };
  await update(fn, store, options, (json, resolved) => {
    const until = Math.max(readSeconds(options?.until, fn, 'until', resolved.now + resolved.keep), json.sid[sid] ?? 0);
    json.sid[sid] = until;
    written = { sid, until };
  });
  return written;
}

/**
 * The entries in a store that still matter (forgettable ones left out).
 *
 * @example
 * ```ts
 * import { listRevocations } from '@urlseal/sdk';
 * const { sub, sid } = await listRevocations('/var/lib/urlseal/revocations.json');
 * ```
 */
export async function listRevocations(store: string, options?: RevokeOptions): Promise<RevocationsJson> {
  const fn = 'listRevocations';
  const file = checkStore(store, fn);
  const resolved = resolveOptions(options, fn);
  const json = isRedisUrl(file) ? await listRedis(file) : readStore(file);
  forget(json, resolved);
  return json;
}
