// docs/sdk.md's cross-host cookie setup, in Chromium: a page on the app's host sets the cookie
// signCookie makes for the parent domain, and a <video> on the CDN's sibling host sends it to
// an edge (@urlseal/edge/express), which grants it. Without `domain`, the CDN never gets it.
// Hosts are *.site.localhost mapped to 127.0.0.1: Chromium treats localhost as secure, so the
// cookie's `Secure` holds over plain http, as it does on https://app.example.com.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlseal } from '@urlseal/edge/express';
import { createSigner, type CookieOptions } from '@urlseal/sdk';
import { HS_KEYRING } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const signer = createSigner({ keyring: HS_KEYRING, ttl: '5m' });
let browser: Browser;
let server: Server;
let port = 0;
let cookieOptions: CookieOptions = {};
const edgeAnswers: Array<{ path: string; status: number; cookie: boolean }> = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: bash scripts/test-deps.sh installs it`);
  const app = express();
  // The app (app.site.localhost): the page of docs/sdk.md's example.
  app.get('/lessons/1', (_req, res) => {
    const cookie = signer.signCookie('/videos/course-1/*', cookieOptions);
    res.append('Set-Cookie', cookie.serialize());
    res.send(`<video src="http://cdn.site.localhost:${port}/videos/course-1/intro.mp4"></video>`);
  });
  // The CDN (cdn.site.localhost): the edge in front of the media.
  const cdn = express.Router();
  cdn.use((req, res, next) => {
    const cookie = /(?:^|;\s*)urlseal=/.test(req.headers.cookie ?? '');
    res.on('finish', () => edgeAnswers.push({ path: req.path, status: res.statusCode, cookie }));
    next();
  });
  cdn.use(urlseal({ keyring: HS_KEYRING }));
  cdn.get('/videos/course-1/intro.mp4', (_req, res) => void res.type('video/mp4').send(Buffer.alloc(16)));
  const byHost = express();
  byHost.use((req, res, next) => (req.hostname === 'cdn.site.localhost' ? cdn(req, res, next) : app(req, res, next)));
  server = createServer(byHost);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic', '--host-resolver-rules=MAP *.site.localhost 127.0.0.1'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function watch(options: CookieOptions): Promise<{ path: string; status: number; cookie: boolean }> {
  cookieOptions = options;
  edgeAnswers.length = 0;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`http://app.site.localhost:${port}/lessons/1`);
    // The edge's own record of the video request (an event, not a fixed wait).
    await expect.poll(() => edgeAnswers.length, { timeout: 15_000 }).toBeGreaterThan(0);
  } finally {
    await context.close();
  }
  return edgeAnswers[0]!;
}

describe('signCookie across sibling hosts (docs/sdk.md), in Chromium', () => {
  it('domain: the parent domain → the CDN host gets the cookie and the edge grants the video', async () => {
    expect(await watch({ domain: 'site.localhost' })).toEqual({ path: '/videos/course-1/intro.mp4', status: 200, cookie: true });
  });

  it('without domain the cookie stays on the app host: the edge sees no token (401)', async () => {
    expect(await watch({})).toEqual({ path: '/videos/course-1/intro.mp4', status: 401, cookie: false });
  });
});
