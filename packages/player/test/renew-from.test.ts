import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renewFrom } from '../src/renew-from.js';
import { createTokenSource } from '../src/source.js';
import { tokenAt } from './helpers.js';

const fresh = tokenAt(1_800_000_000, 300, 1);
const requests: Array<{ method?: string; url?: string }> = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url });
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/token') return void res.end(JSON.stringify({ token: fresh, url: 'ignored' }));
    if (req.url === '/url') return void res.end(JSON.stringify({ url: `https://cdn.example/_token/${fresh}/videos/a/master.m3u8`, expires: 1 }));
    if (req.url === '/empty') return void res.end('{}');
    res.statusCode = req.url === '/gone' ? 403 : 500;
    res.end('{"error":"not enrolled"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('renewFrom', () => {
  it('POSTs to the endpoint and hands the token (or the signed URL) to the source', async () => {
    for (const path of ['/token', '/url']) {
      const source = createTokenSource({ refresh: renewFrom(`${base}${path}`) });
      expect(await source.fresh()).toBe(fresh);
    }
    expect(requests.slice(0, 2)).toEqual([{ method: 'POST', url: '/token' }, { method: 'POST', url: '/url' }]);
  });

  it('rejects with the HTTP status; 403 (the viewer lost access) closes the source', async () => {
    const refusal = (await renewFrom(`${base}/gone`)().catch((e: unknown) => e)) as { status?: number; message?: string };
    expect(refusal.status).toBe(403);
    expect(refusal.message).toBe('renewal refused: HTTP 403');
    const source = createTokenSource({ refresh: renewFrom(`${base}/gone`) });
    const count = requests.length;
    await expect(source.fresh()).rejects.toMatchObject({ status: 403 });
    await expect(source.fresh()).rejects.toMatchObject({ status: 403 });
    expect(requests.length - count).toBe(1);
    await expect(renewFrom(`${base}/broken`)()).rejects.toMatchObject({ status: 500 });
  });

  it('an answer without a token is refused by the source', async () => {
    await expect(createTokenSource({ refresh: renewFrom(`${base}/empty`) }).fresh()).rejects.toThrow(TypeError);
  });
});
