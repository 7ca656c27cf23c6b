import { DEFAULT_MAX_TTL } from '@urlseal/edge/contract';
import { optionError } from './misuse.js';

/**
 * A unit of a ttl string: seconds, minutes, hours, days.
 *
 * @example
 * ```ts
 * import type { Ttl, TtlUnit } from '@urlseal/sdk';
 * const unit: TtlUnit = 'h';
 * const ttl: Ttl = `2${unit}`;
 * ```
 */
export type TtlUnit = 's' | 'm' | 'h' | 'd';

/**
 * A token lifetime: whole seconds, or digits with an optional unit (`s`, `m`, `h`, `d`),
 * e.g. `'90s'`, `'5m'`, `'2h'`, `'1d'`. The type rejects other units at compile time
 * (`'10y'` does not compile); the value is checked again at run time.
 *
 * @example
 * ```ts
 * import type { Ttl } from '@urlseal/sdk';
 * const ttl: Ttl = '5m';
 * // @ts-expect-error: "y" is not a unit
 * const tooLong: Ttl = '10y';
 * ```
 */
export type Ttl = number | `${number}` | `${number}${TtlUnit}`;

/** Seconds per unit. */
const UNIT_SECONDS: Readonly<Record<TtlUnit, number>> = { s: 1, m: 60, h: 3600, d: 86400 };
const TTL_PATTERN = /^([0-9]{1,9})([smhd]?)$/;
const NEGATIVE_PATTERN = /^-[0-9]+[smhd]?$/;

/** A ttl's value in seconds, or why it is not one (also for the CLI's duration flags). */
export function ttlSeconds(ttl: unknown): number | 'shape' | 'not-positive' {
  if (typeof ttl === 'number') {
    if (!Number.isSafeInteger(ttl)) return 'shape';
    return ttl > 0 ? ttl : 'not-positive';
  }
  if (typeof ttl !== 'string') return 'shape';
  const text = ttl.trim();
  if (NEGATIVE_PATTERN.test(text)) return 'not-positive';
  const match = TTL_PATTERN.exec(text);
  if (!match) return 'shape';
  const seconds = Number(match[1]) * UNIT_SECONDS[(match[2] || 's') as TtlUnit];
  return seconds > 0 ? seconds : 'not-positive';
}

/**
 * Converts a ttl to whole seconds and checks `0 < seconds ≤ maxTtl`, so a typo never
 * mints a token that lives for days. Throws a `TypeError` that names the function and
 * the option (`parseTtl: option "ttl" …` unless told otherwise).
 *
 * @example
 * ```ts
 * import { parseTtl } from '@urlseal/sdk';
 * parseTtl('5m');        // 300
 * parseTtl(90);          // 90
 * parseTtl('2d', 86400); // throws TypeError (above maxTtl)
 * ```
 */
export function parseTtl(ttl: Ttl, maxTtl: number = DEFAULT_MAX_TTL, fn = 'parseTtl', option = 'ttl'): number {
  const seconds = ttlSeconds(ttl);
  if (seconds === 'shape') throw optionError(fn, option, 'must be whole seconds or a string like "90s", "5m", "2h", "1d"');
  if (seconds === 'not-positive') throw optionError(fn, option, 'must be more than 0 seconds');
  if (seconds > maxTtl) {
    throw optionError(fn, option, `is ${seconds} s, above maxTtl (${maxTtl} s); shorten it, or set option "expires" to an explicit Unix time`);
  }
  return seconds;
}
