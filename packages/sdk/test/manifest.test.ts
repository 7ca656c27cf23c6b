import { readFileSync } from 'node:fs';
import { AttrList } from 'hls.js';
import { describe, expect, it, vi } from 'vitest';
import { checkManifest } from '@urlseal/sdk';
import { lenientAttributes } from '../src/manifest/hls.js';
import { parseXml } from '../src/manifest/xml.js';

const MEDIA = new URL('../../../examples/lms/media/videos/course-1/', import.meta.url);
const media = (path: string) => readFileSync(new URL(path, MEDIA), 'utf8');
const problems = (result: ReturnType<typeof checkManifest>) => result.findings.map((f) => `${f.where}: ${f.uri}: ${f.problem}`);

describe('checkManifest: the demo media (made by ffmpeg)', () => {
  it('finds nothing in the HLS lecture and names its playlists', () => {
    const master = checkManifest(media('lecture/master.m3u8'), { path: '/videos/course-1/lecture/master.m3u8', grant: '/videos/course-1/lecture/*' });
    expect(master).toEqual({ kind: 'hls', ok: 2, findings: [], playlists: ['/videos/course-1/lecture/144p/index.m3u8', '/videos/course-1/lecture/240p/index.m3u8'] });
    const variant = checkManifest(media('lecture/240p/index.m3u8'), { path: '/videos/course-1/lecture/240p/index.m3u8', grant: '/videos/course-1/lecture/*' });
    expect(variant.findings).toEqual([]);
    expect(variant.ok).toBe(15);
  });

  it('finds nothing in the DASH lesson (relative SegmentTemplate, no BaseURL)', () => {
    const result = checkManifest(media('dash/manifest.mpd'), { path: '/videos/course-1/dash/manifest.mpd', grant: '/videos/course-1/dash/*' });
    expect(result).toMatchObject({ kind: 'dash', ok: 4, findings: [] });
  });

  it('flags every segment when the grant is narrower than the stream', () => {
    const result = checkManifest(media('dash/manifest.mpd'), { path: '/videos/course-1/dash/manifest.mpd', grant: '/videos/course-1/dash/manifest.mpd' });
    expect(result.findings.map((f) => f.uri).sort()).toEqual(['chunk-0-00001.m4s', 'chunk-1-00001.m4s', 'init-0.m4s', 'init-1.m4s']);
    expect(result.findings.every((f) => f.problem.includes('outside the grant /videos/course-1/dash/manifest.mpd'))).toBe(true);
  });
});

