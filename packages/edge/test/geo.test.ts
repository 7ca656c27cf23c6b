// Country rules (SPEC v1.2 "Country", issue 19): the `geo` claim checked after ip
// against the country the runtime reports; an unknown country with a rule present is
// 403 ERR_GEO_MISMATCH.
import { describe, expect, it } from 'vitest';
import { createSigner } from '@urlseal/sdk';
import { handle } from '../src/web/handle.js';
import { geoClaim, readCountry } from '../src/contract/geo.js';
import { backends, claims, currentDate, hs256, keyringJson } from './helpers.js';

const PATH = '/videos/course-1/a.ts';
const geoToken = (geo: unknown, extra: Record<string, unknown> = {}) => hs256(claims({ geo, ...extra }));

describe('the geo claim and the runtime country, read strictly', () => {
  it.each([
    [{ allow: ['BR', 'PT'] }, true],
    [{ block: ['US'] }, true],
    [{ allow: ['BR'], block: ['US'] }, false],
    [{ allow: [] }, false],
    [{ allow: ['br'] }, false],
    [{ allow: ['BRA'] }, false],
    [{ allow: ['BR', 'BR'] }, false],
    [{ allow: 'BR' }, false],
    [{ deny: ['BR'] }, false],
    [{}, false],
    [['BR'], false],
    ['BR', false],
    // RegExp#test would read a nested ["BR"] (or 12 as "12") as text: every code must be a string.
    [{ allow: [['BR']] }, false],
    [{ block: [['US'], 'BR'] }, false],
    [null, false],
    [{ allow: Array.from({ length: 301 }, (_, i) => String.fromCharCode(65 + (i % 26)) + String.fromCharCode(65 + Math.floor(i / 26))) }, false],
  ])('%j well-formed: %s', (claim, ok) => {
    expect(geoClaim(claim) !== undefined).toBe(ok);
  });

  it('reads a runtime country as two letters in any case; XX, empty or anything else is unknown', () => {
    expect(readCountry('BR')).toBe('BR');
    expect(readCountry(' br ')).toBe('BR');
    for (const unknown of [undefined, '', 'XX', 'xx', 'BRA', 'B', 'BR, PT', '1A', 42]) expect(readCountry(unknown)).toBeUndefined();
  });
});

describe.each(backends)('geo claims (%s backend)', (_name, createVerifier) => {
  const verifier = createVerifier({ keyring: keyringJson, currentDate });
  const check = (token: string, country?: string, clientIp?: string) => verifier.verifyToken(token, PATH, { country, clientIp });

  it('allow: granted from a listed country only; any other or unknown country is 403 ERR_GEO_MISMATCH', async () => {
    const token = geoToken({ allow: ['BR', 'PT'] });
    expect(await check(token, 'BR')).toMatchObject({ ok: true });
    expect(await check(token, 'pt')).toMatchObject({ ok: true });
    for (const country of ['US', undefined, 'XX', '', 'Brazil']) {
      expect(await check(token, country)).toMatchObject({ ok: false, status: 403, code: 'ERR_GEO_MISMATCH', detail: 'geo' });
    }
  });

  it('block: denied from a listed country and from an unknown one, granted elsewhere', async () => {
    const token = geoToken({ block: ['US', 'CA'] });
    expect(await check(token, 'BR')).toMatchObject({ ok: true });
    for (const country of ['US', 'ca', undefined, 'XX']) expect(await check(token, country)).toMatchObject({ code: 'ERR_GEO_MISMATCH' });
  });

  it('a malformed geo claim is ERR_CLAIM_INVALID, whatever the country', async () => {
    for (const geo of [{ allow: ['br'] }, { allow: [] }, { allow: ['BR'], block: ['US'] }, 'BR', null]) {
      expect(await check(geoToken(geo), 'BR')).toMatchObject({ ok: false, code: 'ERR_CLAIM_INVALID', detail: 'geo' });
    }
  });

  it('is checked after the path and the ip claim', async () => {
    const token = geoToken({ allow: ['BR'] }, { ip: '203.0.113.0/24' });
    expect(await check(token, 'US', '198.51.100.1')).toMatchObject({ code: 'ERR_IP_MISMATCH' });
    expect(await check(token, 'US', '203.0.113.9')).toMatchObject({ code: 'ERR_GEO_MISMATCH' });
    expect(await check(token, 'BR', '203.0.113.9')).toMatchObject({ ok: true });
    expect(await verifier.verifyToken(token, '/other/a.ts', { country: 'US', clientIp: '203.0.113.9' })).toMatchObject({ code: 'ERR_PATH_MISMATCH' });
  });

  it('a token without geo ignores the country', async () => {
    expect(await check(hs256(claims()), undefined)).toMatchObject({ ok: true });
    expect(await check(hs256(claims()), 'XX')).toMatchObject({ ok: true });
  });

  it('through handle and verify(request): the country comes from the adapter, never from the token or a header', async () => {
    const token = geoToken({ allow: ['PT'] });
    const request = () => new Request(`https://cdn.test${PATH}?token=${token}`, { headers: { 'cf-ipcountry': 'PT', 'x-country': 'PT' } });
    const origin = async () => new Response('ok');
    expect((await handle(verifier, request(), origin, { country: 'PT' })).status).toBe(200);
    const denied = await handle(verifier, request(), origin, { country: 'ES' });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('x-urlseal-error')).toBe('ERR_GEO_MISMATCH');
    // Headers alone are not a country source for handle: the adapter must say.
    expect(await verifier.verify(request())).toMatchObject({ ok: false, code: 'ERR_GEO_MISMATCH' });
    expect(await verifier.verify(request(), { country: 'PT' })).toMatchObject({ ok: true });
  });

  it('the SDK signs the geo option the edge checks, and refuses a bad one with one line', async () => {
    const signer = createSigner({ keyring: { ...keyringJson, active: 'k1' }, currentDate });
    const signed = signer.sign(`https://cdn.test${PATH}`, { grant: '/videos/course-1/*', geo: { allow: ['BR', 'PT'] }, transport: 'query' });
    const token = new URL(signed.url).searchParams.get('token') as string;
    expect(JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).geo).toEqual({ allow: ['BR', 'PT'] });
    expect(await check(token, 'BR')).toMatchObject({ ok: true });
    expect(await check(token, 'US')).toMatchObject({ code: 'ERR_GEO_MISMATCH' });
    for (const geo of [{ allow: ['br'] }, { allow: [] }, { allow: ['BR'], block: ['US'] }, ['BR']]) {
      expect(() => signer.sign(`https://cdn.test${PATH}`, { geo: geo as never })).toThrow(/option "geo" must be \{ allow: \[\.\.\.\] \} or \{ block: \[\.\.\.\] \}/);
    }
    expect(() => signer.sign(`https://cdn.test${PATH}`, { geo: { block: ['US'] }, scheme: 'secure-token' })).toThrow(/geo/);
  });
});
