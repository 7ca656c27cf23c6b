// What a kid may be (SPEC §3), apart from keyring validation so edges that read
// keys one at a time (a CloudFront KeyValueStore) check a token's kid by the
// same rule before they look it up.

const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Whether `kid` is 1 to 64 characters of `A-Z a-z 0-9 . _ -`. */
export function isKid(kid: unknown): kid is string {
  return typeof kid === 'string' && KID_PATTERN.test(kid);
}
