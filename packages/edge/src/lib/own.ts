// Own-property lookup without Object.hasOwn, which the CloudFront Functions and
// njs runtimes lack (scripts/floor.js describes that JavaScript floor).

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** Whether `object` holds `key` itself: a kid such as `constructor` never resolves through the prototype. */
export function hasOwn(object: object, key: string): boolean {
  return hasOwnProperty.call(object, key);
}
