/** Seconds per unit of a ttl string such as `90s`, `5m`, `2h`, `1d`. */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

const TTL_PATTERN = /^([0-9]{1,9})([smhd]?)$/;

/**
 * A token lifetime: whole seconds, or a string of digits with an optional unit
 * (`s`, `m`, `h`, `d`), e.g. `'90s'`, `'5m'`, `'2h'`, `'1d'`.
 *
 * @example
 * ```ts
 * import type { Ttl } from '@urlseal/sdk';
 * const ttl: Ttl = '5m';
 * ```
 */
export type Ttl = number | string;

/**
 * Converts a ttl to whole seconds and checks `0 < seconds ≤ maxTtl`. Throws a
 * `TypeError` naming `option` otherwise, so a typo never mints a token that
 * lives for days.
 *
 * @example
 * ```ts
 * import { parseTtl } from '@urlseal/sdk';
 * parseTtl('5m');       // 300
 * parseTtl(90);         // 90
 * parseTtl('2d', 86400); // throws TypeError (above maxTtl)
 * ```
 */
export function parseTtl(ttl: Ttl, maxTtl = 86400, option = 'ttl'): number {
  let seconds: number | undefined;
  if (typeof ttl === 'number') {
    seconds = Number.isSafeInteger(ttl) ? ttl : undefined;
  } else if (typeof ttl === 'string') {
    const match = TTL_PATTERN.exec(ttl.trim());
    if (match) seconds = Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] as number);
  }
  if (seconds === undefined) {
    throw new TypeError(`${option} must be whole seconds or a string like "90s", "5m", "2h", "1d"`);
  }
  if (seconds <= 0) throw new TypeError(`${option} must be more than 0 seconds`);
  if (seconds > maxTtl) throw new TypeError(`${option} is ${seconds} s, above maxTtl (${maxTtl} s); shorten it, or set an explicit expiry time (expires, --expires)`);
  return seconds;
}
