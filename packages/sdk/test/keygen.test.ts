import { describe, expect, it } from 'vitest';
import { KEYGEN_ALGS, generateKeyring } from '@urlseal/sdk';

describe('generateKeyring', () => {
  it.each(KEYGEN_ALGS)('makes a %s keyring that loads', (alg) => {
    const json = generateKeyring({ kid: 'k1', alg });
    expect(json.active).toBe('k1');
  });

  it.each(['RS256', 'PS256', 'HS512', 'none'])('refuses alg %s naming what it takes (not "a Ed25519 key takes EdDSA")', (alg) => {
    expect(() => generateKeyring({ kid: 'k1', alg: alg as 'HS256' })).toThrow(/^generateKeyring: alg must be one of HS256, ES256, EdDSA/);
  });
});
