// The `sid` claim (issue 18): signed when given, refused where it cannot travel,
// kept by renewals, readable by `inspect`, and what the edge's revocation reads.
import express, { type Request } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createRenewalHandler, createSigner } from '@urlseal/sdk';
import { HS_KEYRING, NOW, NOW_DATE, decodeSegment } from './helpers.js';
import { keyringFile, urlsealHere } from './cli/run.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tokenOf = (url: string): string => new URL(url).searchParams.get('token') ?? ((/\/_token\/([^/]+)\//.exec(url) as RegExpExecArray)[1] as string);
const signer = createSigner({ keyring: HS_KEYRING, currentDate: NOW_DATE });

describe('sid', () => {
  it('is signed by signToken, signUrl and signCookie when given, and absent otherwise', () => {
    expect(decodeSegment(signer.signToken('/a', { sub: 'ada', sid: 'login-7' }), 1)).toEqual({ path: '/a', exp: NOW + 300, iat: NOW, sub: 'ada', sid: 'login-7' });
    const url = signer.signUrl('https://cdn.example/a.mp4', { sid: 'login-7', transport: 'query' });
    expect(decodeSegment(tokenOf(url), 1)).toMatchObject({ sid: 'login-7' });
    expect(decodeSegment(signer.signCookie('/a/*', { sid: 'login-7' }).value, 1)).toMatchObject({ sid: 'login-7' });
    expect(decodeSegment(signer.signToken('/a'), 1)).not.toHaveProperty('sid');
  });

  it('is refused when empty, not text, or for the legacy scheme', () => {
    expect(() => signer.signToken('/a', { sid: '' })).toThrow(/option "sid"/);
    expect(() => signer.signToken('/a', { sid: 7 as never })).toThrow(/option "sid"/);
    const legacy = createSigner({ keyring: { secureToken: ['y'.repeat(32)] }, scheme: 'secure-token', currentDate: NOW_DATE });
    expect(() => legacy.signUrl('/a.mp4', { sid: 's' })).toThrow(/option "sid" is not carried by scheme "secure-token"/);
  });

  it('createRenewalHandler keeps the session’s sid on every renewal', async () => {
    const app = express();
    app.post('/link', createRenewalHandler({
      signer,
      authorize: (req: Request) => ({ url: 'https://cdn.example/videos/c1/master.m3u8', options: { grant: '/videos/c1/*', sub: 'ada', sid: String(req.get('x-session')) } }),
    }));
    const res = await request(app).post('/link').set('x-session', 'login-7').expect(200);
    expect(decodeSegment((res.body as { token: string }).token, 1)).toMatchObject({ sub: 'ada', sid: 'login-7' });
  });

  it('urlseal sign --sid signs it and inspect shows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'urlseal-sid-'));
    try {
      const file = keyringFile(dir, 'k.json', HS_KEYRING);
      const sign = await urlsealHere(['sign', 'https://cdn.example/videos/a.mp4', '--keyring', file, '--sub', 'ada', '--sid', 'login-7']);
      expect(sign.code).toBe(0);
      const token = tokenOf(sign.stdout.trim());
      expect(decodeSegment(token, 1)).toMatchObject({ sub: 'ada', sid: 'login-7' });
      expect((await urlsealHere(['inspect', sign.stdout.trim()])).stdout).toMatch(/sid: +"login-7"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
