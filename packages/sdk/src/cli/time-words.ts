const UNITS: ReadonlyArray<readonly [limit: number, size: number, name: string]> = [
  [60, 1, 'second'],
  [3600, 60, 'minute'],
  [172800, 3600, 'hour'], // up to 48 hours: "36 hours" reads better than "1 day"
  [Infinity, 86400, 'day'],
];

/** A duration in words, rounded down to its largest unit: `4 minutes`, `1 hour`. */
export function durationWords(seconds: number): string {
  const abs = Math.abs(seconds);
  const [, size, name] = UNITS.find(([limit]) => abs < limit) as (typeof UNITS)[number];
  const count = Math.floor(abs / size);
  return `${count} ${name}${count === 1 ? '' : 's'}`;
}

/** A Unix time as ISO 8601 UTC without milliseconds, or a note when it is out of range. */
export function isoTime(unix: number): string {
  const date = new Date(unix * 1000);
  return Number.isNaN(date.getTime()) ? 'out of range' : date.toISOString().replace('.000Z', 'Z');
}

/**
 * Describes a moment relative to now with a past and a future phrasing, e.g.
 * `relativeWords(exp, now, 'expires in', 'expired')` →
 * `expires in 4 minutes (2026-11-24T16:05:00Z)` or `expired 3 hours ago (…)`.
 */
export function relativeWords(unix: number, now: number, future: string, past: string): string {
  const when = `(${isoTime(unix)})`;
  const delta = unix - now;
  return delta > 0 ? `${future} ${durationWords(delta)} ${when}` : `${past} ${durationWords(delta)} ago ${when}`;
}
