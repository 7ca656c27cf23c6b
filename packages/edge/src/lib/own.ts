// Object checks for input read as data: own-property lookup without
// Object.hasOwn, which the CloudFront Functions and njs runtimes lack
// (scripts/floor.js describes that JavaScript floor), and the plain-object test
// every option and keyring reader shares.

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** Whether `object` holds `key` itself: a kid such as `constructor` never resolves through the prototype. */
export function hasOwn(object: object, key: string): boolean {
  return hasOwnProperty.call(object, key);
}

/** Whether `value` is an object that is neither `null` nor an array (a JSON object, an options bag). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
