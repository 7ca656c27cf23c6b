import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemo, type Demo } from '../src/demo.js';
import { generateDemoKeyring } from '../src/keyring.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

let demo: Demo;
let browser: Browser;
let page: Page;

/** Starts playback muted (autoplay policy) and waits until more than a second has played. */
async function assertPlays(p: Page): Promise<void> {
  await p.waitForSelector('#player');
  await p.evaluate(async () => {
    const video = document.getElementById('player') as HTMLVideoElement;
    video.muted = true;
    await video.play();
  });
  await p.waitForFunction(
    () => {
      const video = document.getElementById('player') as HTMLVideoElement;
      if (video.error) throw new Error(`video error ${video.error.code}: ${video.error.message}`);
      return video.currentTime > 1;
    },
    undefined,
    { timeout: 15_000, polling: 100 },
  );
  const error = await p.evaluate(() => (document.getElementById('player') as HTMLVideoElement).error?.code ?? null);
  expect(error).toBeNull();
}

beforeAll(async () => {
  // Never skipped: a missing browser is a broken test environment (scripts/test-deps.sh installs it).
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (bash scripts/test-deps.sh, or apt-get install chromium) to run the browser test`);
  }
  demo = await startDemo({ port: 0, mediaPort: 0, edgePort: 0, keyring: generateDemoKeyring() });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(`${demo.urls.app}/login`);
  await page.fill('input[name=email]', 'ada@example.com');
  await page.fill('input[name=password]', 'lovelace');
  await Promise.all([page.waitForURL(`${demo.urls.app}/courses`), page.click('button[type=submit]')]);
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

describe('LMS demo in a real browser (Chromium)', () => {
  it('plays the MP4 lesson through the edge', async () => {
    await page.goto(`${demo.urls.app}/courses/1/lessons/1`);
    await assertPlays(page);
  });

  it('plays the HLS lesson with hls.js, every request signed by the path token', async () => {
    await page.goto(`${demo.urls.app}/courses/1/lessons/2`);
    await assertPlays(page);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}lesson.png`, fullPage: true });
  });

  it('plays the legacy secure_token lesson', async () => {
    await page.goto(`${demo.urls.app}/courses/1/lessons/3`);
    await assertPlays(page);
  });

  it('fails to load the same media URL with one character of the token changed', async () => {
    await page.goto(`${demo.urls.app}/courses/1/lessons/1`);
    const link = await page.getAttribute('#player', 'src');
    expect(link).toMatch(/\?token=/);
    const url = new URL(link ?? '');
    const token = url.searchParams.get('token') ?? '';
    const i = token.length - 20; // inside the signature, away from the final character
    url.searchParams.set('token', token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1));

    const errorCode = await page.evaluate(async (src) => {
      const video = document.getElementById('player') as HTMLVideoElement;
      video.src = src;
      video.load();
      return await new Promise<number | null>((resolve) => {
        video.addEventListener('error', () => resolve(video.error?.code ?? null), { once: true });
        video.addEventListener('canplay', () => resolve(null), { once: true });
      });
    }, url.href);
    expect(errorCode).not.toBeNull();
    expect(await page.textContent('#player-status')).toContain('expired');
    const res = await fetch(url);
    expect(res.status).toBe(403);
  });
});
