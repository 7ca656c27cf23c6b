import { describe, expect, it } from 'vitest';
import {
  UrlsealError,
  canonicalPath,
  isCanonicalDecodedPath,
  isValidPattern,
  matchesGrant,
  parseGrant,
  tryCanonicalPath,
} from '../src/contract/index.js';

describe('canonicalPath accepts and decodes once', () => {
  it.each([
    ['/', '/'],
    ['/videos/a.mp4', '/videos/a.mp4'],
    ['/videos/course-1/', '/videos/course-1/'],
    ['/videos/my%20lesson.mp4', '/videos/my lesson.mp4'],
    ['/cursos/aula-%C3%A7%C3%A3o/v%C3%ADdeo.mp4', '/cursos/aula-ção/vídeo.mp4'],
    ['/cursos/aula-%c3%a7%c3%a3o', '/cursos/aula-ção'],
    ['/a/%2Ea', '/a/.a'],
    ['/a/...', '/a/...'],
    ['/a/b..c', '/a/b..c'],
    ['/%F0%9F%8E%AC.mp4', '/🎬.mp4'],
    ["/a!$&'()*+,=:@~_-.b", "/a!$&'()*+,=:@~_-.b"],
    ['/%EF%BC%8F', '/／'],
  ])('%s → %s', (raw, decoded) => {
    expect(canonicalPath(raw)).toBe(decoded);
    expect(tryCanonicalPath(raw)).toBe(decoded);
  });
});

describe('canonicalPath rejects every non-canonical form (SPEC §2)', () => {
  it.each([
    ['empty', ''],
    ['relative', 'videos/a.mp4'],
    ['dot-dot', '/videos/../secret'],
    ['encoded dot-dot', '/videos/%2e%2e/secret'],
    ['encoded dot-dot upper', '/videos/%2E%2E/secret'],
    ['half-encoded dot-dot', '/videos/.%2e/secret'],
    ['dot segment', '/videos/./a.mp4'],
    ['encoded dot segment', '/videos/%2e/a.mp4'],
    ['trailing dot-dot', '/videos/..'],
    ['trailing dot', '/videos/.'],
    ['empty segment', '/videos//a.mp4'],
    ['leading double slash', '//videos/a.mp4'],
    ['double trailing slash', '/videos//'],
    ['encoded slash', '/videos%2Fa.mp4'],
    ['encoded slash lower', '/videos%2fa.mp4'],
    ['encoded backslash', '/videos%5Ca.mp4'],
    ['encoded backslash lower', '/videos%5ca.mp4'],
    ['encoded percent', '/videos/100%25.mp4'],
    ['double-encoded dot-dot', '/videos/%252e%252e/secret'],
    ['raw backslash', '/videos\\a.mp4'],
    ['semicolon', '/videos/a.mp4;jsessionid=1'],
    ['encoded semicolon', '/videos/a.mp4%3Bx'],
    ['NUL', '/videos/a%00.mp4'],
    ['newline', '/videos/a%0a.mp4'],
    ['carriage return', '/videos/a%0D.mp4'],
    ['tab', '/videos/a%09.mp4'],
    ['unit separator', '/videos/a%1F.mp4'],
    ['DEL', '/videos/a%7F.mp4'],
    ['raw space', '/videos/a b.mp4'],
    ['raw control', '/videos/a\u0001b'],
    ['raw non-ASCII', '/vídeo.mp4'],
    ['invalid UTF-8 byte', '/videos/%FF.mp4'],
    ['truncated UTF-8', '/videos/%C3.mp4'],
    ['overlong slash', '/videos/%C0%AF.mp4'],
    ['overlong dot', '/videos/%C0%AE%C0%AE/a'],
    ['overlong 3-byte', '/videos/%E0%80%AF'],
    ['encoded surrogate', '/videos/%ED%A0%80.mp4'],
    ['above U+10FFFF', '/videos/%F4%90%80%80'],
    ['bad hex', '/videos/%zz.mp4'],
    ['lone percent', '/videos/a%'],
    ['short percent', '/videos/a%4'],
    ['too long', '/' + 'a'.repeat(5000)],
  ])('%s', (_name, raw) => {
    expect(tryCanonicalPath(raw)).toBeUndefined();
    expect(() => canonicalPath(raw)).toThrow(UrlsealError);
    try {
      canonicalPath(raw);
    } catch (error) {
      expect((error as UrlsealError).code).toBe('ERR_PATH_NONCANONICAL');
      expect((error as Error).message).not.toContain(raw.slice(1, 20) || '\u0000none');
    }
  });

  it('is case-sensitive and never normalises Unicode', () => {
    expect(canonicalPath('/Videos/A.mp4')).toBe('/Videos/A.mp4');
    const nfc = canonicalPath('/v%C3%ADdeo');
    const nfd = canonicalPath('/vi%CC%81deo');
    expect(nfc).not.toBe(nfd);
    expect(matchesGrant(nfd, [nfc])).toBe(false);
    expect(matchesGrant('/videos/a.mp4', ['/Videos/a.mp4'])).toBe(false);
  });
});

