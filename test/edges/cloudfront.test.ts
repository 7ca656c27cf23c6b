// CloudFront Functions beyond the hostile table: what the event shape and the build add
// (repeated names as multiValue, cookies lifted out of the headers, a kid named like an
// Object.prototype member, the other scheme, the preset, the KeyValueStore, the build's
// refusals). Functions run in the CloudFront-like context of test/hostile.
import { createHash, createHmac } from 'node:crypto';
import { CLOUDFRONT_MAX_BYTES, buildCloudFrontFunction, type CloudFrontBuildOptions } from '@urlseal/edge/build';
import { describe, expect, it } from 'vitest';
import { hs256 } from '../interop/helpers.js';
import { cloudFrontEvent, loadCloudFrontFunction, readResult, type CloudFrontEvent, type CloudFrontResult } from '../hostile/cloudfront-runtime.js';
import { runInNjs } from '../hostile/njs-runtime.js';

const NOW = 1_900_000_000;
const SECRET = 'cloudfront-edge-test-secret-0123456789ab';
const ST_SECRET = 'cloudfront-edge-test-st-secret-012345678';

function jwt(kid: string, claims: Record<string, unknown>, secret = SECRET): string {
  return hs256(secret, kid, { exp: NOW + 300, iat: NOW, ...claims });
}

function st(path: string, e: number, secret = ST_SECRET): string {
  return createHash('md5').update(`${secret}${path}${e}`).digest('base64url');
}

function load(options: CloudFrontBuildOptions, store?: Map<string, string>): (event: CloudFrontEvent) => Promise<ReturnType<typeof readResult>> {
  const built = buildCloudFrontFunction(options);
  const kvs = store ?? new Map((built.kvsData ?? []).map((entry) => [entry.key, entry.value]));
  const handler = loadCloudFrontFunction(built.code, { nowMs: NOW * 1000, kvs });
  return async (event) => readResult(await handler(event), event.request.method);
}

function get(url: string, headers: Record<string, string> = {}): CloudFrontEvent {
  return cloudFrontEvent({ method: 'GET', url, headers }, '203.0.113.9');
}

function denial(result: Awaited<ReturnType<ReturnType<typeof load>>>): { status: number; code: string | undefined } {
  if (!('denied' in result)) throw new Error(`granted: ${JSON.stringify(result)}`);
  return { status: result.denied.status, code: result.denied.headers['x-urlseal-error'] };
}

