import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url, isBase64urlAlphabet } from '../../src/lib/base64url.js';

describe('base64url', () => {
  it('round-trips every length against Node', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = randomBytes(length);
      const text = encodeBase64url(bytes);
      expect(text).toBe(bytes.toString('base64url'));
      expect(Buffer.from(decodeBase64url(text)!)).toEqual(bytes);
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
  });

  it('knows its alphabet', () => {
    expect(isBase64urlAlphabet('abc-_09XZ')).toBe(true);
    expect(isBase64urlAlphabet('ab=')).toBe(false);
  });
});
