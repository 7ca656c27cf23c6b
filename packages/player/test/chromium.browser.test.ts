// Issue 20 in a real browser: Debian Chromium runs hls.js with the built player bundle
// (dist/urlseal-player.min.js, what pages load). The playlist comes from the edge
// (127.0.0.1) and names an AES-128 key server and a segment on another host
// (127.0.0.2: another origin), each with a token slot of its own. Both servers record
// every request: the other host must see its URLs exactly as the playlist wrote them.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwt } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HLS_JS = readFileSync(`${ROOT}node_modules/hls.js/dist/hls.min.js`, 'utf8');
const PLAYER = `${ROOT}packages/player/dist/urlseal-player.min.js`;

// The player never verifies (the edge does): a JWT-shaped token with a grant and a future exp.
const now = Math.floor(Date.now() / 1000);
const CURRENT = jwt({ path: '/v/*', iat: now, exp: now + 3600 }, 'current');
const STALE = 'stale.token.here';

interface Recorder {
  server: Server;
  origin: string;
  seen: string[];
}

async function listen(host: string, answer: (url: string, origin: string) => { type: string; body: string }): Promise<Recorder> {
  const seen: string[] = [];
  const recorder = { seen } as Recorder;
  recorder.server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const { type, body } = answer(req.url ?? '', recorder.origin);
    res.writeHead(200, { 'content-type': type, 'access-control-allow-origin': '*' }).end(body);
  });
  await new Promise<void>((resolve) => recorder.server.listen(0, host, resolve));
  recorder.origin = `http://${host}:${(recorder.server.address() as AddressInfo).port}`;
  return recorder;
}

let edge: Recorder;
let other: Recorder;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash scripts/test-deps.sh (Debian chromium)`);
  if (!existsSync(PLAYER)) throw new Error(`${PLAYER} is missing: run npm run build`);
  other = await listen('127.0.0.2', () => ({ type: 'application/octet-stream', body: '0123456789abcdef' }));
  edge = await listen('127.0.0.1', (url, origin) => {
    if (url === '/page.html') return { type: 'text/html', body: '<!doctype html><video id="v" muted></video>' };
    if (url === '/hls.js') return { type: 'text/javascript', body: HLS_JS };
    if (url === '/player.js') return { type: 'text/javascript', body: readFileSync(PLAYER, 'utf8') };
    if (url.endsWith('/master.m3u8')) {
      return {
        type: 'application/vnd.apple.mpegurl',
        body: [
          '#EXTM3U',
          '#EXT-X-VERSION:3',
          '#EXT-X-TARGETDURATION:4',
          '#EXT-X-MEDIA-SEQUENCE:0',
          `#EXT-X-KEY:METHOD=AES-128,URI="${other.origin}/key/7?token=${STALE}"`,
          '#EXTINF:4.0,',
          `${other.origin}/_token/${STALE}/v/seg0.ts`,
          '#EXTINF:4.0,',
          `${origin}/_token/${STALE}/v/seg1.ts`,
          '#EXT-X-ENDLIST',
          '',
        ].join('\n'),
      };
    }
    return { type: 'video/mp2t', body: 'not a real segment' };
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([edge, other].filter(Boolean).map((r) => new Promise((resolve) => r.server.close(resolve))));
});

describe('@urlseal/player bundle with hls.js in Chromium', () => {
  it('never sends the token to a key server or a segment on another host', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${edge.origin}/page.html`);
      await page.addScriptTag({ url: `${edge.origin}/hls.js` });
      const signed = `${edge.origin}/_token/${CURRENT}/v/master.m3u8`;
      // A string, not a function: vitest would rewrite a function's import() for Node.
      await page.evaluate(`(async () => {
        const { attachHls, createTokenSource } = await import('/player.js');
        const url = ${JSON.stringify(signed)};
        const hls = new Hls({ enableWorker: false });
        attachHls(hls, createTokenSource({ token: url, refresh: async () => url }));
        hls.loadSource(url);
        hls.attachMedia(document.getElementById('v'));
      })()`);
      // The key and the first segment live on the other host: wait until hls.js asked for both.
      await expect.poll(() => other.seen.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      expect(other.seen).toContain(`/key/7?token=${STALE}`);
      expect(other.seen).toContain(`/_token/${STALE}/v/seg0.ts`);
      expect(other.seen.join('\n')).not.toContain(CURRENT);
      expect(edge.seen).toContain(`/_token/${CURRENT}/v/master.m3u8`);
    } finally {
      await page.close();
    }
  });
});