describe('checkManifest: HLS', () => {
  const options = { path: '/videos/c1/hls/360p/index.m3u8', grant: '/videos/c1/hls/*' };

  it('flags absolute, root-relative, climbing, non-canonical and out-of-grant URIs, with their lines', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example/k1",IV=0x1',
      '#EXT-X-MAP:URI="../init.mp4"',
      '#EXTINF:4,',
      '/videos/c1/hls/360p/seg0.ts',
      '#EXTINF:4,',
      '//cdn.example/videos/c1/hls/360p/seg1.ts',
      '#EXTINF:4,',
      '../../../../../seg2.ts',
      '#EXTINF:4,',
      '../../seg3.ts',
      '#EXTINF:4,',
      'seg%2F4.ts',
      '#EXTINF:4,',
      'seg5.ts?v=1#t',
      '#EXT-X-ENDLIST',
    ].join('\n');
    expect(problems(checkManifest(text, options))).toEqual([
      'line 2 (EXT-X-KEY URI): https://keys.example/k1: absolute URI: the player requests it as written, without the path token',
      'line 5: /videos/c1/hls/360p/seg0.ts: root-relative URI: resolving it drops the /_token/<jwt> segment',
      'line 7: //cdn.example/videos/c1/hls/360p/seg1.ts: absolute URI: the player requests it as written, without the path token',
      'line 9: ../../../../../seg2.ts: ".." climbs above the /_token/<jwt> segment: the request carries no token',
      'line 11: ../../seg3.ts: resolves to /videos/c1/seg3.ts, outside the grant /videos/c1/hls/*',
      'line 13: seg%2F4.ts: resolves to a non-canonical path (empty, "." or ".." segment, bad or forbidden %-escape): the edge denies it',
    ]);
    expect(checkManifest(text, options).ok).toBe(2); // ../init.mp4 and seg5.ts
  });

  it('reads quoted attributes as RFC 8216 says (commas inside quotes) and every URI-valued attribute', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="English, main",URI="/audio/en.m3u8"',
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="iframes.m3u8"',
      '#EXT-X-SESSION-DATA:DATA-ID="com.x",URI="https://x.example/data.json"',
      '#EXT-X-CONTENT-STEERING:SERVER-URI="/steer"',
      '#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="avc1.4d401e,mp4a.40.2"',
      'v/index.m3u8',
    ].join('\r\n');
    const result = checkManifest(text, { path: '/videos/c1/hls/master.m3u8', grant: '/videos/c1/hls/*' });
    expect(result.findings.map((f) => f.where)).toEqual(['line 2 (EXT-X-MEDIA URI)', 'line 4 (EXT-X-SESSION-DATA URI)', 'line 5 (EXT-X-CONTENT-STEERING SERVER-URI)']);
    expect(result.playlists).toEqual(['/videos/c1/hls/iframes.m3u8', '/videos/c1/hls/v/index.m3u8']);
  });

  // What hls.js still requests, however the attribute is spelled (issue 20 item 13).
  const HLSJS_LISTS = [
    'METHOD=AES-128,URI="k.key",IV=0x1',
    'METHOD=AES-128, URI="k.key"',
    'METHOD=AES-128,URI ="k.key"',
    'METHOD=AES-128,URI= "k.key"',
    ' URI = "k.key" ',
    'METHOD=AES-128,URI=k.key,IV=0x1',
    'URI=/abs/k.key',
    'URI="a"b",X=1',
    'URI="a,b",X="c=d"',
    'URI="first",URI="second"',
    'URI=',
    '=x,URI="k"',
    'NAME="English, main",URI="en.m3u8"',
    'TYPE=AUDIO,,URI="x.m3u8"',
    'URI="unterminated,X=1',
    'no attributes here',
  ];

  it.each(HLSJS_LISTS)('reads %j exactly as hls.js\'s AttrList does', (list) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const theirs = AttrList.parseAttrList(list) as Record<string, string>;
      const ours: Record<string, string> = {};
      for (const { name, value } of lenientAttributes(list)) {
        ours[name] = value.startsWith('"') && value.lastIndexOf('"') === value.length - 1 ? value.slice(1, -1) : value;
      }
      expect(ours).toEqual({ ...theirs });
    } finally {
      warn.mockRestore();
    }
  });

  it('flags URI attributes only hls.js requests (unquoted, spaced, repeated) and still checks where they go', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-KEY:METHOD=AES-128,URI=https://keys.example/k1,IV=0x1',
      '#EXT-X-KEY:METHOD=AES-128, URI="k2.key"',
      '#EXT-X-MAP:URI ="/init.mp4"',
      '#EXT-X-KEY:METHOD=AES-128,URI="k3.key",URI="k4.key"',
      '#EXT-X-KEY:METHOD=AES-128,URI="k5.key"',
      '#EXTINF:4,',
      'seg0.ts',
    ].join('\n');
    const result = checkManifest(text, options);
    expect(problems(result)).toEqual([
      'line 2 (EXT-X-KEY URI): https://keys.example/k1: URI is not a quoted string: hls.js still requests it, while the edge\'s manifest rewriting and other players skip it; write URI="…"',
      'line 2 (EXT-X-KEY URI): https://keys.example/k1: absolute URI: the player requests it as written, without the path token',
      'line 3 (EXT-X-KEY URI): k2.key: the attribute list is not RFC 8216 (a space around "=" or after ",", or a stray character): hls.js still requests this URI, the edge\'s manifest rewriting skips it; write NAME=VALUE pairs joined by "," alone',
      'line 4 (EXT-X-MAP URI): /init.mp4: the attribute list is not RFC 8216 (a space around "=" or after ",", or a stray character): hls.js still requests this URI, the edge\'s manifest rewriting skips it; write NAME=VALUE pairs joined by "," alone',
      'line 4 (EXT-X-MAP URI): /init.mp4: root-relative URI: resolving it drops the /_token/<jwt> segment',
      'line 5 (EXT-X-KEY URI): k4.key: URI is given twice: hls.js requests the last one, the edge\'s manifest rewriting neither; give it once',
    ]);
    expect(result.ok).toBe(2); // k5.key and seg0.ts
  });

  it('splits lines on LF, CRLF and a lone CR, as players do', () => {
    const result = checkManifest('#EXTM3U\r#EXTINF:4,\r/abs.ts\r\n#EXTINF:4,\nok.ts', options);
    expect(problems(result)).toEqual(['line 3: /abs.ts: root-relative URI: resolving it drops the /_token/<jwt> segment']);
  });

  it('flags whitespace or a quote in a URI, and ignores data: and skd: URIs (no request reaches the edge)', () => {
    const text = '#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-1",KEYFORMAT="com.apple.streamingkeydelivery"\n#EXT-X-MAP:URI="data:video/mp4;base64,AAAA"\n#EXTINF:4,\nseg 1.ts\n#EXTINF:4,\nseg2.ts \n';
    expect(problems(checkManifest(text, options)).map((p) => p.split(': ')[0])).toEqual(['line 5', 'line 7']);
  });

  it('uses another token path segment when told', () => {
    const result = checkManifest('#EXTM3U\n#EXTINF:4,\n../../../../../x.ts\n', { ...options, pathSegment: 't' });
    expect(result.findings[0]?.problem).toBe('".." climbs above the /t/<jwt> segment: the request carries no token');
  });

  it('flags a manifest served outside its own grant', () => {
    const result = checkManifest('#EXTM3U\n', { path: '/videos/c2/index.m3u8', grant: '/videos/c1/*' });
    expect(problems(result)).toEqual(['the manifest: /videos/c2/index.m3u8: /videos/c2/index.m3u8 is itself outside the grant /videos/c1/*']);
  });
});

