// Revocation (issue 18): per-user and per-session entries, read from a source
// the operator configures, checked after signature, time, path and ip (and
// any later claim check), so a forged or expired token never costs a lookup.
// Web APIs only: every source (a file, Redis, a KV store) implements one
// interface, and a small bounded cache per verifier keeps a hot edge from
// asking the store per request.
import { ERR_CLAIM_INVALID, ERR_REVOCATION_UNAVAILABLE, ERR_TOKEN_REVOKED } from '../contract/codes.js';
import { deny, isThenable, type Checked, type MaybeAsync } from './decide.js';
import { isPlainObject } from '../lib/own.js';
import type { Prepared } from './types.js';
import type { RevocationEntries, RevocationList, RevocationSource } from '../contract/revocation-list.js';

/**
 * The verifier's `revocation` option.
 *
 * @example
 * ```ts
 * import { createVerifier, type RevocationOptions } from '@urlseal/edge';
 * declare const source: RevocationOptions['source'];
 * const revocation: RevocationOptions = { source, onStoreError: 'deny', cacheTtl: 10 };
 * createVerifier({ keyring: process.env.URLSEAL_KEYRING!, revocation });
 * ```
 */
export interface RevocationOptions {
  /** Where entries are read. */
  source: RevocationSource;
  /** A store fault (throw, timeout, garbage): `'deny'` answers 503 `ERR_REVOCATION_UNAVAILABLE`, `'allow'` passes. Required. */
  onStoreError: 'deny' | 'allow';
  /** Seconds an answer is remembered per `sub`/`sid` pair, 0–30. Default 10: the revocation delay of a cached answer. */
  cacheTtl?: number;
  /** Milliseconds a lookup may take before it is a store fault, 1–10000. Default 500. */
  timeout?: number;
  /** Most answers remembered for each shape of token (`sub` only, `sid` only, both), 1–1000000. Default 10000. */
  cacheSize?: number;
}

/** The option, validated, with its cache. */
export interface PreparedRevocation {
  readonly check: (p: Prepared, checked: Checked) => MaybeAsync<Checked>;
}

export const DEFAULT_REVOCATION_CACHE_TTL = 10;
export const MAX_REVOCATION_CACHE_TTL = 30;
const DEFAULT_TIMEOUT_MS = 500;
const DEFAULT_CACHE_SIZE = 10_000;
const OPTION_NAMES = new Set(['source', 'onStoreError', 'cacheTtl', 'timeout', 'cacheSize']);

function optionError(name: string, problem: string): never {
  throw new TypeError(`createVerifier: option "revocation.${name}" ${problem}`);
}

function readNumber(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) optionError(name, `must be a number from ${min} to ${max}`);
  return value;
}

/** A store answer of the right shape, or `undefined` when it is garbage (a store fault). */
function readEntries(answer: unknown): RevocationEntries | undefined {
  if (answer === undefined || answer === null) return {};
  if (!isPlainObject(answer)) return undefined;
  const { subNotBefore, sidUntil } = answer as Record<string, unknown>;
  if (subNotBefore !== undefined && !Number.isSafeInteger(subNotBefore)) return undefined;
  if (sidUntil !== undefined && !Number.isSafeInteger(sidUntil)) return undefined;
  return { subNotBefore: subNotBefore as number | undefined, sidUntil: sidUntil as number | undefined };
}

/** Whether the entries revoke a token issued at `iat` (absent: it cannot show it is newer) at `now`. */
export function isRevoked(entries: RevocationEntries, iat: unknown, now: number): 'sub' | 'sid' | undefined {
  if (entries.subNotBefore !== undefined && !(typeof iat === 'number' && iat >= entries.subNotBefore)) return 'sub';
  if (entries.sidUntil !== undefined && now < entries.sidUntil) return 'sid';
  return undefined;
}

const STORE_FAULT = Symbol('store fault');
type Answer = RevocationEntries | typeof STORE_FAULT;

