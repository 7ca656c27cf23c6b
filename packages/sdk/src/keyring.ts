import { readFileSync } from 'node:fs';
import { createKeyring, UrlsealError, type Keyring } from '@urlseal/edge/contract';

/**
 * Name of the environment variable holding keyring JSON text.
 *
 * @example
 * ```ts
 * import { KEYRING_ENV, generateKeyring } from '@urlseal/sdk';
 * process.env[KEYRING_ENV] = JSON.stringify(generateKeyring({ kid: '2026-11', alg: 'HS256' }));
 * ```
 */
export const KEYRING_ENV = 'URLSEAL_KEYRING';

/**
 * Loads and validates a keyring from a file path or, when `file` is omitted, from the
 * JSON text in env `URLSEAL_KEYRING`. Throws `UrlsealError` (`ERR_KEYRING_INVALID`)
 * with a one-line message naming the problem; it never holds the keyring's content.
 *
 * @example
 * ```ts
 * import { loadKeyring } from '@urlseal/sdk';
 * const keyring = loadKeyring('./keyring.local.json');
 * const fromEnv = loadKeyring(); // reads process.env.URLSEAL_KEYRING
 * ```
 */
export function loadKeyring(file?: string, env: Readonly<Record<string, string | undefined>> = process.env): Keyring {
  if (file === undefined) {
    const text = env[KEYRING_ENV];
    if (text === undefined || text.trim() === '') {
      throw new UrlsealError('ERR_KEYRING_INVALID', `loadKeyring: no file given and env ${KEYRING_ENV} is not set; pass a keyring file path or set ${KEYRING_ENV} to the keyring JSON`);
    }
    return createKeyring(text);
  }
  if (typeof file !== 'string' || file === '') throw new TypeError('loadKeyring: file must be a path to a keyring JSON file');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UrlsealError('ERR_KEYRING_INVALID', `loadKeyring: cannot read keyring file ${file} (${reason})`);
  }
  return createKeyring(text);
}
