// Sealed tokens (issue 17) through createEdgeServer (what `urlseal serve` runs) and the
// Express middleware: granted in every carrier, nothing of the token or its claims reaches
// the origin or the access log (a sealed token sent as X-Request-Id is not logged either),
// and an HLS manifest is rewritten to carry the sealed token on.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlseal } from '@urlseal/edge/express';
import { createEdgeServer } from '@urlseal/edge/node-server';
import { createSigner } from '@urlseal/sdk';
import { KEYRING } from './helpers.js';

const SUB = 'sealed-student-42@example.edu';
const signer = createSigner({ keyring: KEYRING });

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

let origin: Server;
let originUrl = '';
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
beforeAll(async () => {
  origin = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url?.endsWith('.m3u8')) {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      res.end('#EXTM3U\n#EXTINF:4,\nseg-1.ts\n');
      return;
    }
    res.end('media');
  });
  originUrl = await listen(origin);
});
afterAll(() => close(origin));

function requests(token: string): Array<[string, Record<string, string>]> {
  return [
    [`/_token/${token}/v/a.mp4`, {}],
    [`/v/a.mp4?token=${token}`, {}],
    ['/v/a.mp4', { authorization: `Bearer ${token}` }],
    ['/v/a.mp4', { cookie: `theme=dark; urlseal=${token}` }],
  ];
}

describe.each([
  ['createEdgeServer', (log: (line: string) => void) => createEdgeServer({ origin: originUrl, keyring: KEYRING, log })],
  ['Express', (_log: (line: string) => void) => {
    const app = express();
    app.use(urlseal({ keyring: KEYRING }));
    app.use((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      if (req.url.endsWith('.m3u8')) res.type('application/vnd.apple.mpegurl').send('#EXTM3U\n#EXTINF:4,\nseg-1.ts\n');
      else res.send('media');
    });
    return createServer(app);
  }],
] as const)('sealed tokens through %s', (name, make) => {
  it('are granted in every carrier; neither the origin nor the log sees the token or a claim', async () => {
    const lines: string[] = [];
    const server = make((line) => lines.push(line));
    const base = await listen(server);
    try {
      const token = signer.signToken('/v/*', { seal: true, sub: SUB });
      seen.length = 0;
      for (const [path, headers] of requests(token)) {
        const res = await fetch(`${base}${path}`, { headers: { ...headers, 'x-request-id': token } });
        expect(res.status, path).toBe(200);
        expect(await res.text()).toBe('media');
      }
      expect(seen.map((s) => s.url)).toEqual(['/v/a.mp4', '/v/a.mp4', '/v/a.mp4', '/v/a.mp4']);
      // The X-Request-Id header is the client's own and goes on as sent; everything else is checked.
      const forwarded = seen.map(({ url, headers: { 'x-request-id': _id, ...headers } }) => ({ url, headers }));
      const everything = JSON.stringify(forwarded) + lines.join('\n');
      for (const leak of [token, token.split('.')[3] as string, SUB]) expect(everything).not.toContain(leak);
      if (name === 'createEdgeServer') {
        expect(lines).toHaveLength(4);
        for (const line of lines) expect(JSON.parse(line)).toMatchObject({ status: 200, code: null, path: '/v/a.mp4' });
        expect(lines.some((line) => line.includes('requestId'))).toBe(false);
      }
      const tampered = token.slice(0, -3) + (token.endsWith('A') ? 'BAA' : 'AAA');
      const denied = await fetch(`${base}/v/a.mp4?token=${tampered}`);
      expect([denied.status, denied.headers.get('x-urlseal-error')]).toEqual([403, 'ERR_SIGNATURE_INVALID']);
    } finally {
      await close(server);
    }
  });

  it('rewrite an HLS manifest to carry the sealed token on', async () => {
    const server = make(() => undefined);
    const base = await listen(server);
    try {
      const token = signer.signToken('/v/*', { seal: true });
      const res = await fetch(`${base}/v/index.m3u8?token=${token}`);
      expect(await res.text()).toBe(`#EXTM3U\n#EXTINF:4,\nseg-1.ts?token=${token}\n`);
    } finally {
      await close(server);
    }
  });
});
