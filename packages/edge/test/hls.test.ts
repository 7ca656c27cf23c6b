import { describe, expect, it } from 'vitest';
import { isManifest, rewriteManifest } from '../src/hls.js';

const T = 'aaa.bbb.ccc';
const rewrite = (text: string, baseUrl = `https://cdn.test/v/c1/master.m3u8?token=${T}`, grant = ['/v/c1/*']) =>
  rewriteManifest(text, { baseUrl, grant, param: 'token', token: T, carriers: ['token', 'st', 'e'] });

describe('isManifest', () => {
  it('knows .m3u8 paths and mpegurl content types', () => {
    expect(isManifest('/v/master.m3u8', null)).toBe(true);
    expect(isManifest('/v/MASTER.M3U8', 'text/plain')).toBe(true);
    expect(isManifest('/v/index', 'application/vnd.apple.mpegurl')).toBe(true);
    expect(isManifest('/v/index', 'audio/x-mpegURL; charset=utf-8')).toBe(true);
    expect(isManifest('/v/seg.ts', 'video/mp2t')).toBe(false);
  });
});

describe('rewriteManifest', () => {
  it('rewrites variant and media URI lines inside the grant', () => {
    const master = ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360', '360p/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=2000000', '/v/c1/720p/index.m3u8?lang=pt', ''].join('\n');
    expect(rewrite(master)).toBe(['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360', `360p/index.m3u8?token=${T}`,
      '#EXT-X-STREAM-INF:BANDWIDTH=2000000', `/v/c1/720p/index.m3u8?lang=pt&token=${T}`, ''].join('\n'));
  });

  it('rewrites URI attributes of MEDIA, KEY, MAP and I-FRAME-STREAM-INF but not KEYFORMATURI-like names', () => {
    const text = [
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="pt",URI="audio/pt.m3u8"',
      '#EXT-X-KEY:METHOD=AES-128,URI="keys/k1.key",IV=0x1',
      '#EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"',
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="iframes.m3u8"',
      '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"',
      '#EXT-X-FOO:XURI="x.ts"',
    ].join('\n');
    expect(rewrite(text)).toBe([
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="pt",URI="audio/pt.m3u8?token=${T}"`,
      `#EXT-X-KEY:METHOD=AES-128,URI="keys/k1.key?token=${T}",IV=0x1`,
      `#EXT-X-MAP:URI="init.mp4?token=${T}",BYTERANGE="720@0"`,
      `#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="iframes.m3u8?token=${T}"`,
      '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"',
      '#EXT-X-FOO:XURI="x.ts"',
    ].join('\n'));
  });

  it('leaves URIs outside the grant, on other origins, or already carrying a token untouched', () => {
    const text = ['../c10/seg.ts', '/v/c1', 'https://other.test/v/c1/seg.ts', '//other.test/v/c1/a.ts', 'seg.ts?token=x',
      'seg.ts?st=a&e=1', 'data:text/plain,hi', '#EXTINF:4.0,', 'http://cdn.test/v/c1/s.ts'].join('\n');
    expect(rewrite(text)).toBe(text);
  });

  it('resolves relative URIs against the request URL and keeps CRLF and fragments', () => {
    expect(rewrite('#EXTM3U\r\nseg-1.ts\r\n../c1/seg-2.ts#t=1\r\n')).toBe(`#EXTM3U\r\nseg-1.ts?token=${T}\r\n../c1/seg-2.ts?token=${T}#t=1\r\n`);
    expect(rewrite('seg.ts', `https://cdn.test/v/c1/sub/index.m3u8?token=${T}`, ['/v/c1/sub/seg.ts'])).toBe(`seg.ts?token=${T}`);
    expect(rewrite('seg.ts?', undefined)).toBe(`seg.ts?token=${T}`);
  });
});
