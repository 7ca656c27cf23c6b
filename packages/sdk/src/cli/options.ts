import { DEFAULT_MAX_TTL, describeNotAPath, type Keyring } from '@urlseal/edge/contract';
import { MAX_UNIX_SECONDS } from '../claims.js';
import { KEYRING_ENV, loadKeyring, notAPathMessage } from '../keyring.js';
import { parseTtl, type Ttl } from '../ttl.js';
import type { Flags, ParsedArgs } from './args.js';
import { stringFlag } from './args.js';
import { UsageError } from './usage.js';

/**
 * The `--keyring FILE` flag (`-k`) every command that uses a keyring takes; env
 * `URLSEAL_KEYRING` (the JSON text) stands in when it is absent.
 */
export const KEYRING_FLAG = { keyring: { type: 'string', short: 'k' } } as const satisfies Flags;

/**
 * Loads the keyring named by `--keyring`, else from env `URLSEAL_KEYRING`. Throws
 * `UsageError` when there is neither, `UrlsealError` (`ERR_KEYRING_INVALID`) naming the
 * problem otherwise.
 */
export function keyringFromFlag(parsed: ParsedArgs, env: NodeJS.ProcessEnv = process.env): Keyring {
  const file = stringFlag(parsed, 'keyring');
  if (file === undefined && (env[KEYRING_ENV] ?? '').trim() === '') {
    throw new UsageError(`no keyring: pass --keyring FILE (-k FILE), or set env ${KEYRING_ENV} to the keyring JSON (urlseal keygen makes one)`);
  }
  if (file !== undefined) checkKeyringPath(file);
  return loadKeyring(file, env);
}

/** Refuses a `--keyring` value that is plainly not a path (keyring JSON, a secret), describing it, never echoing it. */
export function checkKeyringPath(file: string): void {
  const notAPath = notAPathMessage(file, '--keyring (-k)');
  if (notAPath !== undefined) throw new UsageError(notAPath);
}

/** A path as messages show it: itself, or a description when it is plainly not a path (it may hold a secret). */
export function pathWords(value: string): string {
  const looks = describeNotAPath(value);
  return looks === undefined ? value : `the value given (it looks like ${looks}, not a path)`;
}

/** `--ttl` as whole seconds within `maxTtl` (library errors name the flag via cliMessage). */
export function ttlFlag(value: string | undefined, command: string, maxTtl = DEFAULT_MAX_TTL): number | undefined {
  return value === undefined ? undefined : parseTtl(value as Ttl, maxTtl, command, 'ttl');
}

/** A Unix-time flag (`--expires`, `--now`): decimal digits only. */
export function unixFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(value)) throw new UsageError(`${flag} must be a Unix time in seconds, digits only (e.g. 1893456000)`);
  if (Number(value) > MAX_UNIX_SECONDS) {
    throw new UsageError(`${flag} is above 10^11, a time in milliseconds, not Unix seconds; divide it by 1000 (date +%s gives seconds)`);
  }
  return Number(value);
}

/** A flag restricted to a few values. */
export function choiceFlag<T extends string>(value: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${choices.join(', ')}`);
  return value as T;
}

/** Now, in Unix seconds: `--now` when given, else the system clock. */
export function nowFlag(parsed: ParsedArgs): number {
  return unixFlag(stringFlag(parsed, 'now'), '--now') ?? Math.floor(Date.now() / 1000);
}

/** Writes one line to stdout. */
export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Writes one warning line to stderr (the command still succeeds). */
export function warn(command: string, text: string): void {
  process.stderr.write(`urlseal ${command}: warning: ${text}\n`);
}
