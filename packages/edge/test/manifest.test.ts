import { describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_PARAMS } from '../src/contract/carriers.js';
import { MAX_REWRITTEN_BYTES, bodyEncoding, isManifest, rewriteManifest } from '../src/core/manifest.js';

const T = 'aaa.bbb.ccc';
const BASE = `https://cdn.test/v/c1/master.m3u8?token=${T}`;
const rewrite = (text: string, url = BASE, grant = ['/v/c1/*']) =>
  rewriteManifest(text, { url, grant, token: T, params: DEFAULT_TOKEN_PARAMS });
/** A playlist of the given lines (LF line ends), and what the rewrite must make of it. */
const playlist = (...lines: string[]) => ['#EXTM3U', ...lines, ''].join('\n');

describe('isManifest: one rule for every adapter (SPEC §7)', () => {
  it('knows .m3u8 paths in any case and the two mpegurl media types', () => {
    expect(isManifest('/v/master.m3u8', null)).toBe(true);
    expect(isManifest('/v/MASTER.M3U8', 'text/plain')).toBe(true);
    expect(isManifest('/v/index', 'application/vnd.apple.mpegurl')).toBe(true);
    expect(isManifest('/v/index', 'Application/VND.Apple.MPEGURL; charset=utf-8')).toBe(true);
    expect(isManifest('/v/index', 'audio/mpegurl')).toBe(true);
  });

  it('is not fooled by look-alike types or paths', () => {
    expect(isManifest('/v/seg.ts', 'video/mp2t')).toBe(false);
    expect(isManifest('/v/index', 'text/plain; x=application/vnd.apple.mpegurl')).toBe(false);
    expect(isManifest('/v/index.m3u8.ts', undefined)).toBe(false);
    expect(isManifest('/v/index', 'audio/x-mpegurl')).toBe(false); // not one of SPEC's two types
  });
});

