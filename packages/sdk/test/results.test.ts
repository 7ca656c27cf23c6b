import { describe, expect, it } from 'vitest';
import { createVerifier } from '@urlseal/edge';
import { UrlsealError } from '@urlseal/edge/contract';
import { createSigner, loadKeyring } from '@urlseal/sdk';
import { HS_KEYRING, NOW, NOW_DATE, decodeSegment, privateJwk } from './helpers.js';

const LEGACY = 'legacy-secret-0123456789abcdefghijkl';
const signer = createSigner({ keyring: { ...HS_KEYRING, secureToken: [LEGACY] }, currentDate: NOW_DATE });

describe('sign returns data', () => {
  it('jwt: the URL, the token inside it, its claims and expiry', () => {
    const signed = signer.sign('https://cdn.example/videos/a.mp4?x=1', { ttl: '10m', sub: 'student-42' });
    expect(signed).toEqual({
      scheme: 'jwt',
      url: `https://cdn.example/videos/a.mp4?x=1&token=${signed.token}`,
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      claims: { path: '/videos/a.mp4', exp: NOW + 600, iat: NOW, sub: 'student-42' },
      expires: NOW + 600,
    });
    expect(decodeSegment(signed.token, 1)).toEqual(signed.claims);
    expect(signer.signUrl('https://cdn.example/videos/a.mp4?x=1', { ttl: '10m', sub: 'student-42' })).toBe(signed.url);
  });

  it('secure-token: st as the token, the path and e as its claims', () => {
    const signed = signer.sign('/videos/a.mp4', { scheme: 'secure-token', expires: 1800000000 });
    expect(signed.scheme).toBe('secure-token');
    expect(signed.url).toBe(`/videos/a.mp4?st=${signed.token}&e=1800000000`);
    expect(signed.claims).toEqual({ path: '/videos/a.mp4', exp: 1800000000 });
    expect(signed.expires).toBe(1800000000);
  });
});

describe('signCookie returns data and a serializer', () => {
  it('has the parts an Express res.cookie() needs, and the Set-Cookie value', () => {
    const cookie = signer.signCookie('/videos/course-1/*', { ttl: 600 });
    expect(cookie).toMatchObject({
      name: 'urlseal',
      path: '/videos/course-1/',
      maxAge: 600,
      expires: NOW + 600,
      claims: { path: '/videos/course-1/*', exp: NOW + 600, iat: NOW },
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
    });
    expect(cookie.serialize()).toBe(`urlseal=${cookie.value}; Path=/videos/course-1/; Max-Age=600; HttpOnly; Secure; SameSite=Lax`);
  });
});

