// Sealed tokens (issue 17; docs/spec.md §9 "Sealed tokens"): which calls seal, checked
// once for both signers. Only an HS256 active key seals: its content key is derived from
// the secret (HKDF), and an edge that verifies can therefore also open, never more.
import type { Keyring } from '@urlseal/edge/contract';
import { optionError } from './misuse.js';

/** Reads a `seal` option: `true` or `false`; absent is `fallback`. */
export function readSeal(value: unknown, fallback: boolean, fn: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw optionError(fn, 'seal', 'must be true or false');
  return value;
}

/** Throws when the keyring's active key cannot seal (only HS256 kids can). */
export function checkSealKey(keyring: Keyring, fn: string): void {
  const active = keyring.active;
  if (active === undefined || active.alg !== 'HS256' || active.secret === undefined) {
    throw optionError(fn, 'seal', 'needs an HS256 active key (sealed tokens are for HS256 keyrings; docs/spec.md §9 "Sealed tokens")');
  }
}
