import type { Keyring } from '@urlseal/edge/contract';
import { loadKeyring } from '../keyring.js';
import { parseTtl } from '../ttl.js';
import type { Flags } from './args.js';
import { UsageError } from './usage.js';

/**
 * The `--keyring FILE` flag shared by sign, verify and serve; env
 * `URLSEAL_KEYRING` (the JSON text) stands in when it is absent.
 */
export const KEYRING_FLAG: Flags = { keyring: { type: 'string', short: 'k' } };

/**
 * Loads the keyring named by `--keyring`, else from env `URLSEAL_KEYRING`.
 * Throws `UrlsealError` (`ERR_KEYRING_INVALID`) with one line naming the
 * problem and the fix.
 */
export function keyringFromFlag(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Keyring {
  return loadKeyring(file, env);
}

/** `--ttl` as whole seconds within `maxTtl`; a UsageError for a bad value. */
export function ttlFlag(value: string | undefined, maxTtl = 86400): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseTtl(value, maxTtl, '--ttl');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A Unix-time flag (`--expires`, `--now`): decimal digits only. */
export function unixFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(value)) throw new UsageError(`${flag} must be a Unix time in seconds, digits only (e.g. 1893456000)`);
  return Number(value);
}

/** A flag restricted to a few values. */
export function choiceFlag<T extends string>(value: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${choices.join(', ')}`);
  return value as T;
}

/** Writes one line to stdout. */
export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}