describe('carrier names are the verifier\'s params, on every scheme', () => {
  const params = { token: 'auth', st: 'md5', e: 'until', cookie: 'media', pathSegment: 'sig' };
  const named = createSigner({ keyring: { ...HS_KEYRING, secureToken: [LEGACY] }, params, currentDate: NOW_DATE });
  const verifier = createVerifier({ keyring: { ...HS_KEYRING, secureToken: [LEGACY] }, params, currentDate: NOW_DATE });
  const check = (target: string, header: (name: string) => string | undefined = () => undefined) =>
    verifier.decide({ method: 'GET', target, header });

  it('query, path, secure-token and cookie carriers all verify with the same params', async () => {
    const query = named.signUrl('/v/a.mp4');
    expect(query).toMatch(/^\/v\/a\.mp4\?auth=/);
    expect(await check(query)).toMatchObject({ ok: true, target: '/v/a.mp4' });
    const path = named.signUrl('/v/a.mp4', { grant: '/v/*' });
    expect(path).toMatch(/^\/sig\/[\w.-]+\/v\/a\.mp4$/);
    expect(await check(path)).toMatchObject({ ok: true, target: '/v/a.mp4' });
    const legacy = named.signUrl('/v/a.mp4', { scheme: 'secure-token', expires: NOW + 60 });
    expect(legacy).toMatch(/^\/v\/a\.mp4\?md5=[\w-]{22}&until=\d{10}$/);
    expect(await check(legacy)).toMatchObject({ ok: true, scheme: 'secure-token' });
    const cookie = named.signCookie('/v/*');
    expect(cookie.name).toBe('media');
    expect(await check('/v/a.mp4', (name) => (name === 'cookie' ? `${cookie.name}=${cookie.value}` : undefined))).toMatchObject({ ok: true });
  });

  it('refuses to sign a URL that already carries one of its own carriers', () => {
    expect(() => named.signUrl('/v/a.mp4?md5=x')).toThrow(/^signUrl: url already carries a "auth", "md5" or "until" parameter/);
    expect(() => named.signUrl('/sig/x/v/a.mp4')).toThrow(/^signUrl: url path already starts with \/sig\//);
    expect(named.signUrl('/v/a.mp4?st=x&e=1')).toMatch(/\?st=x&e=1&auth=/); // default names are plain parameters here
  });
});

describe('the error rule', () => {
  it('misuse is a TypeError that starts with the function and names the option', () => {
    expect(() => createSigner({ keyring: HS_KEYRING, ttl: '10y' as never })).toThrow(/^createSigner: option "ttl" must be whole seconds/);
    expect(() => createSigner({ keyring: HS_KEYRING, maxTtl: -1 })).toThrow(/^createSigner: option "maxTtl"/);
    expect(() => createSigner({ keyring: HS_KEYRING, params: { token: 'a b' } })).toThrow(/^createSigner: option "params.token"/);
    expect(() => createSigner({ keyring: HS_KEYRING, cookieName: 'x' } as never)).toThrow(/^createSigner: option "cookieName" is unknown; expected one of keyring, ttl, maxTtl, scheme, transport, params, currentDate, seal$/);
    expect(() => signer.signUrl('/a', { expire: 1 } as never)).toThrow(/^signUrl: option "expire" is unknown; expected one of grant, ttl, expires, nbf, sub, sid, jti, ip, geo, scheme, transport, grantAll, seal$/);
    expect(() => signer.signToken('/a', { expire: 1 } as never)).toThrow(/^signToken: option "expire" is unknown; expected one of grant, ttl, expires, nbf, sub, sid, jti, ip, geo, scheme, transport, grantAll, seal$/);
    // A name the readers would see through the prototype is checked too.
    expect(() => signer.signUrl('/a', Object.create({ expire: 1 }) as never)).toThrow(/^signUrl: option "expire" is unknown/);
    expect(() => createSigner(Object.assign(Object.create({ cookieName: 'x' }), { keyring: HS_KEYRING }) as never)).toThrow(/^createSigner: option "cookieName" is unknown/);
    expect(() => signer.signUrl('/a', { expires: 1.5 })).toThrow(/^signUrl: option "expires" must be a Unix time/);
    expect(() => signer.sign('/a', { ip: 'nope' })).toThrow(/^sign: option "ip"/);
    expect(() => signer.signToken('/a', { ttl: 0 })).toThrow(/^signToken: option "ttl" must be more than 0 seconds/);
    expect(() => signer.signCookie(['/a', 'b'])).toThrow(/^signCookie: option "grant"/);
    expect(() => signer.signUrl('videos/a.mp4')).toThrow(/^signUrl: url must be an absolute URL or a path starting with "\/"$/);
  });

  it('a bad keyring is UrlsealError ERR_KEYRING_INVALID; a path given as keyring says so without echoing it', () => {
    const code = { code: 'ERR_KEYRING_INVALID' } as Partial<UrlsealError>;
    expect(() => createSigner({ keyring: { kids: { k: 'short' } } })).toThrow(expect.objectContaining(code));
    let error: unknown;
    try {
      createSigner({ keyring: './keyring.local.json' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UrlsealError);
    expect(error).toMatchObject(code);
    expect((error as Error).message).toBe('createSigner: option "keyring" is text that is not keyring JSON; to read a keyring file, pass loadKeyring(path) from @urlseal/sdk');
    expect(() => createSigner({ keyring: 42 as never })).toThrow(TypeError);
  });

  it('library messages speak of options and env, never of CLI flags', () => {
    const messages: string[] = [];
    const collect = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        messages.push((error as Error).message);
      }
    };
    collect(() => loadKeyring(undefined, {}));
    collect(() => loadKeyring('/nonexistent/keyring.json'));
    collect(() => createSigner({ keyring: HS_KEYRING, ttl: '2d' }));
    collect(() => createSigner({ keyring: HS_KEYRING, scheme: 'secure-token' }));
    collect(() => signer.signUrl('/a', { grant: '/b/*' }));
    expect(messages).toHaveLength(5);
    for (const message of messages) expect(message).not.toMatch(/--|\burlseal (sign|verify|serve)\b/);
    expect(messages[0]).toBe('loadKeyring: no file given and env URLSEAL_KEYRING is not set; pass a keyring file path or set URLSEAL_KEYRING to the keyring JSON');
  });
});

describe('asymmetric keyrings are checked once, at createSigner', () => {
  it('refuses a JWK whose private part belongs to another key', () => {
    const one = privateJwk('EdDSA', 'e1');
    const other = privateJwk('EdDSA', 'e1');
    expect(() => createSigner({ keyring: { keys: [{ ...one, d: other.d }] } })).toThrow(
      expect.objectContaining({ code: 'ERR_KEYRING_INVALID', message: 'keyring: key "e1" is not a usable EdDSA key pair: its "d" does not match its public part' }) as Error,
    );
    const p1 = privateJwk('ES256', 'p1');
    const p2 = privateJwk('ES256', 'p1');
    expect(() => createSigner({ keyring: { keys: [{ ...p1, d: p2.d }] } })).toThrow(expect.objectContaining({ code: 'ERR_KEYRING_INVALID' }) as Error);
    expect(createSigner({ keyring: { keys: [p1] } }).signToken('/a')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]{86}$/);
  });
});