describe('checkManifest: DASH', () => {
  const options = { path: '/videos/c1/dash/manifest.mpd', grant: '/videos/c1/dash/*' };
  const mpd = (body: string) => `<?xml version="1.0" encoding="utf-8"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static">\n${body}\n</MPD>`;

  it('flags an absolute BaseURL once, not every segment below it', () => {
    const text = mpd(`<BaseURL>https://cdn2.example/videos/c1/dash/</BaseURL>
<Period><AdaptationSet><SegmentTemplate media="$RepresentationID$/$Number%05d$.m4s" initialization="$RepresentationID$/init.mp4"/>
<Representation id="v1" bandwidth="1"/><Representation id="v2" bandwidth="2"/></AdaptationSet></Period>`);
    expect(problems(checkManifest(text, options))).toEqual(['line 3, BaseURL: https://cdn2.example/videos/c1/dash/: absolute BaseURL: every URL below it is requested without the path token']);
  });

  it('resolves templates through the BaseURL chain and fills identifiers per Representation', () => {
    const text = mpd(`<Period><BaseURL>p1/</BaseURL><AdaptationSet><BaseURL>../../other/</BaseURL>
<SegmentTemplate media="$RepresentationID$-$Number%03d$-$Bandwidth$.m4s" initialization="/init-$RepresentationID$.mp4" startNumber="7"/>
<Representation id="v1" bandwidth="800"/></AdaptationSet></Period>`);
    expect(problems(checkManifest(text, options))).toEqual([
      'line 5, Representation "v1" SegmentTemplate@media: v1-007-800.m4s: resolves to /videos/c1/other/v1-007-800.m4s, outside the grant /videos/c1/dash/*',
      'line 5, Representation "v1" SegmentTemplate@initialization: /init-v1.mp4: root-relative URI: resolving it drops the /_token/<jwt> segment',
    ]);
  });

  it('inherits SegmentTemplate attributes level by level (Representation overrides AdaptationSet)', () => {
    const text = mpd(`<Period><AdaptationSet><SegmentTemplate media="$RepresentationID$/$Time$.m4s" initialization="/x/init.mp4"/>
<Representation id="a"><SegmentTemplate initialization="$RepresentationID$/init.mp4"/></Representation></AdaptationSet></Period>`);
    const result = checkManifest(text, options);
    expect(result.findings).toEqual([]);
    expect(result.ok).toBe(2);
  });

  it('checks SegmentList URLs, SegmentBase media, Location and xlink:href, and skips resolve-to-zero', () => {
    const text = mpd(`<Location>/live/manifest.mpd</Location>
<Period xmlns:xlink="http://www.w3.org/1999/xlink"><AdaptationSet xlink:href="urn:mpeg:dash:resolve-to-zero:2013"/>
<AdaptationSet xlink:href="https://remote.example/as.xml"/>
<AdaptationSet><Representation id="list"><SegmentList><Initialization sourceURL="list/init.mp4"/><SegmentURL media="list/1.m4s"/><SegmentURL media="../../../1.m4s"/></SegmentList></Representation>
<Representation id="single"><BaseURL>single.mp4</BaseURL><SegmentBase indexRange="0-99"/></Representation>
<Representation id="outside"><BaseURL>../outside.mp4</BaseURL></Representation></AdaptationSet></Period>`);
    expect(problems(checkManifest(text, options))).toEqual([
      'line 3, Location: /live/manifest.mpd: root-relative URI: resolving it drops the /_token/<jwt> segment',
      'line 5, AdaptationSet@xlink:href: https://remote.example/as.xml: absolute URI: the player requests it as written, without the path token',
      'line 6, Representation "list" SegmentURL@media: ../../../1.m4s: resolves to /1.m4s, outside the grant /videos/c1/dash/*',
      'line 8, Representation "outside" media (its BaseURL): : resolves to /videos/c1/outside.mp4, outside the grant /videos/c1/dash/*',
    ]);
  });

  it('reads namespace prefixes, entities and CDATA, and refuses XML that is not well-formed', () => {
    const text = `<mpd:MPD xmlns:mpd="urn:mpeg:dash:schema:mpd:2011"><mpd:Period><mpd:AdaptationSet><mpd:Representation id="a&amp;b"><mpd:BaseURL><![CDATA[/abs/]]></mpd:BaseURL></mpd:Representation></mpd:AdaptationSet></mpd:Period></mpd:MPD>`;
    expect(problems(checkManifest(text, options))).toEqual(['line 1, BaseURL: /abs/: root-relative BaseURL: resolving it drops the /_token/<jwt> segment']);
    expect(() => checkManifest('<MPD><Period>', options)).toThrow(/<Period> is never closed/);
    expect(() => checkManifest(mpd('<Period>'), options)).toThrow(/line 4: unexpected <\/MPD>/);
    expect(() => parseXml('<a x=1/>')).toThrow(/not well-formed/);
  });

  it('expands no entity but the predefined and numeric ones (no DTD tricks)', () => {
    const root = parseXml('<!DOCTYPE x [<!ENTITY e "boom">]><x a="&e;&lt;&#65;&#x42;">&e;</x>');
    const x = root.children[0];
    expect(x?.attrs.a).toBe('&e;<AB');
    expect(x?.text).toBe('&e;');
  });
});

