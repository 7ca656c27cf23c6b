// The Azion Edge Firewall function beyond the hostile table: its JSON Args (Azion's own JWT
// function args, validated once per args object), what it does without usable args, and
// that every event settles exactly once. Runs dist/azion.js in @edge-runtime/vm.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAzion } from '../hostile/azion-runtime.js';
import { NOW } from '../hostile/helpers.js';
import { hs256 } from '../interop/helpers.js';

const SECRET = 'azion-edge-test-secret-0123456789abcdef';
const ST_SECRET = 'azion-edge-test-st-secret-0123456789ab';

function jwt(claims: Record<string, unknown>, secret = SECRET, kid = 'k1'): string {
  return hs256(secret, kid, { exp: NOW + 300, iat: NOW, ...claims });
}

let send: Awaited<ReturnType<typeof loadAzion>>;
beforeAll(async () => {
  send = await loadAzion();
});

const get = (url: string, headers: Record<string, string> = {}) => ({ method: 'GET', url, headers });

async function denial(outcome: Awaited<ReturnType<typeof send>>): Promise<{ status: number; code: string | null; body: string }> {
  if (outcome.continued) throw new Error('continued');
  return { status: outcome.response.status, code: outcome.response.headers.get('x-urlseal-error'), body: await outcome.response.text() };
}

describe('Azion Edge Firewall function (dist/azion.js)', () => {
  it('takes Azion JWT function args ({"kids": …}) unchanged, and secureToken too', async () => {
    const args = { kids: { k1: SECRET }, secureToken: [ST_SECRET] };
    expect((await send(get(`/v/a.mp4?token=${jwt({ path: '/v/*' })}`), args)).calls).toEqual(['continue']);
    const e = NOW + 60;
    const st = createHash('md5').update(`${ST_SECRET}/v/a.mp4${e}`).digest('base64url');
    expect((await send(get(`/v/a.mp4?st=${st}&e=${e}`), args)).calls).toEqual(['continue']);
    expect((await send(get(`/_token/${jwt({ path: '/v/*' })}/v/a.mp4`), args)).calls).toEqual(['continue']);
  });

  it('answers 503 and never continues without usable args: none, not a keyring, a short secret', async () => {
    for (const args of [undefined, null, 'text', { kids: { k1: 'short' } }, { kids: {} }, { unknown: 1 }]) {
      const outcome = await send(get(`/v/a.mp4?token=${jwt({ path: '/v/*' })}`), args);
      expect(outcome.calls, JSON.stringify(args)).toEqual(['respondWith']);
      expect(await denial(outcome)).toEqual({ status: 503, code: 'ERR_KEYRING_UNAVAILABLE', body: '{"error":"ERR_KEYRING_UNAVAILABLE"}' });
    }
  });

  it('validates the args once per args object, never per request', async () => {
    let reads = 0;
    const args = {
      get kids() {
        reads++;
        return { k1: SECRET };
      },
    };
    for (let i = 0; i < 5; i++) expect((await send(get(`/v/a.mp4?token=${jwt({ path: '/v/*', jti: `j${i}` })}`), args)).calls).toEqual(['continue']);
    expect(reads).toBe(1);
    // New args (a redeployed instance with a rotated keyring) are read afresh.
    const rotated = { kids: { k2: SECRET } };
    expect((await send(get(`/v/a.mp4?token=${jwt({ path: '/v/*' }, SECRET, 'k2')}`), rotated)).calls).toEqual(['continue']);
    expect(await denial(await send(get(`/v/a.mp4?token=${jwt({ path: '/v/*' })}`), rotated))).toMatchObject({ status: 401, code: 'ERR_KID_UNKNOWN' });
  });

  it('answers with the SPEC §7 denial, not the bare 403 of event.deny()', async () => {
    const outcome = await send(get('/v/a.mp4'), { kids: { k1: SECRET } });
    expect(outcome.calls).toEqual(['respondWith']);
    if (outcome.continued) return;
    expect(outcome.response.status).toBe(401);
    expect(outcome.response.headers.get('www-authenticate')).toBe('Bearer');
    expect(outcome.response.headers.get('cache-control')).toBe('no-store');
  });

  it('reads the client address for ip claims from metadata.remote_addr', async () => {
    const args = { kids: { k1: SECRET } };
    expect((await send(get(`/v/a.mp4?token=${jwt({ path: '/v/*', ip: '127.0.0.0/8' })}`), args)).calls).toEqual(['continue']);
    expect(await denial(await send(get(`/v/a.mp4?token=${jwt({ path: '/v/*', ip: '10.0.0.0/8' })}`, { 'x-forwarded-for': '10.0.0.1' }), args))).toMatchObject({ status: 403, code: 'ERR_IP_MISMATCH' });
  });
});
