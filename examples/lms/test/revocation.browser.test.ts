// Issue 18, the LMS demo: "Sign out everywhere" (from another device) and an admin's "revoke
// access" stop a lecture that is playing, at its next segment, with a clear message, within the
// documented delay; a new login watches again.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { listRevocations } from '@urlseal/sdk';
import { startDemo, type Demo } from '../src/demo.js';
import { generateDemoKeyring } from '../src/keyring.js';

const CHROMIUM = '/usr/bin/chromium';
/** The lecture's segment length: with a full buffer, hls.js asks the edge again within one segment. */
const SEGMENT_SECONDS = 4;

let demo: Demo;
let browser: Browser;
const logs: string[] = [];

async function signIn(page: Page, email: string, password: string, next = '/courses'): Promise<void> {
  await page.goto(`${demo.urls.app}/login?next=${encodeURIComponent(next)}`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${demo.urls.app}${next}`), page.click('button[type=submit]')]);
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

/** Plays the lecture (lesson 4) muted until `seconds` have played. */
async function playLecture(page: Page, seconds = 2): Promise<void> {
  if (!page.url().endsWith('/courses/1/lessons/4')) await page.goto(`${demo.urls.app}/courses/1/lessons/4`);
  await page.evaluate(async () => {
    const video = document.getElementById('player') as HTMLVideoElement;
    video.muted = true;
    await video.play();
  });
  await page.waitForFunction((past) => (document.getElementById('player') as HTMLVideoElement).currentTime > past, seconds, { timeout: 15_000, polling: 100 });
}

/** Waits (until `deadline`, ms since the epoch) for the player to stop with the revoked message; returns the ms it took from `since`. */
async function stopsRevoked(page: Page, since: number, deadline: number): Promise<number> {
  await page.waitForFunction(
    () => (window as unknown as { __lms: { revoked: boolean } }).__lms.revoked && /ERR_TOKEN_REVOKED/.test(document.getElementById('player-status')?.textContent ?? ''),
    undefined,
    { timeout: Math.max(1, deadline - Date.now()), polling: 50 },
  );
  const took = Date.now() - since;
  const state = await page.evaluate(() => ({
    paused: (document.getElementById('player') as HTMLVideoElement).paused,
    status: document.getElementById('player-status')?.textContent ?? '',
  }));
  expect(state.paused).toBe(true);
  expect(state.status).toBe(
    'Stopped: your access was revoked (signed out everywhere, or by an administrator) (403 ERR_TOKEN_REVOKED). Sign in again to keep watching.',
  );
  return took;
}

const tokenIat = async (page: Page): Promise<number> => {
  const link = (await page.getAttribute('#player', 'data-src')) ?? '';
  const token = /\/_token\/([^/]+)\//.exec(link)?.[1] ?? '';
  return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { iat: number }).iat;
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (bash scripts/test-deps.sh, or apt-get install chromium) to run the browser test`);
  }
  // Default LINK_TTL (300 s): no renewal falls inside the test, so what stops the video is the edge.
  demo = await startDemo({ port: 0, mediaPort: 0, edgePort: 0, keyring: generateDemoKeyring(), log: (line) => logs.push(line) });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

describe('LMS demo: revocation in a real browser (Chromium)', () => {
  // The bound: the edge refuses within demo.revocations.delaySeconds (cache TTL + file watch),
  // and the playing lecture asks the edge again within one segment.
  const bound = () => (demo.revocations.delaySeconds + SEGMENT_SECONDS) * 1000;
  let laptop: Page;

  it('"Sign out everywhere" on another device stops the playing lecture at its next segment, with the message, within the delay', async () => {
    laptop = await newPage();
    await signIn(laptop, 'ada@example.com', 'lovelace', '/courses/1/lessons/4');
    await playLecture(laptop);

    const phone = await newPage();
    await signIn(phone, 'ada@example.com', 'lovelace');
    const from = logs.length;
    await Promise.all([phone.waitForURL(`${demo.urls.app}/login?signed-out=everywhere`), phone.click('[data-sign-out-everywhere]')]);
    const revokedAt = Date.now();
    expect(await phone.textContent('#notice')).toContain(`within ${demo.revocations.delaySeconds} s`);

    const took = await stopsRevoked(laptop, revokedAt, revokedAt + bound());
    const refused = logs.slice(from).filter((line) => line.includes('"code":"ERR_TOKEN_REVOKED"'));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((line) => line.includes('/videos/course-1/lecture/') && line.includes('"status":403'))).toBe(true);
    console.log(`sign out everywhere: the lecture stopped ${took} ms after the revocation (bound ${bound()} ms)`);
  });

  it('a new login after the revocation watches again: its links are signed at or after notBefore', async () => {
    const { sub } = await listRevocations(demo.revocations.file);
    const notBefore = sub.u1 ?? Number.NaN;
    // The laptop's session ended with the others: the lesson page asks for a login.
    await laptop.goto(`${demo.urls.app}/courses/1/lessons/4`);
    expect(laptop.url()).toContain('/login?next=');
    await signIn(laptop, 'ada@example.com', 'lovelace', '/courses/1/lessons/4');
    expect(await tokenIat(laptop)).toBeGreaterThanOrEqual(notBefore);
    await playLecture(laptop, 3);
    expect(await laptop.evaluate(() => (window as unknown as { __lms: { revoked: boolean } }).__lms.revoked)).toBe(false);
  });

  it('an admin revoking Ada’s access stops her playing lecture the same way', async () => {
    await playLecture(laptop, 4);
    const admin = await newPage();
    await signIn(admin, 'grace@example.com', 'hopper', '/admin');
    await Promise.all([admin.waitForResponse((res) => res.url().endsWith('/admin/revoke') && res.status() === 200), admin.click('[data-revoke="ada@example.com"]')]);
    const revokedAt = Date.now();
    expect(await admin.textContent('#notice')).toContain("Revoked Ada Lovelace's access: 1 session ended.");
    const took = await stopsRevoked(laptop, revokedAt, revokedAt + bound());
    console.log(`admin revoke: the lecture stopped ${took} ms after the revocation (bound ${bound()} ms)`);
  });
});
