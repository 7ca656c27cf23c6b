import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenSource } from '../src/source.js';
import { createCarrier } from '../src/carrier.js';
import { clock, jwt, refresher, settle, T0, tokenAt } from './helpers.js';


describe('carrier: where the token travels', () => {
  const carrier = createCarrier();
  const a = tokenAt(T0, 300, 1);
  const b = tokenAt(T0, 300, 2);

  it('reads and replaces the path form, keeping the rest of the URL byte for byte', () => {
    const url = `https://cdn.example/_token/${a}/videos/a/360p/seg%201.ts?x=1#t`;
    expect(carrier.read(url)).toBe(a);
    expect(carrier.write(url, b)).toBe(`https://cdn.example/_token/${b}/videos/a/360p/seg%201.ts?x=1#t`);
    expect(carrier.write(`/_token/${a}/videos/a.mp4`, b)).toBe(`/_token/${b}/videos/a.mp4`);
  });

  it('reads and replaces the query form, other parameters untouched', () => {
    const url = `https://cdn.example/videos/a.mp4?x=token&token=${a}&y=2`;
    expect(carrier.read(url)).toBe(a);
    expect(carrier.write(url, b)).toBe(`https://cdn.example/videos/a.mp4?x=token&token=${b}&y=2`);
  });

  it('never adds a token to a URL that carries none (another host, a caption file)', () => {
    for (const url of ['https://other.example/captions.vtt', 'https://cdn.example/videos/_token/a.ts', 'https://cdn.example/v?mytoken=1']) {
      expect(carrier.read(url)).toBeUndefined();
      expect(carrier.write(url, b)).toBe(url);
    }
  });

  it('takes the signer and verifier names', () => {
    const custom = createCarrier({ param: 'sig', pathSegment: 't' });
    expect(custom.write(`https://cdn.example/t/${a}/x.ts`, b)).toBe(`https://cdn.example/t/${b}/x.ts`);
    expect(custom.write(`https://cdn.example/x.ts?sig=${a}`, b)).toBe(`https://cdn.example/x.ts?sig=${b}`);
    expect(custom.write(`https://cdn.example/_token/${a}/x.ts`, b)).toBe(`https://cdn.example/_token/${a}/x.ts`);
  });

  it('refuses names that are not the contract alphabet (they become part of a pattern)', () => {
    expect(() => createCarrier({ param: 'a.b' })).toThrow(TypeError);
    expect(() => createCarrier({ pathSegment: '(x)' })).toThrow(/1-64/);
  });
});

