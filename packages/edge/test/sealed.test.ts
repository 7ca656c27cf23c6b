// The verifier's `sealed` option and the sealed-token path of every verifier entry point
// (issue 17): allow (default) / require / deny on both backends, verifyToken and decide,
// the algorithms allowlist, and the key derived once per kid, never per request.
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createSigner } from '@urlseal/sdk';
import { nodeCrypto } from '../src/ops/node-crypto.js';
import { webCrypto } from '../src/core/crypto/web.js';
import { createVerifierWith } from '../src/web/verifier.js';
import type { VerifierOptions } from '../src/core/options.js';

const SECRET = 'edge-sealed-test-secret-0123456789abcdefgh';
const KEYRING = { active: 'k1', kids: { k1: SECRET } };
const NOW = new Date(1_900_000_000_000);
const signer = createSigner({ keyring: KEYRING, currentDate: NOW });
const jws = signer.signToken('/v/*');
const sealed = signer.signToken('/v/*', { seal: true });

describe.each([nodeCrypto, webCrypto])('sealed option ($name backend)', (backend) => {
  const verifier = (extra: Partial<VerifierOptions> = {}) => createVerifierWith(backend, { keyring: KEYRING, currentDate: NOW, ...extra });
  const code = async (v: ReturnType<typeof verifier>, token: string) => {
    const r = await v.verifyToken(token, '/v/a.mp4');
    return r.ok ? 'granted' : r.code;
  };

  it('allow (the default) grants both; require refuses a JWS; deny refuses a sealed token', async () => {
    expect([await code(verifier(), jws), await code(verifier(), sealed)]).toEqual(['granted', 'granted']);
    expect([await code(verifier({ sealed: 'allow' }), jws), await code(verifier({ sealed: 'allow' }), sealed)]).toEqual(['granted', 'granted']);
    expect([await code(verifier({ sealed: 'require' }), jws), await code(verifier({ sealed: 'require' }), sealed)]).toEqual(['ERR_ALG_NOT_ALLOWED', 'granted']);
    expect([await code(verifier({ sealed: 'deny' }), jws), await code(verifier({ sealed: 'deny' }), sealed)]).toEqual(['granted', 'ERR_ALG_NOT_ALLOWED']);
  });

  it('a malformed token stays malformed in every mode', async () => {
    for (const mode of ['allow', 'require', 'deny'] as const) {
      expect(await code(verifier({ sealed: mode }), 'a.b')).toBe('ERR_TOKEN_MALFORMED');
      expect(await code(verifier({ sealed: mode }), `${sealed}=`)).toBe('ERR_TOKEN_MALFORMED');
    }
  });

  it('decide grants a sealed token in every carrier and forwards no carrier', async () => {
    const v = verifier();
    const views = [
      { target: `/_token/${sealed}/v/a.mp4?x=1`, headers: {} },
      { target: `/v/a.mp4?x=1&token=${sealed}`, headers: {} },
      { target: '/v/a.mp4?x=1', headers: { authorization: `Bearer ${sealed}` } },
      { target: '/v/a.mp4?x=1', headers: { cookie: `urlseal=${sealed}` } },
    ];
    for (const { target, headers } of views) {
      const d = await v.decide({ method: 'GET', target, header: (n) => (headers as Record<string, string>)[n] });
      expect(d, target).toMatchObject({ ok: true, scheme: 'jwt', target: '/v/a.mp4?x=1', claims: { path: '/v/*' } });
    }
    const manifest = await v.decide({ method: 'GET', target: `/v/master.m3u8?token=${sealed}`, header: () => undefined });
    expect(manifest).toMatchObject({ ok: true, manifest: { token: sealed, grant: ['/v/*'] } });
  });

  it('an algorithms allowlist without HS256 refuses a sealed token', async () => {
    expect(await code(verifier({ algorithms: ['EdDSA'] }), sealed)).toBe('ERR_ALG_NOT_ALLOWED');
  });

  it('rejects an unknown mode, naming the option', () => {
    expect(() => verifier({ sealed: 'maybe' as 'allow' })).toThrow('createVerifier: option "sealed" must be "allow", "require" or "deny"');
  });
});

describe('the content key', () => {
  it('is derived once per HS256 kid when the verifier is made, never per request, and not at all with sealed: deny', async () => {
    const derive = vi.fn((secret: Uint8Array) => nodeCrypto.importSealSecret(secret));
    const counting = { ...nodeCrypto, importSealSecret: derive };
    const keyring = { kids: { a: SECRET, b: `${SECRET}-b` }, keys: [{ kty: 'oct', kid: 'h5', alg: 'HS512', k: Buffer.from('x'.repeat(64)).toString('base64url') }] };
    const v = createVerifierWith(counting, { keyring, currentDate: NOW });
    expect(derive).toHaveBeenCalledTimes(2);
    const key = Buffer.from(hkdfSync('sha256', SECRET, new Uint8Array(0), 'urlseal seal A256GCM', 32));
    const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'a' })).toString('base64url');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(header));
    const body = Buffer.concat([cipher.update(JSON.stringify({ path: '/v/a.mp4', exp: 1_900_000_100 })), cipher.final()]);
    const token = [header, '', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    for (let i = 0; i < 5; i++) expect((await v.verifyToken(token, '/v/a.mp4')).ok).toBe(true);
    expect(derive).toHaveBeenCalledTimes(2);
    createVerifierWith(counting, { keyring, sealed: 'deny' });
    expect(derive).toHaveBeenCalledTimes(2);
  });
});

describe('checkJwtWithoutAes (for edges without AES: CloudFront Functions)', () => {
  it('answers a sealed token ERR_ALG_NOT_ALLOWED and leaves every JWS to checkJwt', async () => {
    const { prepareVerifier } = await import('../src/core/prepare.js');
    const { checkJwtWithoutAes } = await import('../src/core/sealed.js');
    const { decide } = await import('../src/core/decide.js');
    const p = { ...prepareVerifier(nodeCrypto, { keyring: KEYRING, currentDate: NOW }), checkJwt: checkJwtWithoutAes };
    const view = (token: string) => ({ method: 'GET', target: `/v/a.mp4?token=${token}`, header: () => undefined });
    expect(await decide(p, view(sealed))).toMatchObject({ ok: false, code: 'ERR_ALG_NOT_ALLOWED', detail: 'sealed tokens need AES' });
    expect(await decide(p, view(jws))).toMatchObject({ ok: true });
    expect(await decide(p, view('a.b'))).toMatchObject({ ok: false, code: 'ERR_TOKEN_MALFORMED' });
  });
});