/** A lookup bounded by `timeout` ms: a fault when it throws, rejects, runs over or answers garbage. */
function boundedLookup(source: RevocationSource, sub: string | undefined, sid: string | undefined, timeout: number): MaybeAsync<Answer> {
  let answer: MaybeAsync<unknown>;
  try {
    answer = source.lookup(sub, sid);
  } catch {
    return STORE_FAULT;
  }
  if (!isThenable(answer)) return readEntries(answer) ?? STORE_FAULT;
  return new Promise<Answer>((resolve) => {
    const timer = setTimeout(() => resolve(STORE_FAULT), timeout);
    const settle = (value: Answer) => {
      clearTimeout(timer);
      resolve(value);
    };
    (answer as Promise<unknown>).then(
      (value) => settle(readEntries(value) ?? STORE_FAULT),
      () => settle(STORE_FAULT),
    );
  });
}

/** Validates the `revocation` option (`TypeError` naming the member) and makes its check with its own cache. */
export function readRevocation(value: unknown): PreparedRevocation | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new TypeError('createVerifier: option "revocation" must be an object { source, onStoreError }');
  for (const name of Object.keys(value)) if (!OPTION_NAMES.has(name)) optionError(name, 'is unknown');
  const source = value.source as RevocationSource | undefined;
  if (typeof source?.lookup !== 'function') optionError('source', 'must be a revocation source: an object with lookup(sub, sid)');
  const onStoreError = value.onStoreError;
  if (onStoreError !== 'deny' && onStoreError !== 'allow') {
    optionError('onStoreError', 'is required with a revocation source: "deny" (a store fault answers 503) or "allow" (it passes)');
  }
  const cacheMs = readNumber('cacheTtl', value.cacheTtl, DEFAULT_REVOCATION_CACHE_TTL, 0, MAX_REVOCATION_CACHE_TTL) * 1000;
  const timeout = readNumber('timeout', value.timeout, DEFAULT_TIMEOUT_MS, 1, 10_000);
  const cacheSize = Math.floor(readNumber('cacheSize', value.cacheSize, DEFAULT_CACHE_SIZE, 1, 1_000_000));
  // Insertion-ordered: the first key is the oldest, dropped when the cache is full. One map per
  // shape of token (sub only, sid only, both), so the common keys are the claim itself.
  type Cached = { readonly entries: RevocationEntries | undefined; readonly until: number };
  const bySub = new Map<string, Cached>();
  const bySid = new Map<string, Cached>();
  const byPair = new Map<string, Cached>();

  const answerFor = (p: Prepared, checked: Extract<Checked, { ok: true }>, answer: Answer | undefined, nowMs: number): Checked => {
    if (answer === undefined) return checked; // no entry for this sub/sid: the common answer, no clock maths
    if (answer === STORE_FAULT) return onStoreError === 'allow' ? checked : deny(p, ERR_REVOCATION_UNAVAILABLE, 'revocation store');
    const now = Math.floor(nowMs / 1000);
    if (!Number.isSafeInteger(now)) return deny(p, ERR_REVOCATION_UNAVAILABLE, 'clock');
    const which = isRevoked(answer, checked.claims.iat, now);
    return which === undefined ? checked : deny(p, ERR_TOKEN_REVOKED, which);
  };

  const check = (p: Prepared, checked: Checked): MaybeAsync<Checked> => {
    if (!checked.ok) return checked;
    const sub = checked.claims.sub;
    const sid = checked.claims.sid;
    // `sub` is a string or absent already (SPEC §4); `sid` is checked here, where it matters.
    if (sid !== undefined && typeof sid !== 'string') return deny(p, ERR_CLAIM_INVALID, 'sid');
    let cache: Map<string, Cached>;
    let key: string;
    if (sid === undefined) {
      if (sub === undefined) return checked;
      cache = bySub;
      key = sub;
    } else if (sub === undefined) {
      cache = bySid;
      key = sid;
    } else {
      cache = byPair;
      key = `${sub.length}:${sub}${sid}`; // length-prefixed: no two pairs share a key
    }
    const nowMs = p.clock();
    const cached = cache.get(key);
    if (cached !== undefined) {
      if (nowMs < cached.until) return answerFor(p, checked, cached.entries, nowMs);
      cache.delete(key);
    }
    const remember = (answer: Answer): Checked => {
      const entries = answer !== STORE_FAULT && answer.subNotBefore === undefined && answer.sidUntil === undefined ? undefined : answer;
      if (answer !== STORE_FAULT && cacheMs > 0 && Number.isFinite(nowMs)) {
        if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
        cache.set(key, { entries: entries as RevocationEntries | undefined, until: nowMs + cacheMs });
      }
      return answerFor(p, checked, entries, nowMs);
    };
    const answer = boundedLookup(source, sub, sid, timeout);
    return isThenable(answer) ? answer.then(remember) : remember(answer);
  };
  return Object.freeze({ check });
}

