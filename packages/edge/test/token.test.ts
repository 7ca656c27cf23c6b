import { describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_PARAMS, extractToken } from '../src/token.js';

const headers = (h: Record<string, string> = {}) => (name: string) => h[name];
const extract = (target: string, h: Record<string, string> = {}) => extractToken(target, headers(h), DEFAULT_TOKEN_PARAMS);

describe('extractToken: SPEC §6 order, first present wins', () => {
  it('reads the path segment first and forwards /<rest>', () => {
    const r = extract('/_token/a.b.c/videos/x.mp4?token=q.q.q&k=1', { authorization: 'Bearer h.h.h', cookie: 'urlseal=c.c.c' });
    expect(r.source).toEqual({ scheme: 'jwt', carrier: 'path', token: 'a.b.c' });
    expect(r.rawPath).toBe('/videos/x.mp4');
    expect(r.target).toBe('/videos/x.mp4?k=1');
    expect(r.deleteAuthorization).toBe(true);
    expect(r.cookie).toBeNull();
  });

  it('then the query, then Bearer, then the cookie', () => {
    expect(extract('/a?token=q.q.q', { authorization: 'Bearer h.h.h' }).source).toMatchObject({ carrier: 'query', token: 'q.q.q' });
    expect(extract('/a?st=s&e=1', { authorization: 'Bearer h.h.h' }).source).toEqual({ scheme: 'secure-token', carrier: 'query', st: 's', e: '1' });
    expect(extract('/a', { authorization: 'Bearer h.h.h', cookie: 'urlseal=c.c.c' }).source).toMatchObject({ carrier: 'header', token: 'h.h.h' });
    expect(extract('/a', { authorization: 'bearer   h.h.h' }).source).toMatchObject({ carrier: 'header', token: 'h.h.h' });
    expect(extract('/a', { cookie: 'x=1; urlseal=c.c.c; y=2' }).source).toMatchObject({ carrier: 'cookie', token: 'c.c.c' });
    expect(extract('/a', { cookie: 'urlseal="c.c.c"' }).source).toMatchObject({ carrier: 'cookie', token: 'c.c.c' });
    expect(extract('/a').source).toBe('missing');
  });

  it('does not fall back when the first source is malformed', () => {
    expect(extract('/a?token=', { authorization: 'Bearer h.h.h' }).source).toBe('malformed');
    expect(extract('/_token/', { authorization: 'Bearer h.h.h' }).source).toBe('malformed');
    expect(extract('/_token/abc', {}).source).toBe('malformed');
    expect(extract('/_token//a').source).toBe('malformed');
  });

  it('refuses duplicated or mixed query carriers', () => {
    for (const target of ['/a?token=x&token=y', '/a?token=x&st=s&e=1', '/a?st=s', '/a?e=1', '/a?st=s&e=1&e=2', '/a?st=s&st=s&e=1',
      '/a?token=x&e=1', '/a?token', '/a?%74oken=x&token=y', '/a?token=%zz']) {
      expect(extract(target).source, target).toBe('malformed');
    }
  });

  it('treats Bearer with nothing as malformed and other schemes as no source', () => {
    expect(extract('/a', { authorization: 'Bearer' }).source).toBe('malformed');
    expect(extract('/a', { authorization: 'Bearer   ' }).source).toBe('malformed');
    const basic = extract('/a', { authorization: 'Basic dXNlcjpwYXNz' });
    expect(basic.source).toBe('missing');
    expect(basic.deleteAuthorization).toBe(false);
  });

  it('refuses a duplicated cookie or an empty one', () => {
    expect(extract('/a', { cookie: 'urlseal=a.b.c; urlseal=d.e.f' }).source).toBe('malformed');
    expect(extract('/a', { cookie: 'urlseal=' }).source).toBe('malformed');
  });
});

describe('extractToken: stripping every carrier', () => {
  it('keeps other query parameters in order and raw spelling', () => {
    const r = extract('/v/a.mp4?b=%2F1&token=t.t.t&a=x+y&st=1&e=2&z');
    expect(r.target).toBe('/v/a.mp4?b=%2F1&a=x+y&z');
  });

  it('drops the ? when nothing is left, keeps the query untouched when nothing was removed', () => {
    expect(extract('/v/a.mp4?token=t.t.t').target).toBe('/v/a.mp4');
    expect(extract('/v/a.mp4?x=%41&&y').target).toBe('/v/a.mp4?x=%41&&y');
  });

  it('strips percent-encoded carrier names too', () => {
    expect(extract('/v?%74oken=t.t.t&x=1').target).toBe('/v?x=1');
  });

  it('removes only the urlseal cookie', () => {
    expect(extract('/a?token=t.t.t', { cookie: 'sid=1; urlseal=c.c.c;  theme=dark' }).cookie).toBe('sid=1; theme=dark');
    expect(extract('/a', { cookie: 'sid=1' }).cookie).toBeUndefined();
    expect(extract('/a', { cookie: 'urlseal=c.c.c' }).cookie).toBeNull();
  });

  it('honours configured names', () => {
    const params = { token: 'auth', st: 'md5', e: 'expires', cookie: 'sess', pathSegment: 'sig' };
    const r = extractToken('/sig/a.b.c/x?token=keep&auth=1', () => undefined, params);
    expect(r.source).toMatchObject({ carrier: 'path', token: 'a.b.c' });
    expect(r.target).toBe('/x?token=keep');
    expect(extractToken('/x?md5=s&expires=1', () => undefined, params).source).toMatchObject({ scheme: 'secure-token' });
  });
});