describe('rewriteManifest', () => {
  it('rewrites variant and media URI lines inside the grant', async () => {
    const master = playlist('#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360', '360p/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=2000000', '/v/c1/720p/index.m3u8?lang=pt');
    expect(await rewrite(master)).toBe(playlist('#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360', `360p/index.m3u8?token=${T}`,
      '#EXT-X-STREAM-INF:BANDWIDTH=2000000', `/v/c1/720p/index.m3u8?lang=pt&token=${T}`));
  });

  it('rewrites URI attributes of the tags that have one, parsed as RFC 8216 attribute lists', async () => {
    const text = playlist(
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="pt",URI="audio/pt.m3u8"',
      '#EXT-X-KEY:METHOD=AES-128,URI="keys/k1.key",IV=0x1',
      '#EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"',
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="iframes.m3u8"',
      '#EXT-X-PART:DURATION=1.0,URI="part1.mp4"',
      '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"',
      '#EXT-X-FOO:URI="x.ts"',
      '#EXT-X-KEY:METHOD=AES-128,XURI="x.ts"',
    );
    expect(await rewrite(text)).toBe(playlist(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="pt",URI="audio/pt.m3u8?token=${T}"`,
      `#EXT-X-KEY:METHOD=AES-128,URI="keys/k1.key?token=${T}",IV=0x1`,
      `#EXT-X-MAP:URI="init.mp4?token=${T}",BYTERANGE="720@0"`,
      `#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="iframes.m3u8?token=${T}"`,
      `#EXT-X-PART:DURATION=1.0,URI="part1.mp4?token=${T}"`,
      '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"',
      '#EXT-X-FOO:URI="x.ts"',
      '#EXT-X-KEY:METHOD=AES-128,XURI="x.ts"',
    ));
  });

  it('does not mistake ",URI=" inside a quoted string for an attribute', async () => {
    const line = '#EXT-X-MEDIA:TYPE=AUDIO,NAME="pt,URI=",URI="audio/pt.m3u8"';
    expect(await rewrite(playlist(line))).toBe(playlist(`#EXT-X-MEDIA:TYPE=AUDIO,NAME="pt,URI=",URI="audio/pt.m3u8?token=${T}"`));
    // Attribute lists that do not parse, or name URI twice, are left alone.
    for (const bad of ['#EXT-X-KEY:METHOD=AES-128,URI="k.key', '#EXT-X-KEY:URI="a.key",URI="b.key"', '#EXT-X-KEY:URI=k.key',
      '#EXT-X-KEY:METHOD=AES-128,,URI="k.key"', '#EXT-X-KEY:method=AES-128,URI="k.key"', '#EXT-X-MAP:URI="init.mp4",']) {
      expect(await rewrite(playlist(bad)), bad).toBe(playlist(bad));
    }
  });

  it('ends a line at LF, CRLF or a lone CR, and keeps each ending as it was', async () => {
    expect(await rewrite('#EXTM3U\r\nseg-1.ts\r\n../c1/seg-2.ts#t=1\r\n')).toBe(`#EXTM3U\r\nseg-1.ts?token=${T}\r\n../c1/seg-2.ts?token=${T}#t=1\r\n`);
    // A lone CR splits a line for players: the part after it is its own URI, here on another host.
    expect(await rewrite('#EXTM3U\nseg.ts\rhttps://evil.test/x.ts\n')).toBe(`#EXTM3U\nseg.ts?token=${T}\rhttps://evil.test/x.ts\n`);
    expect(await rewrite('#EXTM3U\rseg.ts\r\rseg2.ts')).toBe(`#EXTM3U\rseg.ts?token=${T}\r\rseg2.ts?token=${T}`);
  });

  it('resolves strictly by RFC 3986 and gives a token only on the same scheme, authority and grant', async () => {
    const untouched = ['../c10/seg.ts', '/v/c1', 'https://other.test/v/c1/seg.ts', '//other.test/v/c1/a.ts', 'seg.ts?token=x',
      'seg.ts?st=a&e=1', 'seg.ts?%74oken=x', 'data:text/plain,hi', 'http://cdn.test/v/c1/s.ts', 'https://user@cdn.test/v/c1/s.ts',
      'https://cdn.test:443/v/c1/s.ts', '../c2/seg.ts', '%2e%2e/c2/seg.ts', '..%2fc2/seg.ts', 'a%2fb.ts', 'a//b.ts',
      // a scheme without "//": no authority by RFC 3986 (a lenient parser would make it a path, a browser another host)
      'https:evil.test/v/c1/x.ts', 'http:evil.test/x.ts', 'https:seg.ts',
      // whitespace, controls, quotes and other characters a URI cannot hold
      ' seg.ts', 'seg.ts ', 'seg 1.ts', 'seg\t1.ts', 'seg".ts', "seg'.ts", 'seg<1>.ts', 'seg\\1.ts', 'seg%zz.ts', 'séga.ts', 'seg\u0000.ts'];
    const text = playlist(...untouched);
    expect(await rewrite(text)).toBe(text);
    expect(await rewrite(playlist('HTTPS://CDN.TEST/v/c1/s.ts', 'https://cdn.test/v/c1/./a/../s.ts'))).toBe(
      playlist(`HTTPS://CDN.TEST/v/c1/s.ts?token=${T}`, `https://cdn.test/v/c1/./a/../s.ts?token=${T}`),
    );
    expect(await rewrite(playlist('seg.ts'), `https://cdn.test/v/c1/sub/index.m3u8?token=${T}`, ['/v/c1/sub/seg.ts'])).toBe(playlist(`seg.ts?token=${T}`));
    expect(await rewrite(playlist('seg.ts?'))).toBe(playlist(`seg.ts?token=${T}`));
    expect(await rewrite(playlist('seg.ts?a=1&'))).toBe(playlist(`seg.ts?a=1&token=${T}`));
    expect(await rewrite(playlist('#frag'))).toBe(playlist('#frag')); // a comment line, not a URI
  });

  it('leaves text that is not a playlist, and keeps a BOM', async () => {
    expect(await rewrite('<html>seg.ts</html>\n')).toBeUndefined();
    expect(await rewrite('\uFEFF#EXTM3U\nseg.ts\n')).toBe(`\uFEFF#EXTM3U\nseg.ts?token=${T}\n`);
  });

  it('gives up (the original passes untouched) when the rewrite would exceed its bound', async () => {
    // A long token (2 KiB, as a JWT with many claims may be) makes each line grow by as much:
    // the bound is passed after thousands of lines rather than millions.
    const token = `${'x'.repeat(2036)}.${T}`;
    const lines = Math.ceil(MAX_REWRITTEN_BYTES / (token.length + 7)) + 1;
    const text = `#EXTM3U\n${'a\n'.repeat(lines)}`;
    expect(text.length).toBeLessThan(MAX_REWRITTEN_BYTES);
    expect(await rewriteManifest(text, { url: BASE, grant: ['/v/c1/*'], token, params: DEFAULT_TOKEN_PARAMS })).toBeUndefined();
  });
});

describe('bodyEncoding', () => {
  const bytes = (...values: number[]) => Uint8Array.from(values);
  const text = (value: string) => new TextEncoder().encode(value);

  it('trusts the bytes first: a runtime may have decoded a body whose header still says gzip', () => {
    expect(bodyEncoding(text('#EXTM3U\n'), 'gzip')).toBe('identity');
    expect(bodyEncoding(text('#EXTM3U\n'), 'br')).toBe('identity');
    expect(bodyEncoding(bytes(0xef, 0xbb, 0xbf, 0x23), 'gzip')).toBe('identity');
    expect(bodyEncoding(bytes(0x1f, 0x8b, 8, 0), null)).toBe('gzip');
  });

  it('then follows Content-Encoding, and says when it cannot decode', () => {
    expect(bodyEncoding(bytes(0x78, 0x9c, 1), 'deflate')).toBe('deflate');
    expect(bodyEncoding(bytes(0xcb, 0x48), 'deflate')).toBe('deflate-raw');
    expect(bodyEncoding(bytes(0x0b, 0x01), 'br')).toBe('br');
    expect(bodyEncoding(bytes(0x28, 0xb5, 0x2f, 0xfd), 'zstd')).toBeUndefined();
    expect(bodyEncoding(text('x'), undefined)).toBe('identity');
  });
});
