// SPEC §7 rules about what the origin answers, through every adapter that relays it:
// `handle` (with the runtime's fetch), `urlseal serve` (createEdgeServer), the Express
// middleware (the next handler plays the origin) and dist/worker.js in real workerd.
// - an HLS manifest is known by its path or its content type, the same rule everywhere;
// - a compressed manifest is rewritten and reaches the client decodable;
// - the bound applies to the bytes actually read: a larger manifest (chunked, or a small
//   gzip body that decodes past it) passes untouched, byte for byte, headers intact;
// - an origin status the edge cannot relay is 502, and the edge keeps serving.
// That a manifest at the bound never delays a concurrent small request is measured in
// manifest-latency.timing.test.ts (npm run test:slow: a latency check runs alone).
import { describe, expect, it } from 'vitest';
import { BIG, REWRITTEN, decoded, useOriginAdapters } from './origin-fixture.js';

const adapters = useOriginAdapters();

describe.each(['handle (Node fetch)', 'urlseal serve', 'Express', 'Worker (workerd)'])('%s', (name) => {
  const adapter = () => adapters.find((a) => a.name === name)!;

  it('rewrites a manifest known by its .m3u8 path', async () => {
    const got = await adapter().get('/hls/index.m3u8');
    expect(got.status).toBe(200);
    expect(decoded(got)).toBe(REWRITTEN);
    expect(got.headers.get('cache-control')).toBe('no-store');
  });

  it('rewrites a manifest known by its content type only, sent gzip or deflate, and delivers it decodable', async () => {
    for (const path of ['/hls/typed', '/hls/audio']) {
      const got = await adapter().get(path);
      expect(got.status, path).toBe(200);
      expect(got.headers.get('content-encoding'), path).toBeNull();
      expect(got.body.toString('utf8'), path).toBe(REWRITTEN);
    }
  });

  it('passes a manifest over the bound untouched: chunked, and a small gzip body that decodes past it', async () => {
    const big = await adapter().get('/hls/big.m3u8');
    expect(big.status).toBe(200);
    expect(big.body.length).toBe(BIG.length);
    expect(big.body.toString('utf8') === BIG).toBe(true);
    const bomb = await adapter().get('/hls/bomb');
    expect(bomb.status).toBe(200);
    expect(decoded(bomb) === BIG).toBe(true); // untouched, and still decodable by the client
  });

  it('answers 502 to an origin status it cannot relay (1xx, ≥ 600), relays 205 without a body, and keeps serving', async () => {
    if (!adapter().relaysOrigin) return expect(name).toBe('Express'); // Express: the next handler writes the answer itself
    for (const status of [101, 600, 999]) {
      const got = await adapter().get(`/status/${status}`);
      expect(got.status, String(status)).toBe(502);
      expect(got.headers.get('x-urlseal-error'), String(status)).toBe('ERR_ORIGIN_UNAVAILABLE');
    }
    const reset = await adapter().get('/status/205');
    expect(reset.status).toBe(205);
    expect(reset.body.length).toBe(0);
    expect((await adapter().get('/small')).body.toString()).toBe('small');
  });
});
