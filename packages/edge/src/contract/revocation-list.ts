// The revocation list's format (issue 18, docs/spec.md "Revocation"): what a
// source answers for one token, the interface every source implements, and the
// JSON file `urlseal revoke` writes and the file source reads. Part of the
// contract: the signer's writer and the edge's readers share it byte for byte.
import { isPlainObject } from '../lib/own.js';

/**
 * What a source knows about one token's `sub` and `sid`: the subject entry's
 * `notBefore` (tokens of that user with `iat < notBefore` are revoked) and the
 * session entry's `until` (tokens of that session are revoked while now < `until`),
 * both Unix seconds. Absent: no entry.
 *
 * @example
 * ```ts
 * import type { RevocationEntries } from '@urlseal/edge';
 * const entries: RevocationEntries = { subNotBefore: 1_900_000_000 };
 * ```
 */
export interface RevocationEntries {
  readonly subNotBefore?: number | undefined;
  readonly sidUntil?: number | undefined;
}

/** What {@link RevocationSource.lookup} answers: the entries, or `undefined`/`null` for none. */
export type RevocationAnswer = RevocationEntries | undefined | null;

/**
 * Where a verifier reads revocations. `lookup` gets the token's `sub` and `sid`
 * (either may be absent, never both) and answers the entries it holds, or
 * `undefined`/`null` for none; it may answer with a promise. A throw, a
 * rejection, an answer past the timeout or an answer of the wrong shape is a
 * store fault, answered as `onStoreError` says.
 *
 * @example
 * ```ts
 * import type { RevocationSource } from '@urlseal/edge';
 * const revokedUsers = new Map([['student-42', 1_900_000_000]]);
 * const source: RevocationSource = { lookup: (sub) => ({ subNotBefore: sub === undefined ? undefined : revokedUsers.get(sub) }) };
 * ```
 */
export interface RevocationSource {
  lookup(sub: string | undefined, sid: string | undefined): RevocationAnswer | Promise<RevocationAnswer>;
}

/**
 * A revocation list as the file source and `urlseal revoke` share it:
 * `{"sub": {"<user>": notBefore}, "sid": {"<session>": until}}`, Unix seconds.
 *
 * @example
 * ```ts
 * import type { RevocationList } from '@urlseal/edge/contract';
 * const list: RevocationList = { sub: new Map([['ada', 1_900_000_000]]), sid: new Map() };
 * ```
 */
export interface RevocationList {
  readonly sub: ReadonlyMap<string, number>;
  readonly sid: ReadonlyMap<string, number>;
}

/**
 * Largest revocation file read, in bytes.
 *
 * @example
 * ```ts
 * import { MAX_REVOCATIONS_BYTES } from '@urlseal/edge/contract';
 * MAX_REVOCATIONS_BYTES; // 16 MiB
 * ```
 */
export const MAX_REVOCATIONS_BYTES = 16 * 1024 * 1024;

function readTable(json: Record<string, unknown>, member: 'sub' | 'sid'): Map<string, number> {
  const table = new Map<string, number>();
  const value = json[member];
  if (value === undefined) return table;
  if (!isPlainObject(value)) throw new TypeError(`revocations: "${member}" must be an object of id → Unix time`);
  let index = 0;
  for (const [id, time] of Object.entries(value)) {
    index++;
    // Described by position, never echoed: an id may be a user's e-mail address.
    if (id === '' || id.length > 1024) throw new TypeError(`revocations: "${member}" entry ${index} has an id that is empty or longer than 1024 characters`);
    if (!Number.isSafeInteger(time) || (time as number) < 0) throw new TypeError(`revocations: "${member}" entry ${index} is not a Unix time in whole seconds`);
    table.set(id, time as number);
  }
  return table;
}

/**
 * Parses a revocation list (`TypeError` saying which member is wrong, never
 * echoing an id). Members other than `sub`, `sid` and `version` are refused.
 *
 * @example
 * ```ts
 * import { parseRevocations } from '@urlseal/edge/contract';
 * parseRevocations('{"sub":{"ada":1900000000}}').sub.get('ada'); // 1900000000
 * ```
 */
export function parseRevocations(text: string): RevocationList {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TypeError('revocations: the file is not JSON');
  }
  if (!isPlainObject(json)) throw new TypeError('revocations: must be a JSON object {"sub": {…}, "sid": {…}}');
  for (const name of Object.keys(json)) {
    if (name !== 'sub' && name !== 'sid' && name !== 'version') throw new TypeError('revocations: only "sub", "sid" and "version" are allowed at the top level');
  }
  if (json.version !== undefined && json.version !== 1) throw new TypeError('revocations: "version" must be 1');
  return { sub: readTable(json, 'sub'), sid: readTable(json, 'sid') };
}
