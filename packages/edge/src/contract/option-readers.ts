// The readers of the options the signer and the verifier share (`keyring`,
// `currentDate`): one implementation, so both accept the same values and refuse
// the same mistakes with the same messages (naming the caller and the option).
import { UrlsealError } from './errors.js';
import { createKeyring, type Keyring, type KeyringJson } from './keyring.js';
import { isPlainObject } from '../lib/own.js';

/** Whether a `keyring` option is a `Keyring` already (made by createKeyring), not its JSON. */
export function isKeyring(value: unknown): value is Keyring {
  return isPlainObject(value) && value.keys instanceof Map && Array.isArray(value.secureToken);
}

/**
 * Reads a `keyring` option: a `Keyring`, its JSON object, or its JSON text. An
 * invalid keyring throws `UrlsealError` `ERR_KEYRING_INVALID` naming the member;
 * text that is not JSON at all (a file path, most often) gets its own message,
 * without echoing the text, which could be a secret. A missing or mistyped option
 * is a `TypeError` naming `caller` and the option.
 *
 * @example
 * ```ts
 * import { readKeyring } from '@urlseal/edge/contract';
 * const keyring = readKeyring(process.env.URLSEAL_KEYRING, 'createSigner');
 * keyring.active?.kid;
 * ```
 */
export function readKeyring(value: unknown, caller: string): Keyring {
  if (isKeyring(value)) return value;
  if (typeof value === 'string') {
    if (!value.trimStart().startsWith('{')) {
      throw new UrlsealError(
        'ERR_KEYRING_INVALID',
        `${caller}: option "keyring" is text that is not keyring JSON; to read a keyring file, pass loadKeyring(path) from @urlseal/sdk`,
      );
    }
    return createKeyring(value);
  }
  if (isPlainObject(value)) return createKeyring(value as KeyringJson);
  throw new TypeError(`${caller}: option "keyring" is required: a keyring, its JSON object or its JSON text (urlseal keygen makes one)`);
}

/**
 * Reads a `currentDate` option (a `Date`, or a function returning one) as a clock
 * in Unix milliseconds; absent, the system clock. A clock function that returns
 * no valid `Date` throws a `TypeError` when called: the signer refuses to sign,
 * the verifier answers 503.
 *
 * @example
 * ```ts
 * import { readClock } from '@urlseal/edge/contract';
 * const now = readClock(new Date('2026-11-30T12:00:00Z'), 'createSigner');
 * now(); // 1796040000000
 * ```
 */
export function readClock(value: unknown, caller: string): () => number {
  const invalid = (problem: string) => new TypeError(`${caller}: option "currentDate" ${problem}`);
  if (value === undefined) return () => Date.now();
  if (value instanceof Date && Number.isFinite(value.getTime())) {
    const ms = value.getTime();
    return () => ms;
  }
  if (typeof value !== 'function') throw invalid('must be a valid Date or a function returning a Date');
  return () => {
    const date: unknown = (value as () => unknown)();
    if (!(date instanceof Date) || !Number.isFinite(date.getTime())) throw invalid('must return a valid Date');
    return date.getTime();
  };
}
