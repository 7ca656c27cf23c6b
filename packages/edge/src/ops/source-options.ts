// Option readers the Node sources share (keyring file and URL, revocation file and URL):
// one message per kind of mistake, naming the function and the option.

/** The default log of every source: one line on stderr. */
export const stderrLog = (line: string): void => void process.stderr.write(`${line}\n`);

/** `log`: a function, `false` for none, or stderr when absent. */
export function readLog(value: unknown, caller: string): ((line: string) => void) | undefined {
  if (value === false) return undefined;
  if (value === undefined) return stderrLog;
  if (typeof value !== 'function') throw new TypeError(`${caller}: option "log" must be a function or false`);
  return value as (line: string) => void;
}

/** A number of milliseconds from `min` to what a timer holds (2^31 - 1). */
export function readMs(caller: string, name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > 2 ** 31 - 1) {
    throw new TypeError(`${caller}: option "${name}" must be a number of milliseconds from ${min} to 2147483647`);
  }
  return value;
}

/** An options object with only the names given. */
export function checkOptionNames(caller: string, options: unknown, names: readonly string[]): asserts options is Record<string, unknown> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${caller}: options must be an object`);
  for (const name of Object.keys(options)) if (!names.includes(name)) throw new TypeError(`${caller}: option "${name}" is unknown`);
}
