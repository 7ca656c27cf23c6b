import { describe, expect, it } from 'vitest';
import { denialResponse } from '../src/handle.js';
import { NOW, backends, claims, currentDate, hs256, keyringJson } from './helpers.js';

const url = (path: string) => `https://cdn.test${path}`;

describe('denialResponse', () => {
  it('answers SPEC §7: JSON body, no-store, x-urlseal-error, WWW-Authenticate on 401', async () => {
    const expired = denialResponse('ERR_TOKEN_EXPIRED');
    expect(expired.status).toBe(410);
    expect(expired.headers.get('cache-control')).toBe('no-store');
    expect(expired.headers.get('content-type')).toBe('application/json');
    expect(expired.headers.get('x-urlseal-error')).toBe('ERR_TOKEN_EXPIRED');
    expect(expired.headers.get('www-authenticate')).toBeNull();
    expect(await expired.json()).toEqual({ error: 'ERR_TOKEN_EXPIRED' });

    const missing = denialResponse('ERR_TOKEN_MISSING');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const malformed = denialResponse('ERR_TOKEN_MALFORMED');
    expect(malformed.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(denialResponse('ERR_KEYRING_UNAVAILABLE').status).toBe(503);
    expect(denialResponse('ERR_TOKEN_EXPIRED', 401).headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });
});

describe.each(backends)('handle (%s backend)', (_name, createVerifier) => {
  const verifier = createVerifier({ keyring: keyringJson, currentDate });
  const token = hs256(claims());

  it('forwards the carrier-free request and streams the origin response with Referrer-Policy', async () => {
    let seen: Request | undefined;
    const response = await verifier.handle(
      new Request(url(`/videos/course-1/a.mp4?token=${token}&x=1`), { headers: { range: 'bytes=0-9', cookie: `urlseal=${token}; a=b` } }),
      async (forward) => {
        seen = forward;
        return new Response('0123456789', { status: 206, headers: { 'content-range': 'bytes 0-9/100', etag: '"e"', 'content-length': '10' } });
      },
    );
    expect(seen?.url).toBe(url('/videos/course-1/a.mp4?x=1'));
    expect(seen?.headers.get('range')).toBe('bytes=0-9');
    expect(seen?.headers.get('cookie')).toBe('a=b');
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 0-9/100');
    expect(response.headers.get('etag')).toBe('"e"');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await response.text()).toBe('0123456789');
  });

  it('answers denials without calling the origin and without echoing anything', async () => {
    let called = false;
    const origin = async () => { called = true; return new Response('x'); };
    const expired = hs256(claims({ exp: NOW - 100, sub: 'secret-student' }));
    const response = await verifier.handle(new Request(url(`/videos/course-1/a.mp4?token=${expired}`)), origin);
    expect(response.status).toBe(410);
    const body = await response.text();
    expect(body).toBe('{"error":"ERR_TOKEN_EXPIRED"}');
    expect([...response.headers].join()).not.toContain(expired.slice(0, 20));
    const post = await verifier.handle(new Request(url('/a'), { method: 'POST', body: 'x' }), origin);
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(called).toBe(false);
  });

  it('answers 502 no-store when the origin fetch throws', async () => {
    const response = await verifier.handle(new Request(url(`/videos/course-1/a.mp4?token=${token}`)), async () => {
      throw new Error('connect ECONNREFUSED');
    });
    expect(response.status).toBe(502);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-urlseal-error')).toBe('ERR_ORIGIN_UNAVAILABLE');
    expect(await response.json()).toEqual({ error: 'ERR_ORIGIN_UNAVAILABLE' });
  });

  it('passes HEAD through untouched', async () => {
    const response = await verifier.handle(new Request(url(`/videos/course-1/a.m3u8?token=${token}`), { method: 'HEAD' }), async (f) => {
      expect(f.method).toBe('HEAD');
      return new Response(null, { status: 200, headers: { 'content-length': '123', 'content-type': 'application/vnd.apple.mpegurl' } });
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('123');
  });

  it('rewrites an HLS manifest for a query-token request and drops Content-Length', async () => {
    const manifest = '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4,\nseg-1.ts\nhttps://elsewhere.test/x.ts\n/videos/other/seg.ts\n';
    const origin = async () => new Response(manifest, { headers: { 'content-type': 'application/vnd.apple.mpegurl', 'content-length': String(manifest.length) } });
    const response = await verifier.handle(new Request(url(`/videos/course-1/hls/index.m3u8?token=${token}`)), origin);
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await response.text()).toBe(`#EXTM3U\n#EXT-X-MAP:URI="init.mp4?token=${token}"\n#EXTINF:4,\nseg-1.ts?token=${token}\nhttps://elsewhere.test/x.ts\n/videos/other/seg.ts\n`);
  });

  it('does not rewrite for path-segment, header or cookie tokens', async () => {
    const manifest = '#EXTM3U\nseg-1.ts\n';
    const origin = async () => new Response(manifest, { headers: { 'content-type': 'application/vnd.apple.mpegurl' } });
    const viaPath = await verifier.handle(new Request(url(`/_token/${token}/videos/course-1/index.m3u8`)), origin);
    expect(await viaPath.text()).toBe(manifest);
    const viaHeader = await verifier.handle(new Request(url('/videos/course-1/index.m3u8'), { headers: { authorization: `Bearer ${token}` } }), origin);
    expect(await viaHeader.text()).toBe(manifest);
  });
});