describe('checkManifest: input', () => {
  it('detects the kind, or says it cannot', () => {
    expect(checkManifest('\uFEFF#EXTM3U\n', { path: '/a/i.m3u8', grant: '/a/*' }).kind).toBe('hls');
    expect(() => checkManifest('hello', { path: '/a/i.m3u8', grant: '/a/*' })).toThrow(/neither an HLS playlist/);
  });

  it('refuses a bad path, grant or segment name with a clear TypeError', () => {
    expect(() => checkManifest('#EXTM3U', { path: 'a.m3u8', grant: '/a/*' })).toThrow(/canonical path/);
    expect(() => checkManifest('#EXTM3U', { path: '/a/../b.m3u8', grant: '/a/*' })).toThrow(/canonical path/);
    expect(() => checkManifest('#EXTM3U', { path: '/a/i.m3u8', grant: 'a/*' })).toThrow(/grant/);
    expect(() => checkManifest('#EXTM3U', { path: '/a/i.m3u8', grant: '/a/*', pathSegment: 'a/b' })).toThrow(/pathSegment/);
  });

  it('checks pathSegment by the carrier-name rule of createSigner and the verifier', () => {
    for (const pathSegment of ['a(b', '..', '', 'x'.repeat(65)]) {
      expect(() => checkManifest('#EXTM3U', { path: '/a/i.m3u8', grant: '/a/*', pathSegment }), pathSegment).toThrow(
        'checkManifest: option "params.pathSegment" must be a short name of URL-safe characters (A-Z a-z 0-9 . _ ~ -)',
      );
    }
    const result = checkManifest('#EXTM3U\n#EXTINF:4,\n/a/s.ts\n', { path: '/a/i.m3u8', grant: '/a/*', pathSegment: 't.k~' });
    expect(result.findings.map((finding) => finding.problem)).toEqual(['root-relative URI: resolving it drops the /t.k~/<jwt> segment']);
  });
});
