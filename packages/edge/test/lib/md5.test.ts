import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/lib/md5.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const reference = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

describe('md5', () => {
  it('matches the RFC 1321 test suite', () => {
    const suite: Array<[string, string]> = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
    ];
    for (const [input, digest] of suite) expect(hex(md5(new TextEncoder().encode(input)))).toBe(digest);
  });

  it('matches node:crypto on every length around block boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const input = randomBytes(length);
      expect(hex(md5(input))).toBe(reference(input));
    }
  });

  it('matches node:crypto on random multi-block and UTF-8 inputs', () => {
    for (let i = 0; i < 50; i++) {
      const input = randomBytes(1 + Math.floor(Math.random() * 5000));
      expect(hex(md5(input))).toBe(reference(input));
    }
    const utf8 = new TextEncoder().encode('/cursos/aula-ção/vídeo-🎬.mp4'.repeat(7));
    expect(hex(md5(utf8))).toBe(reference(utf8));
  });
});