describe('isCanonicalDecodedPath (grant patterns are decoded)', () => {
  it.each([
    ['/videos/my lesson.mp4', true],
    ['/cursos/aula-ção/vídeo.mp4', true],
    ['/videos/100%.mp4', false],
    ['/videos/../a', false],
    ['/videos//a', false],
    ['/a\\b', false],
    ['/a;b', false],
    ['/a\u0000b', false],
    ['/a\u007fb', false],
    ['/a\ud800b', false],
    ['a/b', false],
  ])('%j → %s', (path, ok) => {
    expect(isCanonicalDecodedPath(path)).toBe(ok);
  });
});

describe('grant patterns', () => {
  it.each([
    ['/videos/a.mp4', true],
    ['/videos/course-1/*', true],
    ['/*', true],
    ['/videos/course-1*', true],
    ['videos/*', false],
    ['/videos//*', false],
    ['/videos/../*', false],
    ['', false],
  ])('isValidPattern(%j) → %s', (pattern, ok) => {
    expect(isValidPattern(pattern)).toBe(ok);
  });

  it('parseGrant takes one pattern or 1 to 16', () => {
    expect(parseGrant('/a')).toEqual(['/a']);
    expect(parseGrant(['/a', '/b/*'])).toEqual(['/a', '/b/*']);
    expect(parseGrant(Array.from({ length: 16 }, (_, i) => `/p${i}`))).toHaveLength(16);
    expect(parseGrant(Array.from({ length: 17 }, (_, i) => `/p${i}`))).toBeUndefined();
    expect(parseGrant([])).toBeUndefined();
    expect(parseGrant(['/a', 7])).toBeUndefined();
    expect(parseGrant(7)).toBeUndefined();
    expect(parseGrant(null)).toBeUndefined();
    expect(parseGrant({ 0: '/a', length: 1 })).toBeUndefined();
  });
});

describe('matchesGrant', () => {
  const grant = ['/videos/course-1/*'];
  it.each([
    ['/videos/course-1/a.mp4', true],
    ['/videos/course-1/hls/720p/seg-00001.ts', true],
    ['/videos/course-1/', true],
    ['/videos/course-1', false],
    ['/videos/course-10/a.mp4', false],
    ['/videos/course-1a/x', false],
    ['/videos/course-2/a.mp4', false],
    ['/videos/COURSE-1/a.mp4', false],
  ])('%s under /videos/course-1/* → %s', (path, ok) => {
    expect(matchesGrant(path, grant)).toBe(ok);
  });

  it('exact patterns match byte for byte only', () => {
    expect(matchesGrant('/videos/a.mp4', ['/videos/a.mp4'])).toBe(true);
    expect(matchesGrant('/videos/a.mp4/', ['/videos/a.mp4'])).toBe(false);
    expect(matchesGrant('/videos/a.mp', ['/videos/a.mp4'])).toBe(false);
    expect(matchesGrant('/videos/a.mp4', ['/videos/b.mp4', '/videos/a.mp4'])).toBe(true);
  });

  it('a literal star is exact unless it follows a slash at the end', () => {
    expect(matchesGrant('/a*', ['/a*'])).toBe(true);
    expect(matchesGrant('/ab', ['/a*'])).toBe(false);
    expect(matchesGrant('/anything', ['/*'])).toBe(true);
  });
});

describe('the 4096-byte bound is on the decoded path (SPEC §2)', () => {
  it('counts UTF-8 bytes after decoding, not raw characters', () => {
    expect(tryCanonicalPath(`/${'a'.repeat(4095)}`)).toHaveLength(4096);
    expect(tryCanonicalPath(`/${'a'.repeat(4096)}`)).toBeUndefined();
    // "/" + 2047 × "ç" (2 bytes each, 6 raw characters) + "a": 4096 bytes decoded from 12284 raw characters.
    const raw = `/${'%C3%A7'.repeat(2047)}a`;
    expect(raw.length).toBeGreaterThan(3 * 4096 - 10);
    expect(tryCanonicalPath(raw)).toBe(`/${'ç'.repeat(2047)}a`);
    expect(tryCanonicalPath(`${raw}b`)).toBeUndefined();
    expect(isCanonicalDecodedPath(`/${'ç'.repeat(2047)}a`)).toBe(true);
    expect(isCanonicalDecodedPath(`/${'ç'.repeat(2048)}`)).toBe(false);
  });
});