describe('createTokenSource', () => {
  afterEach(() => vi.useRealTimers());

  it('starts from the signed URL the page was given and applies its token', () => {
    const first = tokenAt(T0, 300);
    const source = createTokenSource({ token: `https://cdn.example/_token/${first}/videos/a/master.m3u8`, refresh: refresher().refresh });
    expect(source.token).toBe(first);
    expect(source.apply('https://cdn.example/_token/stale.x.y/videos/a/360p/seg1.ts')).toBe(`https://cdn.example/_token/${first}/videos/a/360p/seg1.ts`);
  });

  it('renews when less than the margin is left, measuring the lifetime from arrival (the page clock may be hours off)', async () => {
    const time = clock(); // the page's clock: nowhere near the issuer's T0
    const next = tokenAt(T0 + 240, 300, 2);
    const r = refresher(next);
    const source = createTokenSource({ token: tokenAt(T0, 300, 1), refresh: r.refresh, now: time.now });
    // Default margin: a quarter of the lifetime, at most 30 s → renew in the last 30 s.
    time.advance(269_000);
    expect(await source.fresh()).toBe(tokenAt(T0, 300, 1));
    time.advance(1_000);
    expect(await source.fresh()).toBe(next);
    expect(r.calls()).toBe(1);
  });

  it('takes a margin in seconds, capped at half the lifetime', async () => {
    const time = clock();
    const r = refresher(tokenAt(T0, 20, 2));
    const source = createTokenSource({ token: tokenAt(T0, 20, 1), margin: 60, refresh: r.refresh, now: time.now });
    time.advance(9_000);
    await source.fresh();
    expect(r.calls()).toBe(0);
    time.advance(1_000);
    await source.fresh();
    expect(r.calls()).toBe(1);
  });

  it('refreshes first when it has no token yet', async () => {
    const r = refresher(`https://cdn.example/videos/a.mp4?token=${tokenAt(T0, 60)}`);
    const source = createTokenSource({ refresh: r.refresh });
    expect(source.token).toBe('');
    expect(await source.fresh()).toBe(tokenAt(T0, 60));
  });

  it('keeps one refresh in flight however many requests ask', async () => {
    let resolve!: (value: string) => void;
    let calls = 0;
    const source = createTokenSource({
      refresh: () => {
        calls += 1;
        return new Promise<string>((r) => (resolve = r));
      },
    });
    const waiting = [source.fresh(), source.fresh(), source.renew(), source.fresh()];
    await settle();
    resolve(tokenAt(T0, 60, 7));
    expect(await Promise.all(waiting)).toEqual(Array(4).fill(tokenAt(T0, 60, 7)));
    expect(calls).toBe(1);
    const again = source.renew(); // the next renewal is a new one
    await settle();
    resolve(tokenAt(T0, 60, 8));
    expect(await again).toBe(tokenAt(T0, 60, 8));
    expect(calls).toBe(2);
  });

  it('renews after a 410 and says retry; fresh() waits for that renewal whatever the clock says', async () => {
    const time = clock();
    const next = tokenAt(T0 + 200, 300, 2);
    const r = refresher(next);
    const tokens: string[] = [];
    const source = createTokenSource({ token: tokenAt(T0, 300, 1), refresh: r.refresh, now: time.now, onToken: (t) => tokens.push(t) });
    time.advance(200_000); // not expired by the page's estimate, but the edge says 410
    expect(source.report(410, 'ERR_TOKEN_EXPIRED')).toBe(true);
    expect(await source.fresh()).toBe(next);
    expect(r.calls()).toBe(1);
    expect(tokens).toEqual([tokenAt(T0, 300, 1), next]);
  });

  it('only retries, without a refresh, when the 410 was for a token older than the current one', () => {
    const old = tokenAt(T0 - 300, 300, 0);
    const r = refresher(tokenAt(T0, 300, 2));
    const source = createTokenSource({ token: tokenAt(T0, 300, 1), refresh: r.refresh });
    expect(source.report(410, null, `https://cdn.example/_token/${old}/videos/a/seg3.ts`)).toBe(true);
    expect(r.calls()).toBe(0);
  });

  it('only retries a 410 of unknown token answered within 2 s of a renewal (it was sent before the new token)', async () => {
    const time = clock();
    const r = refresher(tokenAt(T0 + 200, 300, 2), tokenAt(T0 + 400, 300, 3));
    const source = createTokenSource({ token: tokenAt(T0, 300, 1), refresh: r.refresh, now: time.now });
    time.advance(200_000);
    expect(source.report(410)).toBe(true);
    await source.fresh();
    time.advance(1_500); // a second request, sent with the old token, comes back 410 now
    expect(source.report(410)).toBe(true);
    expect(r.calls()).toBe(1);
  });

  it('does not loop when a token it just received is already called expired (clocks disagree)', () => {
    const time = clock();
    const denied: Array<[number, string | null]> = [];
    const r = refresher(tokenAt(T0, 300, 2));
    const source = createTokenSource({ token: tokenAt(T0, 300, 1), refresh: r.refresh, now: time.now, onDenied: (s, c) => denied.push([s, c]) });
    time.advance(10_000);
    expect(source.report(410, 'ERR_TOKEN_EXPIRED')).toBe(false);
    expect(r.calls()).toBe(0);
    expect(denied).toEqual([[410, 'ERR_TOKEN_EXPIRED']]);
  });

  it('never renews or retries after a 401 or 403, and passes the edge code on', async () => {
    const r = refresher(tokenAt(T0, 300, 2));
    const denied: Array<[number, string | null]> = [];
    const source = createTokenSource({ token: tokenAt(T0, 300, 1), refresh: r.refresh, onDenied: (s, c) => denied.push([s, c]) });
    expect(source.report(403, 'ERR_SIGNATURE_INVALID')).toBe(false);
    expect(source.report(401, 'ERR_TOKEN_MALFORMED')).toBe(false);
    expect(source.report(403)).toBe(false);
    await settle();
    expect(r.calls()).toBe(0);
    expect(denied).toEqual([[403, 'ERR_SIGNATURE_INVALID'], [401, 'ERR_TOKEN_MALFORMED'], [403, null]]);
  });

  it('treats an unreadable status (0: a denial without CORS) as expiry only once the token is past exp', () => {
    const time = clock();
    const r = refresher(tokenAt(T0 + 300, 300, 2));
    const source = createTokenSource({ token: tokenAt(T0, 300, 1), refresh: r.refresh, now: time.now });
    time.advance(299_000);
    expect(source.report(0)).toBe(false);
    time.advance(1_000);
    expect(source.report(0)).toBe(true);
    expect(r.calls()).toBe(1);
  });

  it('ignores statuses that are not about the token', () => {
    const r = refresher(tokenAt(T0, 300, 2));
    const source = createTokenSource({ token: tokenAt(T0, 300, 1), refresh: r.refresh });
    for (const status of [200, 206, 404, 500, 502, -1]) expect(source.report(status)).toBe(false);
    expect(r.calls()).toBe(0);
  });

  it('closes for good when the app refuses a renewal with 401/403 (the viewer lost access)', async () => {
    const refused = Object.assign(new Error('renewal refused: HTTP 403'), { status: 403 });
    const r = refresher(refused);
    const errors: unknown[] = [];
    const time = clock();
    const source = createTokenSource({ token: tokenAt(T0, 60, 1), refresh: r.refresh, now: time.now, onError: (e) => errors.push(e) });
    time.advance(60_000);
    await expect(source.fresh()).rejects.toBe(refused);
    await expect(source.fresh()).rejects.toBe(refused);
    await expect(source.renew()).rejects.toBe(refused);
    expect(source.report(410)).toBe(false);
    expect(r.calls()).toBe(1);
    expect(errors).toEqual([refused]);
  });

  it('tries again on the next request after a failure that is not a refusal (offline)', async () => {
    const r = refresher(new TypeError('Failed to fetch'), tokenAt(T0, 60, 2));
    const source = createTokenSource({ refresh: r.refresh });
    await expect(source.fresh()).rejects.toThrow('Failed to fetch');
    expect(await source.fresh()).toBe(tokenAt(T0, 60, 2));
  });

  it('rejects what is not a usable token, and never echoes it', async () => {
    const expired = jwt({ path: '/a', iat: T0, exp: T0 - 1 });
    for (const bad of ['not a token', jwt({ path: '/a' }), expired, `https://cdn.example/videos/a.mp4?t=${expired}`]) {
      const source = createTokenSource({ refresh: async () => bad });
      const error: Error = await source.fresh().then(() => new Error('resolved'), (e: Error) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).not.toContain(bad);
    }
    expect(() => createTokenSource({ token: 'junk', refresh: async () => '' })).toThrow(TypeError);
  });

  it('validates its options once', () => {
    expect(() => createTokenSource({} as never)).toThrow(/refresh/);
    expect(() => createTokenSource({ refresh: async () => '', margin: -1 })).toThrow(/margin/);
    expect(() => createTokenSource({ refresh: async () => '', margin: Number.NaN })).toThrow(/margin/);
    expect(() => createTokenSource({ refresh: async () => '', param: 'to ken' })).toThrow(TypeError);
  });

  it('keepFresh renews on a timer before each expiry, retries 5 s after a failure, and stops', async () => {
    vi.useFakeTimers({ now: 1_800_000_000_000 });
    const r = refresher(tokenAt(T0, 40, 2), new Error('offline'), tokenAt(T0, 40, 3), tokenAt(T0, 40, 4));
    const source = createTokenSource({ token: tokenAt(T0, 40, 1), refresh: r.refresh, onError: () => {} });
    const stop = source.keepFresh();
    await vi.advanceTimersByTimeAsync(29_999); // margin: 40/4 = 10 s
    expect(r.calls()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.calls()).toBe(1);
    expect(source.token).toBe(tokenAt(T0, 40, 2));
    await vi.advanceTimersByTimeAsync(30_000); // next renewal fails…
    expect(r.calls()).toBe(2);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(r.calls()).toBe(2);
    await vi.advanceTimersByTimeAsync(1); // …and is tried again 5 s later
    expect(r.calls()).toBe(3);
    expect(source.token).toBe(tokenAt(T0, 40, 3));
    stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(r.calls()).toBe(3);
  });
});

