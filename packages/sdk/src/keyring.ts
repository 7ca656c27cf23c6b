import { readFileSync } from 'node:fs';
import { createKeyring, UrlsealError, type Keyring } from '@urlseal/edge/contract';

/**
 * Name of the environment variable holding keyring JSON text.
 *
 * @example
 * ```ts
 * import { KEYRING_ENV } from '@urlseal/sdk';
 * process.env[KEYRING_ENV] = JSON.stringify(keyringJson);
 * ```
 */
export const KEYRING_ENV = 'URLSEAL_KEYRING';

/**
 * Loads and validates a keyring from a file path or, when `source` is
 * omitted, from the JSON text in env `URLSEAL_KEYRING`. Throws `UrlsealError`
 * (`ERR_KEYRING_INVALID`) with a one-line message naming the problem.
 *
 * @example
 * ```ts
 * import { loadKeyring } from '@urlseal/sdk';
 * const keyring = loadKeyring('./keyring.local.json');
 * const fromEnv = loadKeyring(); // reads process.env.URLSEAL_KEYRING
 * ```
 */
export function loadKeyring(source?: string, env: NodeJS.ProcessEnv = process.env): Keyring {
  if (source === undefined) {
    const text = env[KEYRING_ENV];
    if (text === undefined || text.trim() === '') {
      throw new UrlsealError('ERR_KEYRING_INVALID', `no keyring: pass --keyring FILE or set ${KEYRING_ENV} to the keyring JSON`);
    }
    return createKeyring(text);
  }
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UrlsealError('ERR_KEYRING_INVALID', `cannot read keyring file ${source} (${reason})`);
  }
  return createKeyring(text);
}
