import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, type Demo } from '../src/demo.js';
import { generateDemoKeyring } from '../src/keyring.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
// LINK_TTL=10 as the issue asks; the edge's leeway shortened to 2 s (EDGE_LEEWAY) so a
// link is dead 12 s after it was signed and the test need not wait 40 s.
const LINK_TTL = 10;
const EDGE_LEEWAY = 2;

let demo: Demo;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const logs: string[] = [];

interface EdgeLine {
  path: string;
  status: number;
  code: string | null;
}
const edgeLines = (from = 0): EdgeLine[] =>
  logs
    .slice(from)
    .filter((line) => line.startsWith('[edge] '))
    .map((line) => JSON.parse(line.slice(7)) as EdgeLine);

/** Starts playback muted (autoplay policy) and waits until `seconds` have played. */
async function assertPlays(p: Page, seconds = 1): Promise<void> {
  await p.waitForSelector('#player');
  await p.evaluate(async () => {
    const video = document.getElementById('player') as HTMLVideoElement;
    video.muted = true;
    await video.play();
  });
  await p.waitForFunction(
    (past) => {
      const video = document.getElementById('player') as HTMLVideoElement;
      if (video.error) throw new Error(`video error ${video.error.code}: ${video.error.message}`);
      return video.currentTime > past;
    },
    seconds,
    { timeout: 15_000, polling: 100 },
  );
  const error = await p.evaluate(() => (document.getElementById('player') as HTMLVideoElement).error?.code ?? null);
  expect(error).toBeNull();
}

const playerState = (p: Page) =>
  p.evaluate(() => {
    const video = document.getElementById('player') as HTMLVideoElement;
    const lms = (window as unknown as { __lms: { renewals: number; source?: { token: string } } }).__lms;
    return {
      time: video.currentTime,
      duration: video.duration,
      renewals: lms.renewals,
      token: lms.source?.token ?? '',
      status: document.getElementById('player-status')?.textContent ?? '',
      shownLink: document.getElementById('signed-url')?.textContent ?? '',
    };
  });