/** A source over a parsed list (what the file source answers from). */
export function listLookup(list: RevocationList): RevocationSource['lookup'] {
  return (sub, sid) => ({
    subNotBefore: sub === undefined ? undefined : list.sub.get(sub),
    sidUntil: sid === undefined ? undefined : list.sid.get(sid),
  });
}

/**
 * The keys a key-value store holds a token's entries under, the same in every
 * store (Redis, Workers KV): `<prefix>sub:<user>` → notBefore and
 * `<prefix>sid:<session>` → until, in that order, each present only when the
 * token has that claim.
 */
export function revocationKeys(prefix: string, sub: string | undefined, sid: string | undefined): string[] {
  const keys: string[] = [];
  if (sub !== undefined) keys.push(`${prefix}sub:${sub}`);
  if (sid !== undefined) keys.push(`${prefix}sid:${sid}`);
  return keys;
}

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

/** A stored value (a decimal Unix time) as a number; absent is `undefined`; anything else throws (a store fault, never a pass by accident). */
function storedTime(value: unknown, store: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string' || !DECIMAL.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new Error(`a revocation key in ${store} does not hold a Unix time`);
  }
  return Number(value);
}

/** The entries from the values read for {@link revocationKeys}, in its order; a value of the wrong shape throws. */
export function storedEntries(values: ReadonlyArray<unknown>, sub: string | undefined, sid: string | undefined, store: string): RevocationEntries {
  if (!Array.isArray(values) || values.length !== (sub === undefined ? 0 : 1) + (sid === undefined ? 0 : 1)) throw new Error(`${store} answered with the wrong shape`);
  return {
    subNotBefore: sub === undefined ? undefined : storedTime(values[0], store),
    sidUntil: sid === undefined ? undefined : storedTime(values[sub === undefined ? 0 : 1], store),
  };
}

/**
 * The part of a Workers KV namespace binding the KV source uses.
 *
 * @example
 * ```ts
 * import type { KvLike } from '@urlseal/edge';
 * const inMemory = new Map([['sub:student-42', '1900000000']]);
 * const kv: KvLike = { get: async (key) => inMemory.get(key) ?? null };
 * ```
 */
export interface KvLike {
  get(key: string): Promise<string | null>;
}

/**
 * Revocations in a Workers KV namespace (what the ready-made Worker reads when
 * `URLSEAL_REVOCATIONS_KV` names the binding): keys `<prefix>sub:<user>` →
 * notBefore and `<prefix>sid:<session>` → until, each a decimal Unix time (the
 * Redis source's keys, without its default prefix), best written with an
 * expiration for when the entry can be forgotten. One `get` per key, in
 * parallel; a value that is not a Unix time, or a failed read, is a store fault.
 * KV is eventually consistent: a write may take 60 s or more to reach every
 * location, on top of the verifier's `cacheTtl`.
 *
 * @example
 * ```ts
 * import { createVerifier, revocationKv, type KvLike } from '@urlseal/edge';
 * declare const env: { URLSEAL_KEYRING: string; REVOCATIONS: KvLike };
 * const verifier = createVerifier({ keyring: env.URLSEAL_KEYRING, revocation: { source: revocationKv(env.REVOCATIONS), onStoreError: 'deny' } });
 * ```
 */
export function revocationKv(kv: KvLike, prefix = ''): RevocationSource {
  return {
    async lookup(sub, sid) {
      const keys = revocationKeys(prefix, sub, sid);
      return storedEntries(await Promise.all(keys.map((key) => kv.get(key))), sub, sid, 'Workers KV');
    },
  };
}
