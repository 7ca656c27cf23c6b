// The Vercel middleware and the Deno server examples beyond the hostile table: what they do
// with an unusable keyring (the Worker's rule: 503 where a runtime cannot exit; a server
// that can, Deno, exits 2 with one line).
import { EdgeRuntime } from 'edge-runtime';
import { expect, it } from 'vitest';
import { startDenoExample } from '../hostile/deno-runtime.js';
import { bundleVercelMiddleware } from '../hostile/vercel-runtime.js';

it('Vercel middleware: an unusable keyring answers 503 ERR_KEYRING_UNAVAILABLE, never a pass', async () => {
  for (const keyring of ['{"kids":{"k1":"short"}}', 'not json']) {
    const code = await bundleVercelMiddleware({ URLSEAL_KEYRING: keyring, URLSEAL_ORIGIN: 'http://127.0.0.1:9' });
    const runtime = new EdgeRuntime({ initialCode: code });
    const response = await runtime.dispatchFetch('http://edge.test/videos/a.mp4');
    expect(response.status).toBe(503);
    expect(response.headers.get('x-urlseal-error')).toBe('ERR_KEYRING_UNAVAILABLE');
    expect(await response.text()).toBe('{"error":"ERR_KEYRING_UNAVAILABLE"}');
  }
});

it('Deno server: an unusable keyring stops it at start, exit 2 with one line naming the problem', async () => {
  await expect(startDenoExample({ URLSEAL_KEYRING: '{"kids":{"k1":"short"}}', URLSEAL_ORIGIN: 'http://127.0.0.1:9' })).rejects.toThrow(
    /exited \(2\): urlseal: keyring\.kids\["k1"\]: secret is 5 bytes; use at least 32 bytes/,
  );
}, 40_000);

it('Vercel middleware: geo claims against x-vercel-ip-country, and RS256 keys (issue 19)', async () => {
  const { generateKeyPairSync, createHmac, sign } = await import('node:crypto');
  const { createServer } = await import('node:http');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const secret = 'vercel-geo-rsa-secret-0123456789abcdefgh';
  const keyring = JSON.stringify({ kids: { k1: secret }, keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'r1', alg: 'RS256' }] });
  const origin = createServer((_req, res) => res.end('origin'));
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  try {
    const port = (origin.address() as { port: number }).port;
    const code = await bundleVercelMiddleware({ URLSEAL_KEYRING: keyring, URLSEAL_ORIGIN: `http://127.0.0.1:${port}` });
    const runtime = new EdgeRuntime({ initialCode: code });
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const body = enc({ iat: now, exp: now + 300, path: '/v/*', geo: { allow: ['PT'] } });
    const hsInput = `${enc({ alg: 'HS256', kid: 'k1' })}.${body}`;
    const hs = `${hsInput}.${createHmac('sha256', secret).update(hsInput).digest('base64url')}`;
    const rsInput = `${enc({ alg: 'RS256', kid: 'r1' })}.${body}`;
    const rs = `${rsInput}.${sign('sha256', Buffer.from(rsInput), rsa.privateKey).toString('base64url')}`;
    for (const token of [hs, rs]) {
      const granted = await runtime.dispatchFetch(`http://edge.test/v/a.mp4?token=${token}`, { headers: { 'x-vercel-ip-country': 'PT' } });
      expect(granted.status).toBe(200);
      expect(await granted.text()).toBe('origin');
      for (const headers of [{ 'x-vercel-ip-country': 'ES' }, {}] as Array<Record<string, string>>) {
        const denied = await runtime.dispatchFetch(`http://edge.test/v/a.mp4?token=${token}`, { headers });
        expect(denied.status).toBe(403);
        expect(denied.headers.get('x-urlseal-error')).toBe('ERR_GEO_MISMATCH');
      }
    }
  } finally {
    origin.closeAllConnections();
    origin.close();
  }
});