describe('apply: the token goes only to the edge’s origin, inside the grant (issue 20)', () => {
  const current = tokenAt(T0, 300, 7); // grant /videos/a/*
  const stale = tokenAt(T0, 300, 8);
  const fromUrl = () => createTokenSource({ token: `https://cdn.example/_token/${current}/videos/a/master.m3u8`, refresh: refresher().refresh });

  it('writes the token into URLs on the edge’s origin inside the grant, path or query form', () => {
    const source = fromUrl();
    expect(source.apply(`https://cdn.example/_token/${stale}/videos/a/360p/seg1.ts`)).toBe(`https://cdn.example/_token/${current}/videos/a/360p/seg1.ts`);
    expect(source.apply(`https://cdn.example/videos/a/key.bin?token=${stale}`)).toBe(`https://cdn.example/videos/a/key.bin?token=${current}`);
    expect(source.apply(`https://cdn.example/videos/a/caf%C3%A9/s.ts?token=${stale}`)).toBe(`https://cdn.example/videos/a/caf%C3%A9/s.ts?token=${current}`);
  });

  it.each([
    ['a segment on another host', `https://evil.example/_token/${stale}/videos/a/seg1.ts`],
    ['an AES-128 key server with its own token parameter', `https://keys.example/key/7?token=${stale}`],
    ['the same host on another port', `https://cdn.example:8443/_token/${stale}/videos/a/seg1.ts`],
    ['the same host over another scheme', `http://cdn.example/_token/${stale}/videos/a/seg1.ts`],
    ['a host that starts with the edge’s name', `https://cdn.example.evil.example/videos/a/s.ts?token=${stale}`],
    ['userinfo that spells the edge’s name', `https://cdn.example@evil.example/videos/a/s.ts?token=${stale}`],
    ['a path outside the grant', `https://cdn.example/videos/b/seg1.ts?token=${stale}`],
    ['a path that leaves the grant through dot segments', `https://cdn.example/_token/${stale}/videos/a/../../admin/x.ts`],
    ['a path that is the grant’s directory without its slash', `https://cdn.example/videos/a?token=${stale}`],
    ['a relative URL with no page to resolve it against', `/_token/${stale}/videos/a/seg1.ts`],
    ['a URL that cannot be parsed', `https://[bad/_token/${stale}/videos/a/seg1.ts`],
  ])('leaves %s unchanged', (_name, url) => {
    expect(fromUrl().apply(url)).toBe(url);
  });

  it('with a bare JWT, needs the edge’s origin: without it no URL gets the token', () => {
    const url = `https://cdn.example/_token/${stale}/videos/a/seg1.ts`;
    expect(createTokenSource({ token: current, refresh: refresher().refresh }).apply(url)).toBe(url);
    expect(createTokenSource({ token: current, origin: 'https://cdn.example', refresh: refresher().refresh }).apply(url)).toBe(`https://cdn.example/_token/${current}/videos/a/seg1.ts`);
  });

  it('takes the origin from a renewed signed URL, and the grant from each new token', async () => {
    const moved = jwt({ path: ['/videos/b/*', '/captions/b.vtt'], iat: T0, exp: T0 + 300 }, 'sig9');
    const source = createTokenSource({ refresh: refresher(`https://cdn2.example/_token/${moved}/videos/b/master.m3u8`).refresh });
    await source.fresh();
    expect(source.apply(`https://cdn2.example/captions/b.vtt?token=${stale}`)).toBe(`https://cdn2.example/captions/b.vtt?token=${moved}`);
    expect(source.apply(`https://cdn2.example/videos/a/s.ts?token=${stale}`)).toBe(`https://cdn2.example/videos/a/s.ts?token=${stale}`);
    expect(source.apply(`https://cdn.example/videos/b/s.ts?token=${stale}`)).toBe(`https://cdn.example/videos/b/s.ts?token=${stale}`);
  });

  it('resolves a relative URL against the page, as the browser does', () => {
    const page = globalThis as { location?: { href: string } };
    page.location = { href: 'https://cdn.example/lessons/7' };
    try {
      const source = createTokenSource({ token: current, origin: 'https://cdn.example', refresh: refresher().refresh });
      expect(source.apply(`/videos/a/s.ts?token=${stale}`)).toBe(`/videos/a/s.ts?token=${current}`);
      expect(source.apply(`../videos/b/s.ts?token=${stale}`)).toBe(`../videos/b/s.ts?token=${stale}`);
    } finally {
      delete page.location;
    }
  });

  it('refuses an origin the browser would never write', () => {
    for (const origin of ['https://cdn.example/', 'https://CDN.example', 'https://cdn.example:443', 'cdn.example']) {
      expect(() => createTokenSource({ token: current, origin, refresh: refresher().refresh })).toThrow(/origin must be scheme:\/\/host\[:port\]/);
    }
  });
});
