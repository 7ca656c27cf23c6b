import { describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_PARAMS, extractToken, forwardHeader } from '../src/contract/carriers.js';

const headers = (h: Record<string, string> = {}) => (name: string) => h[name];
const extract = (target: string, h: Record<string, string> = {}) => extractToken(target, headers(h), DEFAULT_TOKEN_PARAMS);

describe('extractToken: SPEC §6 order, first present wins', () => {
  it('reads the path segment first and forwards /<rest>', () => {
    const r = extract('/_token/a.b.c/videos/x.mp4?token=q.q.q&k=1', { authorization: 'Bearer h.h.h', cookie: 'urlseal=c.c.c' });
    expect(r.source).toEqual({ scheme: 'jwt', carrier: 'path', token: 'a.b.c' });
    expect(r.path).toBe('/videos/x.mp4');
    expect(r.target).toBe('/videos/x.mp4?k=1');
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
    // An empty token segment is an empty path segment: the path is not canonical at all.
    expect(extract('/_token//a')).toEqual({ source: 'missing', path: undefined, target: undefined });
  });

  it('refuses a second token segment after the first (SPEC §6)', () => {
    expect(extract('/_token/a.b.c/_token/d.e.f/videos/x.mp4').source).toBe('malformed');
    expect(extract('/_token/a.b.c/videos/_token/d.e.f/x.mp4').source).toBe('malformed');
    expect(extract('/_token/a.b.c/videos/_token').source).toMatchObject({ carrier: 'path' }); // a file named _token
  });

  it('matches Bearer case-insensitively, followed by any run of spaces or tabs (SPEC §6)', () => {
    for (const value of ['Bearer\th.h.h', 'Bearer \t  h.h.h', 'BEARER\t\th.h.h', 'bearer h.h.h  ']) {
      expect(extract('/a', { authorization: value }).source, JSON.stringify(value)).toEqual({ scheme: 'jwt', carrier: 'header', token: 'h.h.h' });
    }
    expect(extract('/a', { authorization: 'Bearer\t' }).source).toBe('malformed');
    expect(extract('/a', { authorization: 'Bearerh.h.h' }).source).toBe('missing'); // another scheme
  });

  it('reads an absolute-form target as its path and query', () => {
    const r = extract('http://cdn.test/_token/a.b.c/videos/x.mp4?k=1');
    expect(r).toEqual({ source: { scheme: 'jwt', carrier: 'path', token: 'a.b.c' }, path: '/videos/x.mp4', target: '/videos/x.mp4?k=1' });
    expect(extract('https://cdn.test?token=a.b.c')).toMatchObject({ path: '/', target: '/' });
  });

  it('reports no path for a target with a raw #, a space or non-ASCII (SPEC §2)', () => {
    for (const target of ['/videos/course-1/..#x', '/a b', '/a\u00e9', '/a?x=#', '/a\x7f']) {
      expect(extract(target).path, JSON.stringify(target)).toBeUndefined();
    }
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
  });

  it('refuses a duplicated cookie or an empty one', () => {
    expect(extract('/a', { cookie: 'urlseal=a.b.c; urlseal=d.e.f' }).source).toBe('malformed');
    expect(extract('/a', { cookie: 'urlseal=' }).source).toBe('malformed');
  });
});

describe('extractToken: the target forwarded without carriers', () => {
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

  it('forwardHeader removes only the urlseal cookie and every Bearer Authorization', () => {
    const forward = (name: string, value: string) => forwardHeader(name, value, DEFAULT_TOKEN_PARAMS);
    expect(forward('cookie', 'sid=1; urlseal=c.c.c;  theme=dark')).toBe('sid=1; theme=dark');
    expect(forward('cookie', 'sid=1;urlseal=a; urlseal=b')).toBe('sid=1');
    expect(forward('cookie', 'sid=1')).toBe('sid=1');
    expect(forward('cookie', 'urlseal=c.c.c')).toBeUndefined();
    expect(forward('authorization', 'Bearer a.b.c')).toBeUndefined();
    expect(forward('authorization', 'bearer\t\ta.b.c')).toBeUndefined();
    expect(forward('authorization', 'Bearer')).toBeUndefined(); // malformed, still a carrier
    expect(forward('authorization', 'Basic dTpw')).toBe('Basic dTpw');
    expect(forward('x-other', 'Bearer a.b.c')).toBe('Bearer a.b.c');
    expect(forwardHeader('cookie', 'sess=x; urlseal=y', { ...DEFAULT_TOKEN_PARAMS, cookie: 'sess' })).toBe('urlseal=y');
  });

  it('honours configured names', () => {
    const params = { token: 'auth', st: 'md5', e: 'expires', cookie: 'sess', pathSegment: 'sig' };
    const r = extractToken('/sig/a.b.c/x?token=keep&auth=1', () => undefined, params);
    expect(r.source).toMatchObject({ carrier: 'path', token: 'a.b.c' });
    expect(r.target).toBe('/x?token=keep');
    expect(extractToken('/x?md5=s&expires=1', () => undefined, params).source).toMatchObject({ scheme: 'secure-token' });
  });
});