beforeAll(async () => {
  // Never skipped: a missing browser is a broken test environment (scripts/test-deps.sh installs it).
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (bash scripts/test-deps.sh, or apt-get install chromium) to run the browser test`);
  }
  demo = await startDemo({
    port: 0,
    mediaPort: 0,
    edgePort: 0,
    keyring: generateDemoKeyring(),
    ttlSeconds: LINK_TTL,
    edgeLeeway: EDGE_LEEWAY,
    log: (line) => logs.push(line),
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.urls.app });
  page = await context.newPage();
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

  it('plays the sealed lesson through the edge: five segments, no readable claim, the header in the panel, the edge grants it', async () => {
    const from = logs.length;
    await page.goto(`${demo.urls.app}/courses/1/lessons/6`);
    await assertPlays(page);
    const link = (await page.textContent('#signed-url')) ?? '';
    expect(await page.getAttribute('#player', 'src')).toBe(link);
    const token = new URL(link).searchParams.get('token') ?? '';
    const parts = token.split('.');
    expect(parts).toHaveLength(5);
    const kid = Object.keys(demo.keyring.kids ?? {})[0];
    expect(JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString())).toEqual({ alg: 'dir', enc: 'A256GCM', kid });
    // Every other part is the empty key, the IV, ciphertext or tag: no claim name or value in any of them.
    expect(parts[1]).toBe('');
    for (const part of parts.slice(1)) expect(Buffer.from(part, 'base64url').toString('latin1')).not.toMatch(/"(sub|path|exp|iat)"|course-1/);
    expect(link).not.toContain('eyJwYXRo'); // base64url of '{"path'
    // The panel: what `urlseal inspect` shows (the header only), and the edge's live answer.
    expect(await page.textContent('#sealed-inspect')).toContain(`header:     {"alg":"dir","enc":"A256GCM","kid":"${kid}"}`);
    await page.waitForSelector('#edge-grant[data-status]', { timeout: 10_000 });
    expect(await page.textContent('#edge-grant')).toMatch(/^200: the edge opened the sealed link/);
    const served = edgeLines(from).filter((line) => line.path === '/videos/course-1/intro.mp4');
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((line) => line.status === 200 || line.status === 206)).toBe(true);
    // Try it: a changed ciphertext is refused like a changed signature.
    await page.click('[data-try=tampered]');
    await page.waitForSelector('#try-result[data-status]');
    expect(await page.textContent('#try-result')).toMatch(/^403 ERR_SIGNATURE_INVALID/);
  });

  it('plays the DASH lesson with dash.js past 2 s, init and media segments inheriting the path token', async () => {
    const from = logs.length;
    await page.goto(`${demo.urls.app}/courses/1/lessons/5`);
    await assertPlays(page, 2);
    const dash = edgeLines(from).filter((line) => line.path.startsWith('/videos/course-1/dash/'));
    expect(dash.map((line) => line.path)).toEqual(expect.arrayContaining(['/videos/course-1/dash/manifest.mpd', '/videos/course-1/dash/init-0.m4s', '/videos/course-1/dash/chunk-0-00001.m4s']));
    expect(dash.every((line) => line.status === 200)).toBe(true);
  });

  it(`plays a 60 s lecture through renewals: paused until its ${LINK_TTL} s link is dead, seeks near the end, plays on`, async () => {
    await page.goto(`${demo.urls.app}/courses/1/lessons/4`);
    const firstLink = (await page.getAttribute('#player', 'data-src')) ?? '';
    const signedAt = Date.now();
    await assertPlays(page);
    await page.evaluate(() => (document.getElementById('player') as HTMLVideoElement).pause());
    const before = await playerState(page);
    expect(before.duration).toBeGreaterThanOrEqual(60);

    // Pause until the first link is dead at the edge: TTL plus the verifier's leeway.
    await page.waitForTimeout(Math.max(0, (LINK_TTL + EDGE_LEEWAY + 1) * 1000 - (Date.now() - signedAt)));
    const dead = await fetch(firstLink);
    expect([dead.status, dead.headers.get('x-urlseal-error')]).toEqual([410, 'ERR_TOKEN_EXPIRED']);

    const from = logs.length;
    await page.evaluate(async () => {
      const video = document.getElementById('player') as HTMLVideoElement;
      video.currentTime = video.duration - 8;
      await video.play();
    });
    await page.waitForFunction(
      () => {
        const video = document.getElementById('player') as HTMLVideoElement;
        if (video.error) throw new Error(`video error ${video.error.code}`);
        return video.currentTime > video.duration - 4;
      },
      undefined,
      { timeout: 20_000, polling: 100 },
    );
    const after = await playerState(page);
    expect(after.renewals).toBeGreaterThanOrEqual(1);
    expect(after.token).not.toBe('');
    expect(firstLink).not.toContain(after.token);
    expect(after.shownLink).toContain(after.token); // the panel shows the live link
    expect(after.status).toMatch(/Link renewed/);
    // The renewal went through the app (which re-checked enrolment), and the segments near the end were served.
    expect(logs.slice(from)).toContain('[app] POST /courses/1/lessons/4/link 200');
    const late = edgeLines(from).filter((line) => /\/lecture\/\d+p\/seg1[34]\.ts$/.test(line.path));
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((line) => line.status === 200)).toBe(true);
  });

  it('shows the tampered message for a tampered link and never retries it or asks for a new one', async () => {
    await page.goto(`${demo.urls.app}/courses/1/lessons/2`);
    await assertPlays(page);
    const from = logs.length;
    await page.click('[data-play-tampered]');
    await page.waitForFunction(() => /tampered/.test(document.getElementById('player-status')?.textContent ?? ''), undefined, { timeout: 10_000 });
    await page.waitForTimeout(3000); // room for any retry to show up
    const refused = edgeLines(from).filter((line) => line.code === 'ERR_SIGNATURE_INVALID');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.status).toBe(403);
    expect(logs.slice(from).filter((line) => line.includes('/link'))).toEqual([]);
    const status = await page.textContent('#player-status');
    expect(status).toContain('403 ERR_SIGNATURE_INVALID');
    expect(status).not.toMatch(/expired/);
  });

  it('plays a tampered copy after a renewal: the tampered message, no script error', async () => {
    await page.goto(`${demo.urls.app}/courses/1/lessons/2`);
    await assertPlays(page);
    // A renewal now (as the timer would before expiry): from here on the token source's onToken reports.
    await page.evaluate(() => (window as unknown as { __lms: { source: { renew(): Promise<string> } } }).__lms.source.renew());
    await page.waitForFunction(() => /Link renewed/.test(document.getElementById('player-status')?.textContent ?? ''), undefined, { timeout: 10_000 });
    const errors: string[] = [];
    const onError = (error: Error) => errors.push(error.message);
    page.on('pageerror', onError);
    try {
      await page.click('[data-play-tampered]');
      // A timeout here is reported by the assertions below, with the page's errors.
      await page
        .waitForFunction(() => /403 ERR_SIGNATURE_INVALID/.test(document.getElementById('player-status')?.textContent ?? ''), undefined, { timeout: 10_000 })
        .catch(() => undefined);
    } finally {
      page.off('pageerror', onError);
    }
    expect(errors).toEqual([]);
    const status = await page.textContent('#player-status');
    expect(status).toContain('the link was tampered with');
    expect(status).toContain('403 ERR_SIGNATURE_INVALID');
  });

  it('"try it" shows the edge’s status and code for a tampered, an expired and an other-course link', async () => {
    await page.goto(`${demo.urls.app}/courses/1/lessons/1`);
    const answers: Record<string, string> = {};
    for (const what of ['tampered', 'expired', 'other']) {
      await page.evaluate(() => document.getElementById('try-result')?.removeAttribute('data-status'));
      await page.click(`[data-try=${what}]`);
      await page.waitForSelector('#try-result[data-status]');
      answers[what] = (await page.textContent('#try-result')) ?? '';
    }
    expect(answers.tampered).toMatch(/^403 ERR_SIGNATURE_INVALID: the link was tampered with/);
    expect(answers.expired).toMatch(/^410 ERR_TOKEN_EXPIRED: the link has expired/);
    expect(answers.other).toMatch(/^403 ERR_PATH_MISMATCH: the link is genuine but not allowed/);
  });

  it('copies the signed link shown next to the video', async () => {
    await page.goto(`${demo.urls.app}/courses/1/lessons/2`);
    await page.click('[data-copy=signed-url]');
    await page.waitForFunction(() => document.querySelector('[data-copy]')?.textContent === 'Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await page.textContent('#signed-url'));
    expect(copied).toMatch(/\/_token\/[\w-]+\.[\w-]+\.[\w-]+\/videos\/course-1\/hls\/master\.m3u8$/);
  });
});
