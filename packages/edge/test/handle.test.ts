import { describe, expect, it } from 'vitest';
import { gzipSync, deflateSync, brotliCompressSync } from 'node:zlib';
import { handle } from '../src/web/handle.js';
import { MAX_MANIFEST_BYTES } from '../src/core/manifest.js';
import { denialResponse, originFailure } from '../src/core/respond.js';
import { NOW, backends, claims, currentDate, hs256, keyringJson } from './helpers.js';

const url = (path: string) => `https://cdn.test${path}`;

describe('denialResponse and originFailure', () => {
  it('originFailure answers 502 or 504, JSON, no-store', async () => {
    const timeout = originFailure(504);
    expect(timeout.status).toBe(504);
    expect(timeout.headers.get('x-urlseal-error')).toBe('ERR_ORIGIN_TIMEOUT');
    expect(timeout.headers.get('cache-control')).toBe('no-store');
    expect(await originFailure().json()).toEqual({ error: 'ERR_ORIGIN_UNAVAILABLE' });
  });

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
    const response = await handle(verifier, new Request(url(`/videos/course-1/a.mp4?token=${token}&x=1`), { headers: { range: 'bytes=0-9', cookie: `urlseal=${token}; a=b` } }),
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
    const response = await handle(verifier, new Request(url(`/videos/course-1/a.mp4?token=${expired}`)), origin);
    expect(response.status).toBe(410);
    const body = await response.text();
    expect(body).toBe('{"error":"ERR_TOKEN_EXPIRED"}');
    expect([...response.headers].join()).not.toContain(expired.slice(0, 20));
    const post = await handle(verifier, new Request(url('/a'), { method: 'POST', body: 'x' }), origin);
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(called).toBe(false);
  });

  it('answers 502 no-store when the origin fetch throws', async () => {
    const response = await handle(verifier, new Request(url(`/videos/course-1/a.mp4?token=${token}`)), async () => {
      throw new Error('connect ECONNREFUSED');
    });
    expect(response.status).toBe(502);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-urlseal-error')).toBe('ERR_ORIGIN_UNAVAILABLE');
    expect(await response.json()).toEqual({ error: 'ERR_ORIGIN_UNAVAILABLE' });
  });

  it('passes HEAD through untouched', async () => {
    const response = await handle(verifier, new Request(url(`/videos/course-1/a.m3u8?token=${token}`), { method: 'HEAD' }), async (f) => {
      expect(f.method).toBe('HEAD');
      return new Response(null, { status: 200, headers: { 'content-length': '123', 'content-type': 'application/vnd.apple.mpegurl' } });
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('123');
  });

  it('rewrites an HLS manifest for a query-token request and drops Content-Length', async () => {
    const manifest = '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4,\nseg-1.ts\nhttps://elsewhere.test/x.ts\n/videos/other/seg.ts\n';
    const origin = async () => new Response(manifest, { headers: { 'content-type': 'application/vnd.apple.mpegurl', 'content-length': String(manifest.length) } });
    const response = await handle(verifier, new Request(url(`/videos/course-1/hls/index.m3u8?token=${token}`)), origin);
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe(`#EXTM3U\n#EXT-X-MAP:URI="init.mp4?token=${token}"\n#EXTINF:4,\nseg-1.ts?token=${token}\nhttps://elsewhere.test/x.ts\n/videos/other/seg.ts\n`);
  });

  const manifestUrl = url(`/videos/course-1/hls/index?token=${token}`);
  const typed = { 'content-type': 'application/vnd.apple.mpegurl' };
  const rewrittenText = `#EXTM3U\nseg-1.ts?token=${token}\n`;

  it('rewrites a manifest known by its content type only, and one sent compressed, delivered decodable', async () => {
    const plain = '#EXTM3U\nseg-1.ts\n';
    for (const [encoding, body] of [['gzip', gzipSync(plain)], ['deflate', deflateSync(plain)], ['identity', Buffer.from(plain)]] as const) {
      const response = await handle(verifier, new Request(manifestUrl), async () =>
        new Response(body, { headers: { ...typed, 'content-encoding': encoding, 'content-length': String(body.length) } }));
      expect(response.headers.get('content-encoding'), encoding).toBeNull();
      expect(await response.text(), encoding).toBe(rewrittenText);
    }
    // A runtime (fetch in Node, Workers) that already decoded the body but kept the header.
    const decoded = await handle(verifier, new Request(manifestUrl), async () => new Response(plain, { headers: { ...typed, 'content-encoding': 'gzip' } }));
    expect(await decoded.text()).toBe(rewrittenText);
  });

  it('passes a manifest it cannot decode untouched, with its own headers', async () => {
    const body = brotliCompressSync('#EXTM3U\nseg-1.ts\n');
    const response = await handle(verifier, new Request(manifestUrl), async () => new Response(body, { headers: { ...typed, 'content-encoding': 'br' } }));
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
  });

  it('bounds the bytes actually read, not a Content-Length: a larger manifest passes untouched, streamed', async () => {
    const big = `#EXTM3U\n${'seg.ts\n'.repeat(Math.ceil(MAX_MANIFEST_BYTES / 7))}`;
    const chunked = () => new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(big);
        for (let i = 0; i < bytes.length; i += 1 << 16) controller.enqueue(bytes.subarray(i, i + (1 << 16)));
        controller.close();
      },
    });
    const response = await handle(verifier, new Request(manifestUrl), async () => new Response(chunked(), { headers: typed }));
    expect(await response.text()).toBe(big);
    // Compressed: a small gzip body that decodes past the bound is not buffered whole, and passes untouched.
    const bomb = gzipSync(big);
    expect(bomb.length).toBeLessThan(MAX_MANIFEST_BYTES);
    const zipped = await handle(verifier, new Request(manifestUrl), async () => new Response(bomb, { headers: { ...typed, 'content-encoding': 'gzip' } }));
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await zipped.arrayBuffer()).equals(bomb)).toBe(true);
  });

  it('answers 502 for an origin answer it cannot relay, and keeps serving', async () => {
    const answers: unknown[] = [
      { status: 101, headers: new Headers(), body: null },
      { status: 600, headers: new Headers(), body: null },
      { status: 199, headers: new Headers(), body: null },
      { status: 200.5, headers: new Headers(), body: null },
      'not a response',
      null,
      { status: 200, headers: new Headers(), statusText: 'bad\r\nline', body: null },
    ];
    for (const answer of answers) {
      const response = await handle(verifier, new Request(url(`/videos/course-1/a.mp4?token=${token}`)), async () => answer as Response);
      expect(response.status, JSON.stringify(answer)).toBe(502);
      expect(response.headers.get('x-urlseal-error')).toBe('ERR_ORIGIN_UNAVAILABLE');
    }
    const reset = await handle(verifier, new Request(url(`/videos/course-1/a.mp4?token=${token}`)), async () => new Response(null, { status: 205 }));
    expect(reset.status).toBe(205);
    const fine = await handle(verifier, new Request(url(`/videos/course-1/a.mp4?token=${token}`)), async () => new Response('ok'));
    expect(await fine.text()).toBe('ok');
  });

  it('aims the forwarded request at opts.origin without the edge Host', async () => {
    let seen: Request | undefined;
    await handle(verifier, new Request(url(`/videos/course-1/a%20b.mp4?x=1&token=${token}`), { headers: { host: 'cdn.test' } }), async (forward) => {
      seen = forward;
      return new Response('ok');
    }, { origin: 'https://origin.test/base/' });
    expect(seen?.url).toBe('https://origin.test/base/videos/course-1/a%20b.mp4?x=1');
    expect(seen?.headers.get('host')).toBeNull();
    expect(seen?.redirect).toBe('manual');
  });

  it('builds the forwarded request only when it is read: verifying one Request many times adds no abort listener', async () => {
    const controller = new AbortController();
    const request = new Request(url(`/videos/course-1/a.mp4?token=${token}`), { signal: controller.signal });
    let added = 0;
    const signal = request.signal;
    const add = signal.addEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => { added++; return add(...args); }) as typeof add;
    for (let i = 0; i < 50; i++) expect((await verifier.verify(request)).ok).toBe(true);
    expect(added).toBe(0);
    const result = await verifier.verify(request);
    expect(result.ok && result.forward === result.forward).toBe(true); // built once, on first read
    expect(added).toBe(1);
  });

  it('does not rewrite for path-segment, header or cookie tokens', async () => {
    const manifest = '#EXTM3U\nseg-1.ts\n';
    const origin = async () => new Response(manifest, { headers: { 'content-type': 'application/vnd.apple.mpegurl' } });
    const viaPath = await handle(verifier, new Request(url(`/_token/${token}/videos/course-1/index.m3u8`)), origin);
    expect(await viaPath.text()).toBe(manifest);
    const viaHeader = await handle(verifier, new Request(url('/videos/course-1/index.m3u8'), { headers: { authorization: `Bearer ${token}` } }), origin);
    expect(await viaHeader.text()).toBe(manifest);
  });
});
