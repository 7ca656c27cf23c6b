// Keyring sources: a watched file (atomic rename, in-place write, symlink swap
// caught by the poll, garbage keeps the last good keyring), a fetched URL
// (ETag/304, one fetch in flight, timeout, max-stale, a public JWK Set), and
// the live verifier that answers 503 until a keyring is in use.
import { createHmac, generateKeyPairSync, sign as signBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createLiveVerifier,
  keyringFile,
  keyringUrl,
  staticKeyring,
  UNKNOWN_KID_REFETCH_MS,
  type KeyringEvent,
  type KeyringSource,
} from '@urlseal/edge/keyring-source';
import type { Decision, RequestView } from '@urlseal/edge';

const A = 'keyring-source-secret-a-0123456789abcdef';
const B = 'keyring-source-secret-b-0123456789abcdef';
const ring = (kids: Record<string, string>) => JSON.stringify({ kids });
const now = () => Math.floor(Date.now() / 1000);
const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function hs256(kid: string, secret: string, path = '/v/*'): string {
  const input = `${enc({ alg: 'HS256', kid, typ: 'JWT' })}.${enc({ iat: now(), exp: now() + 300, path })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const view = (token: string): RequestView => ({ method: 'GET', target: `/v/a.mp4?token=${token}`, header: () => undefined });
const sync = (d: Decision | Promise<Decision>) => d as Decision;

/** The token with one signature character in the middle changed: always a different signature, whatever the key. */
function tamperSignature(token: string): string {
  const at = token.lastIndexOf('.') + 10;
  const tampered = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
  expect(tampered).not.toBe(token);
  return tampered;
}

const dir = mkdtempSync(join(tmpdir(), 'urlseal-keyring-source-'));
const sources: KeyringSource[] = [];
const track = <T extends KeyringSource>(source: T): T => (sources.push(source), source);
afterEach(() => {
  for (const source of sources.splice(0)) source.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves with the first event matching `result` (or rejects after `ms`). */
function nextEvent(source: KeyringSource, result: KeyringEvent['result'], ms = 5000): Promise<KeyringEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (stop(), reject(new Error(`no "${result}" event within ${ms} ms`))), ms);
    const stop = source.subscribe((event) => {
      if (event.result !== result) return;
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

let fileCount = 0;
function newFile(text: string): string {
  const file = join(dir, `k${++fileCount}.json`);
  writeFileSync(file, text);
  return file;
}

describe('keyringFile', () => {
  it('loads at once, and swaps to a file renamed over it only once that file is valid', async () => {
    const lines: string[] = [];
    const file = newFile(ring({ a: A }));
    const source = track(keyringFile(file, { log: (line) => lines.push(line) }));
    const first = source.current()?.keyring;
    expect([...(first?.keys.keys() ?? [])]).toEqual(['a']);

    const loaded = nextEvent(source, 'loaded');
    writeFileSync(`${file}.tmp`, ring({ a: A, b: B }));
    renameSync(`${file}.tmp`, file); // the atomic way to replace a file
    await loaded;
    expect([...(source.current()?.keyring.keys.keys() ?? [])]).toEqual(['a', 'b']);

    const invalid = nextEvent(source, 'invalid');
    writeFileSync(`${file}.tmp`, ring({ a: 'too-short', c: B }));
    renameSync(`${file}.tmp`, file);
    expect((await invalid).reason).toContain('keyring.kids["a"]: secret is 9 bytes');
    expect([...(source.current()?.keyring.keys.keys() ?? [])]).toEqual(['a', 'b']); // last good kept

    const garbage = nextEvent(source, 'invalid');
    writeFileSync(file, '{"kids": {"a": "' + A); // a truncated write, in place
    // Where, never what: the text around the error holds the secret.
    expect((await garbage).reason).toBe('keyring: is not valid JSON: it ends early at line 1, column 57, expected a closing quote (")');
    expect([...(source.current()?.keyring.keys.keys() ?? [])]).toEqual(['a', 'b']);

    // One JSON line per event; no secret ever, not even a short or truncated one.
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((e) => e.result)).toEqual(['loaded', 'loaded', 'invalid', 'invalid']);
    expect(events[2]).toMatchObject({ event: 'keyring', source: `file ${file}`, kept: 'last good keyring' });
    for (const line of lines) for (const secret of [A, B, 'too-short']) expect(line).not.toContain(secret);
  });

  it('reports an unusable file at start instead of throwing, and loads it once it becomes valid', async () => {
    const file = join(dir, 'later.json');
    const source = track(keyringFile(file, { log: false }));
    expect(source.current()).toBeUndefined();
    expect(source.problem).toBe(`cannot read ${file} (ENOENT)`);
    const live = createLiveVerifier({ keyring: source });
    expect(sync(live.decide(view(hs256('a', A))))).toMatchObject({ ok: false, status: 503, code: 'ERR_KEYRING_UNAVAILABLE' });
    const loaded = nextEvent(source, 'loaded');
    writeFileSync(file, ring({ a: A }));
    await loaded;
    expect(source.problem).toBeUndefined();
    expect(sync(live.decide(view(hs256('a', A))))).toMatchObject({ ok: true, scheme: 'jwt' });
  });

  it('catches a symlink swap (Kubernetes ConfigMap style) through the poll, and re-reads on reload()', async () => {
    const root = join(dir, 'k8s');
    mkdirSync(join(root, 'v1'), { recursive: true });
    mkdirSync(join(root, 'v2'));
    writeFileSync(join(root, 'v1', 'keyring.json'), ring({ a: A }));
    writeFileSync(join(root, 'v2', 'keyring.json'), ring({ b: B }));
    symlinkSync('v1', join(root, '..data'));
    symlinkSync('..data/keyring.json', join(root, 'keyring.json'));
    const source = track(keyringFile(join(root, 'keyring.json'), { pollInterval: 100, log: false }));
    const live = createLiveVerifier({ keyring: source });
    expect(sync(live.decide(view(hs256('a', A)))).ok).toBe(true);

    const loaded = nextEvent(source, 'loaded');
    symlinkSync('v2', join(root, '..data.new'));
    renameSync(join(root, '..data.new'), join(root, '..data')); // the event names ..data, never keyring.json
    await loaded;
    expect(sync(live.decide(view(hs256('a', A))))).toMatchObject({ ok: false, code: 'ERR_KID_UNKNOWN' });
    expect(sync(live.decide(view(hs256('b', B)))).ok).toBe(true);
    await expect(source.reload()).resolves.toBe('unchanged');
  });

  it('refuses a keyring whose key cannot be imported (an EC point off the curve) and keeps the last good one', async () => {
    const file = newFile(ring({ a: A }));
    const source = track(keyringFile(file, { log: false }));
    const x = Buffer.alloc(32, 1).toString('base64url');
    writeFileSync(file, JSON.stringify({ kids: { a: A }, keys: [{ kty: 'EC', crv: 'P-256', kid: 'p1', x, y: x }] }));
    expect(await source.reload()).toBe('invalid');
    expect(source.problem).toMatch(/^keyring\.keys\[0\]\.x\/y \(kid "p1"\): the public key is not a point on the P-256 curve/);
    expect([...(source.current()?.keyring.keys.keys() ?? [])]).toEqual(['a']);
  });

  it('validates its options', () => {
    expect(() => keyringFile('')).toThrow(/path must be a non-empty string/);
    expect(() => keyringFile('k.json', { pollInterval: -1 })).toThrow(/option "pollInterval"/);
    expect(() => keyringFile('k.json', { poll: 1 } as never)).toThrow(/option "poll" is unknown/);
  });
});

/** A local keyring server whose answers a test scripts. */
/** Resolves once `condition` holds (polled every 10 ms, for at most 5 s). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function keyServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys.json`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe('keyringUrl', () => {
  it('fetches with ETag, takes a 304 as confirmation, and swaps on a new body', async () => {
    let body = ring({ a: A });
    const seenIfNoneMatch: Array<string | undefined> = [];
    const server = await keyServer((req, res) => {
      seenIfNoneMatch.push(req.headers['if-none-match']);
      const etag = `"${Buffer.from(body).length}"`;
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
    });
    try {
      const source = track(keyringUrl(server.url, { log: false }));
      expect(await source.reload()).toBe('loaded');
      expect(await source.reload()).toBe('unchanged');
      body = ring({ a: A, bb: B });
      expect(await source.reload()).toBe('loaded');
      expect([...(source.current()?.keyring.keys.keys() ?? [])]).toEqual(['a', 'bb']);
      const first = `"${ring({ a: A }).length}"`;
      expect(seenIfNoneMatch).toEqual([undefined, first, first]);
    } finally {
      await server.close();
    }
  });

  it('has one fetch in flight at a time, and a timeout', async () => {
    const server = await keyServer(() => {}); // never answers
    try {
      const source = track(keyringUrl(server.url, { timeout: 300, log: false }));
      const results = await Promise.all([source.reload(), source.reload(), source.reload()]);
      expect(results).toEqual(['unavailable', 'unavailable', 'unavailable']);
      expect(server.hits()).toBe(1);
      expect(source.problem).toBe('no complete answer within 300 ms');
      expect(source.current()).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('keeps the last good keyring on errors and garbage, refreshes on its own, and answers 503 after maxStale', async () => {
    let answer: 'good' | 'garbage' | 'down' = 'good';
    const lines: string[] = [];
    const server = await keyServer((_req, res) => {
      if (answer === 'down') return void res.writeHead(500).end();
      res.writeHead(200).end(answer === 'good' ? ring({ a: A }) : '<html>oops</html>');
    });
    try {
      const source = track(keyringUrl(server.url, { refreshInterval: 100, maxStale: 600, log: (line) => lines.push(line) }));
      const live = createLiveVerifier({ keyring: source });
      expect(await source.reload()).toBe('loaded');
      answer = 'garbage';
      expect(await source.reload()).toBe('invalid');
      expect(sync(live.decide(view(hs256('a', A)))).ok).toBe(true);
      answer = 'down';
      await nextEvent(source, 'unavailable'); // the refresh timer fetched by itself
      expect(source.problem).toBe('answered HTTP 500');
      expect(sync(live.decide(view(hs256('a', A)))).ok).toBe(true);
      // maxStale (600 ms) after the last good fetch, a refresh finds the keyring stale (and logs it): it is gone.
      await expect.poll(() => lines.some((line) => (JSON.parse(line) as { result: string }).result === 'stale'), { timeout: 5000, interval: 20 }).toBe(true);
      expect(source.current()).toBeUndefined();
      expect(sync(live.decide(view(hs256('a', A))))).toMatchObject({ ok: false, status: 503, code: 'ERR_KEYRING_UNAVAILABLE' });
      answer = 'good';
      await nextEvent(source, 'unchanged'); // back within the retry backoff (≤ refreshInterval)
      expect(sync(live.decide(view(hs256('a', A)))).ok).toBe(true);
      const results = lines.map((line) => (JSON.parse(line) as { result: string }).result);
      expect(results).toContain('stale');
      // A failure repeated is logged once, not once per retry.
      expect(results.filter((r) => r === 'unavailable')).toEqual(['unavailable']);
    } finally {
      await server.close();
    }
  });

  it('verifies with a public JWK Set (verify-only ES256 and EdDSA keys)', async () => {
    const es = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ed = generateKeyPairSync('ed25519');
    const jwks = { keys: [{ ...es.publicKey.export({ format: 'jwk' }), kid: 'p1', use: 'sig', alg: 'ES256' }, { ...ed.publicKey.export({ format: 'jwk' }), kid: 'e1' }] };
    const server = await keyServer((_req, res) => res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(jwks)));
    try {
      const source = track(keyringUrl(server.url, { log: false }));
      expect(await source.reload()).toBe('loaded');
      const live = createLiveVerifier({ keyring: source });
      const claims = enc({ iat: now(), exp: now() + 300, path: '/v/*' });
      const esInput = `${enc({ alg: 'ES256', kid: 'p1', typ: 'JWT' })}.${claims}`;
      const esToken = `${esInput}.${signBytes('sha256', Buffer.from(esInput), { key: es.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
      const edInput = `${enc({ alg: 'EdDSA', kid: 'e1', typ: 'JWT' })}.${claims}`;
      const edToken = `${edInput}.${signBytes(null, Buffer.from(edInput), ed.privateKey).toString('base64url')}`;
      expect(sync(live.decide(view(esToken)))).toMatchObject({ ok: true, scheme: 'jwt' });
      expect(sync(live.decide(view(edToken)))).toMatchObject({ ok: true, scheme: 'jwt' });
      expect(sync(live.decide(view(tamperSignature(edToken))))).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID' });
    } finally {
      await server.close();
    }
  });

  it('refuses a body over the keyring bound', async () => {
    const server = await keyServer((_req, res) => {
      res.writeHead(200);
      res.end(Buffer.alloc((1 << 20) + 10, 32));
    });
    try {
      const source = track(keyringUrl(server.url, { log: false }));
      expect(await source.reload()).toBe('invalid');
      expect(source.problem).toContain('larger than');
    } finally {
      await server.close();
    }
  });

  it('checks every redirect hop: plain http to a non-loopback host is refused, even when it leads back (issue 20)', async () => {
    // https (here: the operator's loopback URL) → a plain-http hop anyone on the path could answer
    // → back: the hop picks what is loaded. Only the final URL was checked before.
    let hop = '';
    const server = await keyServer((req, res) => {
      if (req.url === '/keys.json') return void res.writeHead(302, { location: hop }).end();
      res.writeHead(200).end(ring({ evil: B })); // where the hop sends the edge back to
    });
    const evil = await keyServer((_req, res) => res.writeHead(302, { location: new URL('/planted.json', server.url).href }).end());
    const at = new URL(evil.url);
    at.hostname = '0.0.0.0'; // plain http, not a loopback name: the rule refuses it
    hop = at.href;
    try {
      const source = track(keyringUrl(server.url, { log: false }));
      expect(await source.reload()).toBe('unavailable');
      expect(source.problem).toBe('redirect 1 goes to plain http://; every hop must be https:// (http:// only from a loopback http:// keyring URL to loopback)');
      expect(source.current()).toBeUndefined();
      expect(evil.hits()).toBe(0); // never even asked
    } finally {
      await server.close();
      await evil.close();
    }
  });

  it('follows loopback redirects up to a limit, and refuses credentials or a missing Location on a hop', async () => {
    let hops = 0;
    const server = await keyServer((req, res) => {
      const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n') ?? '0');
      if (req.url?.startsWith('/loop')) return void res.writeHead(307, { location: `/loop?n=${n + 1}` }).end((hops++, ''));
      if (req.url?.startsWith('/creds')) return void res.writeHead(301, { location: 'http://u:p@127.0.0.1/k' }).end();
      if (req.url?.startsWith('/nowhere')) return void res.writeHead(302).end();
      if (n < 3) return void res.writeHead(308, { location: `/k?n=${n + 1}` }).end();
      res.writeHead(200).end(ring({ a: A }));
    });
    try {
      expect(await track(keyringUrl(server.url, { log: false })).reload()).toBe('loaded'); // three hops
      const loop = track(keyringUrl(new URL('/loop', server.url).href, { log: false }));
      expect(await loop.reload()).toBe('unavailable');
      expect(loop.problem).toBe('redirected more than 5 times');
      expect(hops).toBe(6);
      const creds = track(keyringUrl(new URL('/creds', server.url).href, { log: false }));
      expect(await creds.reload()).toBe('unavailable');
      expect(creds.problem).toMatch(/^redirect 1 goes to a URL with credentials/);
      const nowhere = track(keyringUrl(new URL('/nowhere', server.url).href, { log: false }));
      expect(await nowhere.reload()).toBe('unavailable');
      expect(nowhere.problem).toBe('answered HTTP 302 without a usable Location');
    } finally {
      await server.close();
    }
  });

  it('takes a 304 as confirmation only of a conditional fetch: one to an unconditional fetch lets the keyring go stale', async () => {
    let first = true;
    const server = await keyServer((_req, res) => {
      if (first) return void ((first = false), res.writeHead(200).end(ring({ a: A }))); // no ETag
      res.writeHead(304).end();
    });
    try {
      const source = track(keyringUrl(server.url, { refreshInterval: 60_000, maxStale: 300, log: false }));
      expect(await source.reload()).toBe('loaded');
      expect(await source.reload()).toBe('unavailable');
      expect(source.problem).toBe('answered HTTP 304 to a fetch without If-None-Match (not a confirmation)');
      const confirmedAt = source.current()?.confirmedAt as number;
      await until(() => Date.now() - confirmedAt > 300);
      expect(await source.reload()).toBe('unavailable');
      expect(source.current()).toBeUndefined(); // stale: 503 until a real answer
    } finally {
      await server.close();
    }
  });

  it('refuses a JWK Set that serves private parts (d) to a verify-only edge, naming the key, never d', async () => {
    const ed = generateKeyPairSync('ed25519');
    const jwk = { ...ed.privateKey.export({ format: 'jwk' }), kid: 'e1' } as Record<string, string>;
    const lines: string[] = [];
    const server = await keyServer((_req, res) => res.writeHead(200).end(JSON.stringify({ keys: [jwk] })));
    try {
      const source = track(keyringUrl(server.url, { log: (line) => lines.push(line) }));
      expect(await source.reload()).toBe('invalid');
      expect(source.problem).toBe('keyring key "e1": holds its private part ("d"); a key server must publish public keys only (anyone who can fetch it could sign), so remove "d"');
      expect(source.current()).toBeUndefined();
      expect(lines.join('\n')).not.toContain((jwk.d as string).slice(0, 8));
    } finally {
      await server.close();
    }
  });

  it('refuses a kid repeated inside kids (JSON.parse would keep the last), in a fetched body and a file alike (issue 20)', async () => {
    const twice = `{"kids":{"a":"${A}","a":"${B}"}}`;
    const server = await keyServer((_req, res) => res.writeHead(200).end(twice));
    try {
      const source = track(keyringUrl(server.url, { log: false }));
      expect(await source.reload()).toBe('invalid');
      expect(source.problem).toBe('keyring.kids: "a" appears twice (line 1); JSON would keep only the last, so remove one');
      const file = track(keyringFile(newFile(twice), { log: false }));
      expect(file.current()).toBeUndefined();
      expect(file.problem).toBe(source.problem);
      expect(() => createLiveVerifier({ keyring: twice })).toThrow(/^keyring\.kids: "a" appears twice/);
    } finally {
      await server.close();
    }
  });

  it('takes https, or http only to loopback, and no credentials', () => {
    expect(() => keyringUrl('http://keys.example.com/k.json')).toThrow(/must be https:\/\//);
    expect(() => keyringUrl('ftp://127.0.0.1/k.json')).toThrow(/must be https:\/\//);
    expect(() => keyringUrl('https://u:p@keys.example.com/k.json')).toThrow(/credentials/);
    expect(() => keyringUrl('not a url')).toThrow(/is not a URL/);
    expect(() => keyringUrl('https://keys.example.com/k.json', { maxStale: 0 })).toThrow(/option "maxStale"/);
  });
});

describe('keyringUrl: an identity provider\'s key set (issue 19)', () => {
  it('refetches once for a token naming an unknown kid, and grants it when the rotated set holds it', async () => {
    let body = ring({ a: A });
    const server = await keyServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    try {
      const source = track(keyringUrl(server.url, { refreshInterval: 3_600_000, log: false }));
      expect(await source.reload()).toBe('loaded');
      const live = createLiveVerifier({ keyring: source });
      const before = server.hits();
      body = ring({ a: A, bb: B }); // the key server rotated; the edge's next refresh is an hour away
      expect(await live.decide(view(hs256('bb', B)))).toMatchObject({ ok: true });
      expect(server.hits()).toBe(before + 1);
    } finally {
      await server.close();
    }
  });

  it('asks the key server at most once per 30 s however many unknown kids arrive (single flight, rate-limited)', async () => {
    const server = await keyServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(ring({ a: A })));
    try {
      const source = track(keyringUrl(server.url, { refreshInterval: 3_600_000, log: false }));
      expect(await source.reload()).toBe('loaded');
      const live = createLiveVerifier({ keyring: source });
      const before = server.hits();
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => live.decide(view(hs256(`made-up-${i}`, B)))));
      expect(answers.every((d) => !d.ok && d.code === 'ERR_KID_UNKNOWN')).toBe(true);
      expect(await live.decide(view(hs256('another', B)))).toMatchObject({ ok: false, code: 'ERR_KID_UNKNOWN' });
      expect(server.hits()).toBe(before + 1);
      expect(UNKNOWN_KID_REFETCH_MS).toBe(30_000);
    } finally {
      await server.close();
    }
  });
});

describe('createLiveVerifier', () => {
  it('takes a fixed keyring as before, validating it and every other option at once', () => {
    expect(() => createLiveVerifier({ keyring: ring({ a: 'short' }) })).toThrow(/secret is 5 bytes/);
    expect(() => createLiveVerifier({ keyring: 42 as never })).toThrow(/option "keyring" is required: a keyring, its JSON object or its JSON text/);
    expect(() => createLiveVerifier({ keyring: staticKeyring(ring({ a: A })), maxTtl: -1 })).toThrow(/option "maxTtl"/);
    const live = createLiveVerifier({ keyring: ring({ a: A }), statuses: { ERR_KEYRING_UNAVAILABLE: 500 } });
    expect(sync(live.decide(view(hs256('a', A)))).ok).toBe(true);
  });

  it('answers a denial, never a throw, when a source itself fails', () => {
    const broken: KeyringSource = {
      description: 'broken',
      problem: undefined,
      current: () => {
        throw new Error('boom');
      },
      reload: () => Promise.resolve('unavailable'),
      subscribe: () => () => {},
      close: () => {},
    };
    const live = createLiveVerifier({ keyring: broken });
    expect(sync(live.decide(view(hs256('a', A))))).toMatchObject({ ok: false, code: 'ERR_TOKEN_MALFORMED', detail: 'exception' });
  });

  it("makes its own denials readable by an origin cors allows: no keyring yet, a fault, an adapter's (issue 15)", () => {
    const empty: KeyringSource = {
      description: 'empty',
      problem: 'not yet',
      current: () => undefined,
      reload: () => Promise.resolve('unavailable'),
      subscribe: () => () => {},
      close: () => {},
    };
    const from = (origin: string): RequestView => ({ ...view(hs256('a', A)), header: (name) => (name === 'origin' ? origin : undefined) });
    const live = createLiveVerifier({ keyring: empty, cors: ['https://app.example'], statuses: { ERR_PATH_MISMATCH: 404 } });
    expect(sync(live.decide(from('https://app.example')))).toMatchObject({ code: 'ERR_KEYRING_UNAVAILABLE', status: 503, allowOrigin: 'https://app.example' });
    expect(sync(live.decide(from('https://evil.example')))).not.toHaveProperty('allowOrigin');
    expect(live.deny('ERR_PATH_MISMATCH', 'mount path', from('https://app.example'))).toMatchObject({ status: 404, allowOrigin: 'https://app.example' });
    expect(live.deny('ERR_PATH_MISMATCH', 'mount path').allowOrigin).toBeUndefined();
  });
});
