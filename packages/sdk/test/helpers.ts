import { generateKeyPairSync } from 'node:crypto';
import type { KeyringJson } from '@urlseal/edge/contract';

/** A fixed clock for every test: 2025-11-24T16:00:00Z. */
export const NOW = 1764000000;
export const NOW_DATE = new Date(NOW * 1000);

export const HS_SECRET = 'test-secret-of-at-least-32-bytes!!';
export const OCT_K = Buffer.from('0123456789abcdef0123456789abcdef0123456789abcdef').toString('base64url');

export const HS_KEYRING: KeyringJson = { active: 'k1', kids: { k1: HS_SECRET } };

/** Decodes the JSON of one JWT segment (tests only: no verification). */
export function decodeSegment(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A fresh private JWK (with kid) for ES256 or EdDSA. */
export function privateJwk(alg: 'ES256' | 'EdDSA', kid: string): Record<string, unknown> {
  const { privateKey } = alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('ed25519');
  return { ...privateKey.export({ format: 'jwk' }), kid };
}