describe('CloudFront Functions', () => {
  it('resolves only the kids the keyring has, also kids named like Object.prototype members', async () => {
    // JSON text: an object literal's `__proto__:` would set a prototype, not name a kid.
    const handle = load({ keyring: `{"kids":{"__proto__":"${SECRET}","constructor":"${SECRET}"}}` });
    for (const kid of ['__proto__', 'constructor']) {
      const result = await handle(get(`/v/a.mp4?token=${jwt(kid, { path: '/v/a.mp4' })}`));
      expect('forwarded' in result, kid).toBe(true);
    }
    for (const kid of ['toString', 'hasOwnProperty', 'valueOf']) {
      expect(denial(await handle(get(`/v/a.mp4?token=${jwt(kid, { path: '/v/a.mp4' })}`)))).toEqual({ status: 401, code: 'ERR_KID_UNKNOWN' });
    }
  });

  it('checks geo claims against CloudFront-Viewer-Country, inline and with a KeyValueStore (issue 19)', async () => {
    for (const kvs of [false, true]) {
      const handle = load({ keyring: { kids: { k1: SECRET } }, kvs });
      const allow = jwt('k1', { path: '/v/a.mp4', geo: { allow: ['BR', 'PT'] } });
      const block = jwt('k1', { path: '/v/a.mp4', geo: { block: ['US'] } });
      const country = (value: string) => ({ 'cloudfront-viewer-country': value });
      expect('forwarded' in (await handle(get(`/v/a.mp4?token=${allow}`, country('BR'))))).toBe(true);
      expect('forwarded' in (await handle(get(`/v/a.mp4?token=${allow}`, country('pt'))))).toBe(true);
      expect('forwarded' in (await handle(get(`/v/a.mp4?token=${block}`, country('FR'))))).toBe(true);
      expect(denial(await handle(get(`/v/a.mp4?token=${allow}`, country('US'))))).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
      expect(denial(await handle(get(`/v/a.mp4?token=${block}`, country('US'))))).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
      // No header (the policy does not name it): the country is unknown, and fails both kinds of rule.
      expect(denial(await handle(get(`/v/a.mp4?token=${allow}`)))).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
      expect(denial(await handle(get(`/v/a.mp4?token=${block}`)))).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
      expect(denial(await handle(get(`/v/a.mp4?token=${block}`, country('XX'))))).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
      // A malformed rule is a bad claim, whatever the header says.
      const bad = jwt('k1', { path: '/v/a.mp4', geo: { allow: ['br'] } });
      expect(denial(await handle(get(`/v/a.mp4?token=${bad}`, country('BR'))))).toEqual({ status: 401, code: 'ERR_CLAIM_INVALID' });
    }
  });

  it('inlines a printable secret as its text and a binary one as base64url, and verifies with both (node:vm and njs)', async () => {
    // 32 bytes that are no text: a NUL, a quote, bytes over 0x7f.
    const binary = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 0x9c) % 256));
    binary[0] = 0;
    binary[1] = 0x22;
    const keyring = { kids: { k1: SECRET }, keys: [{ kty: 'oct', kid: 'o1', alg: 'HS256', k: binary.toString('base64url') }] };
    const built = buildCloudFrontFunction({ keyring });
    expect(built.code).toContain(JSON.stringify(`~${SECRET}`));
    expect(built.code).toContain(JSON.stringify(binary.toString('base64url')));
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${enc({ alg: 'HS256', kid: 'o1', typ: 'JWT' })}.${enc({ exp: NOW + 300, iat: NOW, path: '/v/a.mp4' })}`;
    const binaryToken = `${input}.${createHmac('sha256', binary).update(input).digest('base64url')}`;
    const events = [get(`/v/a.mp4?token=${jwt('k1', { path: '/v/a.mp4' })}`), get(`/v/a.mp4?token=${binaryToken}`)];
    const handler = loadCloudFrontFunction(built.code, { nowMs: NOW * 1000 });
    for (const event of events) expect('forwarded' in readResult(await handler(structuredClone(event)), 'GET')).toBe(true);
    for (const answer of runInNjs('inline-secrets', built.code, events, {}, NOW)) expect('forwarded' in readResult(answer, 'GET')).toBe(true);
  });

  it('answers the other scheme as an edge with no key for it', async () => {
    const keyring = { kids: { k1: SECRET }, secureToken: [ST_SECRET] };
    const jwtOnly = load({ keyring, scheme: 'jwt' });
    const stOnly = load({ keyring, scheme: 'secure-token' });
    const e = NOW + 60;
    expect(denial(await jwtOnly(get(`/v/a.mp4?st=${st('/v/a.mp4', e)}&e=${e}`)))).toEqual({ status: 401, code: 'ERR_ALG_NOT_ALLOWED' });
    expect(denial(await jwtOnly(get(`/v/a.mp4?st=short&e=${e}`)))).toEqual({ status: 401, code: 'ERR_TOKEN_MALFORMED' });
    expect(denial(await stOnly(get(`/v/a.mp4?token=${jwt('k1', { path: '/v/a.mp4' })}`)))).toEqual({ status: 401, code: 'ERR_KID_UNKNOWN' });
    expect(denial(await stOnly(get('/v/a.mp4?token=not.a.jwt')))).toEqual({ status: 401, code: 'ERR_TOKEN_MALFORMED' });
    expect('forwarded' in (await stOnly(get(`/v/a.mp4?st=${st('/v/a.mp4', e)}&e=${e}`)))).toBe(true);
  });

  it('answers every denial 401 with the cloudfront preset', async () => {
    const handle = load({ keyring: { kids: { k1: SECRET } }, preset: 'cloudfront' });
    expect(denial(await handle(get(`/v/b.mp4?token=${jwt('k1', { path: '/v/a.mp4' })}`)))).toEqual({ status: 401, code: 'ERR_PATH_MISMATCH' });
    expect(denial(await handle(get(`/v/a.mp4?token=${jwt('k1', { path: '/v/a.mp4', exp: NOW - 3600 })}`)))).toEqual({ status: 401, code: 'ERR_TOKEN_EXPIRED' });
    expect(denial(await handle({ ...get('/v/a.mp4'), request: { ...get('/v/a.mp4').request, method: 'POST' } }))).toEqual({ status: 401, code: 'ERR_METHOD_NOT_ALLOWED' });
  });

  it('reads repeated names (multiValue) as SPEC §6 says: a duplicated carrier is malformed', async () => {
    const handle = load({ keyring: { kids: { k1: SECRET } } });
    const token = jwt('k1', { path: '/v/a.mp4' });
    const twoTokens = get(`/v/a.mp4?token=${token}&x=1&token=${token}`);
    expect(twoTokens.request.querystring.token?.multiValue).toHaveLength(2);
    expect(denial(await handle(twoTokens))).toEqual({ status: 401, code: 'ERR_TOKEN_MALFORMED' });
    const twoCookies = get('/v/a.mp4', { cookie: `urlseal=${token}; theme=dark; urlseal=${token}` });
    expect(twoCookies.request.cookies.urlseal?.multiValue).toHaveLength(2);
    expect(denial(await handle(twoCookies))).toEqual({ status: 401, code: 'ERR_TOKEN_MALFORMED' });
    const twoBearers = get('/v/a.mp4');
    twoBearers.request.headers.authorization = { value: `Bearer ${token}`, multiValue: [{ value: `Bearer ${token}` }, { value: `Bearer ${token}` }] };
    expect(denial(await handle(twoBearers))).toEqual({ status: 401, code: 'ERR_TOKEN_MALFORMED' });
  });

  it('forwards without any carrier: no Authorization line beside a Bearer one (docs/spec.md §9, several credentials), the token cookie, the path token', async () => {
    const handle = load({ keyring: { kids: { k1: SECRET } } });
    const token = jwt('k1', { path: '/v/*' });
    const event = get(`/_token/${token}/v/a.mp4?token=unused&x=1`, { cookie: 'theme=dark; urlseal=unused' });
    event.request.headers.authorization = { value: 'Basic dTpw', multiValue: [{ value: 'Basic dTpw' }, { value: 'Bearer unused' }] };
    const result = await handle(event);
    if (!('forwarded' in result)) throw new Error(JSON.stringify(result));
    expect(result.forwarded.target).toBe('/v/a.mp4?x=1');
    expect(result.forwarded.headers.authorization).toBeUndefined();
    expect(result.forwarded.headers.cookie).toBe('theme=dark');
    // A Basic line alone is not a carrier: it goes on.
    const basic = get(`/_token/${token}/v/a.mp4`);
    basic.request.headers.authorization = { value: 'Basic dTpw' };
    const kept = await handle(basic);
    if (!('forwarded' in kept)) throw new Error(JSON.stringify(kept));
    expect(kept.forwarded.headers.authorization).toBe('Basic dTpw');
  });

  it('reads keys from the KeyValueStore per request: unknown kid, unverifiable alg, short secret, rotation', async () => {
    const store = new Map([
      ['urlseal.kid.k1', `HS256:${Buffer.from(SECRET).toString('base64url')}`],
      ['urlseal.kid.p1', 'ES256'],
      ['urlseal.kid.short', `HS256:${Buffer.from('too short').toString('base64url')}`],
    ]);
    const handle = load({ kvs: true }, store);
    expect('forwarded' in (await handle(get(`/v/a.mp4?token=${jwt('k1', { path: '/v/a.mp4' })}`)))).toBe(true);
    expect(denial(await handle(get(`/v/a.mp4?token=${jwt('k2', { path: '/v/a.mp4' })}`)))).toEqual({ status: 401, code: 'ERR_KID_UNKNOWN' });
    expect(denial(await handle(get(`/v/a.mp4?token=${jwt('p1', { path: '/v/a.mp4' }).replace(/^[^.]+/, Buffer.from('{"alg":"ES256","kid":"p1"}').toString('base64url'))}`)))).toEqual({ status: 401, code: 'ERR_ALG_NOT_ALLOWED' });
    expect(denial(await handle(get(`/v/a.mp4?token=${jwt('short', { path: '/v/a.mp4' })}`)))).toEqual({ status: 503, code: 'ERR_KEYRING_UNAVAILABLE' });
    // A key put into the store is honoured on the next request: no redeploy.
    store.set('urlseal.kid.k2', `HS256:${Buffer.from(SECRET).toString('base64url')}`);
    expect('forwarded' in (await handle(get(`/v/a.mp4?token=${jwt('k2', { path: '/v/a.mp4' })}`)))).toBe(true);

    const old = 'cloudfront-edge-test-old-st-secret-0123456';
    const stStore = new Map([
      ['urlseal.st.0', Buffer.from(ST_SECRET).toString('base64url')],
      ['urlseal.st.1', Buffer.from(old).toString('base64url')],
    ]);
    const stHandle = load({ kvs: true, scheme: 'secure-token' }, stStore);
    const e = NOW + 60;
    expect('forwarded' in (await stHandle(get(`/v/a.mp4?st=${st('/v/a.mp4', e)}&e=${e}`)))).toBe(true);
    expect('forwarded' in (await stHandle(get(`/v/a.mp4?st=${st('/v/a.mp4', e, old)}&e=${e}`)))).toBe(true);
    expect(denial(await stHandle(get(`/v/a.mp4?st=${st('/v/a.mp4', e, 'not-a-secret-in-the-store-0123456789')}&e=${e}`)))).toEqual({ status: 403, code: 'ERR_SIGNATURE_INVALID' });
    expect(denial(await load({ kvs: true, scheme: 'secure-token' }, new Map())(get(`/v/a.mp4?st=${st('/v/a.mp4', e)}&e=${e}`)))).toEqual({ status: 401, code: 'ERR_ALG_NOT_ALLOWED' });
  });

  it('writes the kids of other algorithms into the store by their alg, so they answer as inline', () => {
    const built = buildCloudFrontFunction({
      keyring: { kids: { k1: SECRET }, keys: [{ kty: 'oct', kid: 'h5', k: Buffer.from(`${SECRET}${SECRET}`).toString('base64url'), alg: 'HS512' }] },
      kvs: true,
    });
    expect(built.kvsData).toEqual([
      { key: 'urlseal.kid.k1', value: `HS256:${Buffer.from(SECRET).toString('base64url')}` },
      { key: 'urlseal.kid.h5', value: 'HS512' },
    ]);
    expect(built.code).not.toContain(Buffer.from(SECRET).toString('base64url'));
    expect(built.notes.join('\n')).toMatch(/kid "h5" \(HS512\): CloudFront Functions cannot verify HS512/);
  });

  it('validates the options once, in Node, naming the option', () => {
    expect(() => buildCloudFrontFunction({ keyring: { kids: { k1: SECRET } }, maxTtl: -1 })).toThrow(/option "maxTtl"/);
    expect(() => buildCloudFrontFunction({ keyring: { kids: { k1: 'short' } } })).toThrow(/secret is 5 bytes/);
    expect(() => buildCloudFrontFunction({})).toThrow(/a keyring is required unless the secrets come from a KeyValueStore/);
    expect(() => buildCloudFrontFunction({ keyring: { kids: { k1: SECRET } }, scheme: 'secure-token' })).toThrow(/needs secureToken secrets/);
  });

  it.each([
    ['jwt, keys inline', { keyring: { kids: { k1: SECRET, k2: `${SECRET}2` } } }],
    ['jwt, KeyValueStore', { keyring: { kids: { k1: SECRET } }, kvs: true }],
    ['jwt, keys inline, preset cloudfront', { keyring: { kids: { k1: SECRET, k2: `${SECRET}2` } }, preset: 'cloudfront' as const }],
    ['jwt, KeyValueStore, preset cloudfront', { keyring: { kids: { k1: SECRET } }, kvs: true, preset: 'cloudfront' as const }],
    ['secure-token, KeyValueStore, preset cloudfront', { keyring: { secureToken: [ST_SECRET, `${ST_SECRET}2`] }, kvs: true, preset: 'cloudfront' as const }],
  ])('fits AWS\'s 10,240 bytes: %s', (_name, options) => {
    // The refusal for more (RangeError) is what users would meet: every documented kind must fit.
    expect(buildCloudFrontFunction(options).bytes).toBeLessThanOrEqual(CLOUDFRONT_MAX_BYTES);
  });

  it('runs with none of the built-ins CloudFront lacks', async () => {
    const handle = load({ keyring: { kids: { k1: SECRET } } });
    // The context of cloudfront-runtime.ts deletes Map, Set, Reflect, Object.hasOwn, replaceAll…
    expect('forwarded' in (await handle(get(`/v/a.mp4?token=${jwt('k1', { path: '/v/*', sub: 's' })}`)))).toBe(true);
    const code = buildCloudFrontFunction({ keyring: { kids: { k1: SECRET } } }).code;
    expect(code).not.toMatch(/\bclass\b|\.\.\.[A-Za-z_$]|\?\.|\bnew (?:Map|Set)\b|TextDecoder|setTimeout/);
  });
});

describe('CloudFront Functions: one reading of the event finds and strips every carrier (issue 20)', () => {
  const keyring = { kids: { k1: SECRET } };
  const token = jwt('k1', { path: '/v/*' });
  const raw = (querystring: CloudFrontEvent['request']['querystring'], cookies: CloudFrontEvent['request']['cookies']): CloudFrontEvent => {
    const event = get('/v/a.mp4');
    event.request.querystring = querystring;
    event.request.cookies = cookies;
    return event;
  };
  // Events as CloudFront may hand them over: names and values it does not split or trim.
  const events: Array<[string, CloudFrontEvent]> = [
    ['a cookie named "urlseal " (trailing space)', raw({}, { 'urlseal ': { value: token }, theme: { value: 'dark' } })],
    ['a cookie named "urlseal\\t"', raw({}, { 'urlseal\t': { value: token } })],
    ['a cookie value holding "; urlseal=<jwt>"', raw({}, { a: { value: `1; urlseal=${token}` } })],
    ['a query value holding "&token=<jwt>"', raw({ q: { value: `b&token=${token}` }, x: { value: '1' } }, {})],
    ['a query name spelled with an escape (%74oken)', raw({ '%74oken': { value: token }, x: { value: '1' } }, {})],
  ];

  function expectNoToken(result: CloudFrontResult, name: string): void {
    // Whatever the answer, the token must not be in what CloudFront sends on.
    if ('statusCode' in result) return;
    expect(JSON.stringify(result), name).not.toContain(token.split('.')[2] as string);
    expect(result.uri, name).toBe('/v/a.mp4');
  }

  it.each(events)('node:vm: %s is read as a carrier and is not forwarded', async (name, event) => {
    const built = buildCloudFrontFunction({ keyring });
    const result = await loadCloudFrontFunction(built.code, { nowMs: NOW * 1000, kvs: new Map() })(structuredClone(event));
    expect('statusCode' in result ? result.statusCode : 200, name).toBe(200);
    expectNoToken(result, name);
  });

  it('njs: the same events, the same answers', () => {
    const built = buildCloudFrontFunction({ keyring });
    const results = runInNjs('one-reading', built.code, events.map(([, event]) => event), {}, NOW);
    events.forEach(([name], index) => {
      const result = results[index] as CloudFrontResult;
      expect('statusCode' in result ? result.statusCode : 200, name).toBe(200);
      expectNoToken(result, name);
    });
  });

  it('keeps every other pair, repeats as multiValue, in the order the viewer sent them', async () => {
    const event = raw({ x: { value: '1', multiValue: [{ value: '1' }, { value: '2' }] }, token: { value: token }, y: { value: '' } }, { theme: { value: 'dark' }, urlseal: { value: token }, lang: { value: 'pt' } });
    const result = await loadCloudFrontFunction(buildCloudFrontFunction({ keyring }).code, { nowMs: NOW * 1000, kvs: new Map() })(event);
    if ('statusCode' in result) throw new Error(`denied: ${JSON.stringify(result)}`);
    expect(JSON.parse(JSON.stringify(result.querystring))).toEqual({ x: { value: '1', multiValue: [{ value: '1' }, { value: '2' }] }, y: { value: '' } });
    expect(JSON.parse(JSON.stringify(result.cookies))).toEqual({ theme: { value: 'dark' }, lang: { value: 'pt' } });
  });
});
