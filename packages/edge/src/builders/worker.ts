// `urlseal build worker`: the keyring validated once in Node (createKeyring, as
// createVerifier validates it) and written as a built keyring (built-keyring.ts), the
// URLSEAL_KEYRING the Worker reads without loading its JSON validator (issue 16).
import { writeBuiltKeyring } from '../contract/built-keyring.js';
import type { Keyring, KeyringJson } from '../contract/keyring.js';
import { readKeyring } from '../contract/option-readers.js';

/**
 * A built keyring: `text`, the one line to store as the Worker's `URLSEAL_KEYRING`
 * secret (it holds the secrets), how many JWT keys and secure-token secrets it
 * holds, and notes (keys of a JWK Set left out, one line each, never key material).
 *
 * @example
 * ```ts
 * import { buildWorkerKeyring, type WorkerKeyring } from '@urlseal/edge/build';
 * const built: WorkerKeyring = buildWorkerKeyring(process.env.URLSEAL_KEYRING!);
 * console.log(built.keys, built.secureToken); // e.g. 2 0
 * ```
 */
export interface WorkerKeyring {
  readonly text: string;
  readonly keys: number;
  readonly secureToken: number;
  readonly notes: readonly string[];
}

/**
 * Validates a keyring (SPEC §3; an invalid one throws `UrlsealError`
 * `ERR_KEYRING_INVALID` naming the member, never a secret) and writes it as
 * the Worker reads it fastest: `urlseal-keyring/1 …` (docs/spec.md §9 "Built
 * keyrings"). The Worker still reads keyring JSON, through a module it then loads.
 *
 * @example
 * ```ts
 * import { buildWorkerKeyring } from '@urlseal/edge/build';
 * const { text } = buildWorkerKeyring({ kids: { '2026-11': 'a-demo-secret-of-at-least-32-bytes!!' } });
 * text.startsWith('urlseal-keyring/1 HS256:2026-11:'); // true
 * ```
 */
export function buildWorkerKeyring(keyring: Keyring | KeyringJson | string): WorkerKeyring {
  const read = readKeyring(keyring, 'buildWorkerKeyring');
  return Object.freeze({ text: writeBuiltKeyring(read), keys: read.keys.size, secureToken: read.secureToken.length, notes: Object.freeze([...(read.skipped ?? [])]) });
}
