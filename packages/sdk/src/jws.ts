import type { KeyEntry } from '@urlseal/edge/contract';

/**
 * The exact protected header of SPEC §4, `{"alg","kid","typ":"JWT"}` in that order, as
 * JSON text. Both signers encode these bytes, so their HS256 and EdDSA tokens are
 * byte-identical for the same inputs.
 */
export function protectedHeader(entry: KeyEntry): string {
  return JSON.stringify({ alg: entry.alg, kid: entry.kid, typ: 'JWT' });
}
