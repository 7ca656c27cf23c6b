// Constant-time equality for MACs. Comparing the base64url text of a MAC is
// as good as comparing its bytes (the encoding is a bijection on canonical
// text) and saves decoding the token's MAC on the hot path.

/** Whether two strings are equal, in time independent of where they differ. */
export function constantTimeEqualString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Whether two byte arrays are equal, in time independent of where they differ. */
export function constantTimeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
