import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url, isCanonicalBase64url } from '../../src/lib/base64url.js';

describe('base64url', () => {
  it('round-trips every length against Node', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = randomBytes(length);
      const text = encodeBase64url(bytes);
      expect(text).toBe(bytes.toString('base64url'));
      expect(Buffer.from(decodeBase64url(text)!)).toEqual(bytes);
      expect(isCanonicalBase64url(text)).toBe(true);
    }
  });

  it.each([
    ['padding', 'YQ=='],
    ['whitespace', 'YW Jj'],
    ['newline', 'YWJj\n'],
    ['standard alphabet +', 'a+b/'],
    ['length 4n+1', 'YWJjZ'],
    ['non-canonical final char (2)', 'YR'],
    ['non-canonical final char (3)', 'YWJ'],
    ['non-ASCII', 'YWJé'],
  ])('rejects %s', (_name, text) => {
    expect(decodeBase64url(text)).toBeUndefined();
    expect(isCanonicalBase64url(text)).toBe(false);
  });

  it('isCanonicalBase64url agrees with decodeBase64url on every 2- and 3-character tail', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const a of alphabet) {
      for (const b of alphabet) {
        expect(isCanonicalBase64url(`QUJD${a}${b}`)).toBe(decodeBase64url(`QUJD${a}${b}`) !== undefined);
        expect(isCanonicalBase64url(`Q${a}${b}`)).toBe(decodeBase64url(`Q${a}${b}`) !== undefined);
      }
    }
    expect(isCanonicalBase64url('')).toBe(true);
  });
});
