import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner } from '@urlseal/sdk';
import { startDemo, type Demo } from '../src/demo.js';
import { generateDemoKeyring } from '../src/keyring.js';
import { MEDIA_DIR, tokenCarriers, type SeenRequest } from '../src/media.js';
import { csrfOf, login, mediaLinkOf, unescapeHtml, type Agent } from './helpers.js';

const file = (path: string) => readFileSync(join(MEDIA_DIR, path));

let demo: Demo;
let ada: Agent;
const seen: SeenRequest[] = [];
const logs: string[] = [];
const tokens = new Set<string>();

async function lessonLink(n: number, agent: Agent = ada, course = 1): Promise<string> {
  const page = await agent.get(`/courses/${course}/lessons/${n}`).expect(200);
  const link = mediaLinkOf(page.text);
  if (!link) throw new Error(`lesson ${n} has no media link`);
  const url = new URL(link);
  for (const part of [url.searchParams.get('token'), url.searchParams.get('st'), /^\/_token\/([^/]+)/.exec(url.pathname)?.[1]]) {
    if (part) tokens.add(part);
  }
  return link;
}

/** One character of the JWT's signature changed (mid-segment, so it stays valid base64url). */
function tamper(link: string): string {
  const match = /eyJ[\w-]*\.[\w-]+\.([\w-]+)/.exec(link);
  if (!match?.[1]) throw new Error('no JWT in link');
  const at = match.index + match[0].length - match[1].length + Math.floor(match[1].length / 2);
  return link.slice(0, at) + (link[at] === 'A' ? 'B' : 'A') + link.slice(at + 1);
}

/** Fetches a manifest as the app's page does (cross-origin): 200, readable by the app. */
async function manifestText(link: string): Promise<string> {
  const res = await fetch(link, { headers: { Origin: demo.urls.app } });
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe(demo.urls.app);
  return res.text();
}

/** Each path, resolved against the manifest link (inheriting its path token), is served byte for byte. */
async function servesBelow(link: string, dir: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const res = await fetch(new URL(path, link));
    expect(res.status, path).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(file(`${dir}/${path}`)), path).toBe(true);
  }
}

async function denial(url: string, init?: RequestInit): Promise<{ status: number; code: string | null; body: unknown }> {
  const res = await fetch(url, init);
  return { status: res.status, code: res.headers.get('x-urlseal-error'), body: await res.json() };
}

beforeAll(async () => {
  demo = await startDemo({
    port: 0,
    mediaPort: 0,
    edgePort: 0,
    keyring: generateDemoKeyring(),
    onMediaRequest: (r) => seen.push(r),
    log: (line) => logs.push(line),
  });
  const signedIn = await login(demo.urls.app, 'ada@example.com', 'lovelace');
  expect(signedIn.status).toBe(303);
  ada = signedIn.agent;
});

afterAll(async () => {
  await demo?.close();
});

describe('LMS demo end to end: app → signed link → edge → media origin', () => {
  it('binds every server to 127.0.0.1', () => {
    for (const url of Object.values(demo.urls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('plays lesson 1 (MP4, exact-path query token): 200 with the file bytes, Range gives 206', async () => {
    const link = await lessonLink(1);
    expect(link.startsWith(`${demo.urls.edge}/videos/course-1/intro.mp4?token=`)).toBe(true);
    const whole = await fetch(link);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(file('videos/course-1/intro.mp4'))).toBe(true);

    const part = await fetch(link, { headers: { Range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${file('videos/course-1/intro.mp4').length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(file('videos/course-1/intro.mp4').subarray(0, 100))).toBe(true);
  });

  it('plays lesson 2 (HLS, prefix grant in the path): playlists and segments inherit the token, with CORS for the app', async () => {
    const link = await lessonLink(2);
    expect(link).toMatch(/\/_token\/[\w.-]+\/videos\/course-1\/hls\/master\.m3u8$/);
    expect(await manifestText(link)).toContain('360p/index.m3u8');

    const variant = await fetch(new URL('360p/index.m3u8', link));
    expect(variant.status).toBe(200);
    expect(await variant.text()).toContain('seg0.ts');
    const segment = await fetch(new URL('360p/seg1.ts', link));
    expect(segment.status).toBe(200);
    expect(Buffer.from(await segment.arrayBuffer()).equals(file('videos/course-1/hls/360p/seg1.ts'))).toBe(true);
  });

  it('plays lesson 3 (legacy secure_token ?st=&e=)', async () => {
    const link = await lessonLink(3);
    expect(link).toMatch(/\?st=[\w-]{22}&e=\d{10}$/);
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(file('videos/course-1/intro.mp4'))).toBe(true);
  });

  it('plays lesson 4 (the lecture): both renditions through one path token', async () => {
    const link = await lessonLink(4);
    expect(await manifestText(link)).toContain('240p/index.m3u8');
    await servesBelow(link, 'videos/course-1/lecture', ['144p/index.m3u8', '144p/seg14.ts', '240p/seg0.ts']);
  });

  it('plays lesson 5 (DASH): the MPD and its relative init and media segments inherit the path token', async () => {
    const link = await lessonLink(5);
    expect(link).toMatch(/\/_token\/[\w.-]+\/videos\/course-1\/dash\/manifest\.mpd$/);
    expect(await manifestText(link)).toContain('media="chunk-$RepresentationID$-$Number%05d$.m4s"');
    await servesBelow(link, 'videos/course-1/dash', ['init-0.m4s', 'chunk-0-00010.m4s', 'init-1.m4s', 'chunk-1-00001.m4s']);
    expect(await denial(link.replace('/videos/course-1/dash/manifest.mpd', '/videos/course-1/lecture/master.m3u8'))).toMatchObject({ status: 403, code: 'ERR_PATH_MISMATCH' });
  });

  it('plays lesson 6 (sealed link) through the edge: 200 and Range, a changed ciphertext 403, another file 403', async () => {
    const link = await lessonLink(6);
    expect(new URL(link).searchParams.get('token')?.split('.')).toHaveLength(5);
    const whole = await fetch(link);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(file('videos/course-1/intro.mp4'))).toBe(true);
    expect((await fetch(link, { headers: { Range: 'bytes=0-99' } })).status).toBe(206);
    const url = new URL(link);
    const [h, key, iv, c, t] = (url.searchParams.get('token') ?? '').split('.') as [string, string, string, string, string];
    const at = Math.floor(c.length / 2);
    url.searchParams.set('token', [h, key, iv, c.slice(0, at) + (c[at] === 'A' ? 'B' : 'A') + c.slice(at + 1), t].join('.'));
    expect(await denial(url.href)).toMatchObject({ status: 403, code: 'ERR_SIGNATURE_INVALID' });
    const other = new URL(link);
    other.pathname = '/videos/course-2/welcome.mp4';
    expect(await denial(other.href)).toMatchObject({ status: 403, code: 'ERR_PATH_MISMATCH' });
  });

  it('lets the app read the edge’s denials (status and code) cross-origin, so its player can tell expired from tampered', async () => {
    const res = await fetch(tamper(await lessonLink(2)), { headers: { Origin: demo.urls.app } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe(demo.urls.app);
    expect(res.headers.get('access-control-expose-headers')).toBe('x-urlseal-error');
    expect(res.headers.get('x-urlseal-error')).toBe('ERR_SIGNATURE_INVALID');
  });

  it('the try-it expired link is refused with 410 by the edge', async () => {
    const page = await ada.get('/courses/1/lessons/2').expect(200);
    const expired = unescapeHtml(/data-try="expired" data-url="([^"]+)"/.exec(page.text)?.[1] ?? '');
    expect(await denial(expired)).toMatchObject({ status: 410, code: 'ERR_TOKEN_EXPIRED' });
  });

  it('a renewed link (POST …/link) plays through the edge', async () => {
    const renewed = await ada.post('/courses/1/lessons/4/link').expect(200);
    const res = await fetch(new URL('240p/seg3.ts', (renewed.body as { url: string }).url));
    expect(res.status).toBe(200);
    tokens.add((renewed.body as { token: string }).token);
  });

  it('lets alan watch course 2, and nothing of course 1', async () => {
    const { agent } = await login(demo.urls.app, 'alan@example.com', 'turing');
    const link = await lessonLink(1, agent, 2);
    expect((await fetch(link)).status).toBe(200);
    await agent.get('/courses/1/lessons/1').expect(403);
    await agent.post('/courses/1/lessons/4/link').expect(403);
  });

  it('answers 401 without a token, with a JSON denial', async () => {
    const res = await denial(`${demo.urls.edge}/videos/course-1/intro.mp4`);
    expect(res).toEqual({ status: 401, code: 'ERR_TOKEN_MISSING', body: { error: 'ERR_TOKEN_MISSING' } });
  });

  it('answers 403 for a link with one character of the token changed', async () => {
    expect(await denial(tamper(await lessonLink(1)))).toMatchObject({ status: 403, code: 'ERR_SIGNATURE_INVALID' });
    expect(await denial(tamper(await lessonLink(2)))).toMatchObject({ status: 403, code: 'ERR_SIGNATURE_INVALID' });
    const legacy = new URL(await lessonLink(3));
    const st = legacy.searchParams.get('st') ?? '';
    legacy.searchParams.set('st', (st[0] === 'A' ? 'B' : 'A') + st.slice(1));
    expect(await denial(legacy.href)).toMatchObject({ status: 403, code: 'ERR_SIGNATURE_INVALID' });
  });

  it('answers 410 for an expired link (signed with a past expiry)', async () => {
    const signer = createSigner({ keyring: demo.keyring });
    const past = Math.floor(Date.now() / 1000) - 600;
    const jwt = await signer.signUrl(`${demo.urls.edge}/videos/course-1/intro.mp4`, { expires: past });
    expect(await denial(jwt)).toMatchObject({ status: 410, code: 'ERR_TOKEN_EXPIRED' });
    const legacy = await signer.signUrl(`${demo.urls.edge}/videos/course-1/intro.mp4`, { expires: past, scheme: 'secure-token' });
    expect(await denial(legacy)).toMatchObject({ status: 410, code: 'ERR_TOKEN_EXPIRED' });
  });

  it('signs links that live ttlSeconds (LINK_TTL) and are dead at the edge after ttl + leeway', async () => {
    let now = Date.now();
    const short = await startDemo({ port: 0, mediaPort: 0, edgePort: 0, keyring: demo.keyring, ttlSeconds: 10, edgeLeeway: 2, now: () => now });
    try {
      const { agent } = await login(short.urls.app, 'ada@example.com', 'lovelace');
      const link = mediaLinkOf((await agent.get('/courses/1/lessons/1').expect(200)).text) ?? '';
      const claims = JSON.parse(Buffer.from(new URL(link).searchParams.get('token')?.split('.')[1] ?? '', 'base64url').toString()) as { exp: number; iat: number };
      expect(claims.exp - claims.iat).toBe(10);
      now += 11_000; // past exp, inside the leeway
      expect((await fetch(link)).status).toBe(200);
      now += 1_000; // exp + 2 s: dead
      expect(await denial(link)).toMatchObject({ status: 410, code: 'ERR_TOKEN_EXPIRED' });
    } finally {
      await short.close();
    }
  });

  it('answers 410 for a link the app signed more than its ttl ago (injected clock)', async () => {
    const past = await startDemo({ port: 0, mediaPort: 0, edgePort: 0, keyring: demo.keyring, now: () => Date.now() - 10 * 60_000 });
    try {
      const { agent } = await login(past.urls.app, 'ada@example.com', 'lovelace');
      const page = await agent.get('/courses/1/lessons/1').expect(200);
      const link = mediaLinkOf(page.text) ?? '';
      // Same keyring: the live edge checks the old link against the real clock.
      expect(await denial(link.replace(past.urls.edge, demo.urls.edge))).toMatchObject({ status: 410, code: 'ERR_TOKEN_EXPIRED' });
    } finally {
      await past.close();
    }
  });

  it('does not open a course-2 file with a course-1 link (403)', async () => {
    const exact = new URL(await lessonLink(1));
    exact.pathname = '/videos/course-2/welcome.mp4';
    expect(await denial(exact.href)).toMatchObject({ status: 403, code: 'ERR_PATH_MISMATCH' });

    const prefix = (await lessonLink(2)).replace('/videos/course-1/hls/master.m3u8', '/videos/course-2/welcome.mp4');
    expect(await denial(prefix)).toMatchObject({ status: 403, code: 'ERR_PATH_MISMATCH' });

    const sibling = (await lessonLink(2)).replace('/videos/course-1/hls/master.m3u8', '/videos/course-1/intro.mp4');
    expect(await denial(sibling)).toMatchObject({ status: 403, code: 'ERR_PATH_MISMATCH' });

    const legacy = new URL(await lessonLink(3));
    legacy.pathname = '/videos/course-2/welcome.mp4';
    expect(await denial(legacy.href)).toMatchObject({ status: 403 });
  });

  it('"Sign out everywhere": the edge refuses Ada’s links within the documented delay (403 ERR_TOKEN_REVOKED); a new login plays; Alan is untouched', async () => {
    const own = await startDemo({ port: 0, mediaPort: 0, edgePort: 0, keyring: demo.keyring, log: (line) => logs.push(line) });
    try {
      const phone = await login(own.urls.app, 'ada@example.com', 'lovelace');
      const laptop = await login(own.urls.app, 'ada@example.com', 'lovelace');
      const alan = await login(own.urls.app, 'alan@example.com', 'turing');
      const phoneLink = mediaLinkOf((await phone.agent.get('/courses/1/lessons/4').expect(200)).text) ?? '';
      const laptopPage = await laptop.agent.get('/courses/1/lessons/1').expect(200);
      const laptopLink = mediaLinkOf(laptopPage.text) ?? '';
      const alanLink = mediaLinkOf((await alan.agent.get('/courses/2/lessons/1').expect(200)).text) ?? '';
      const segment = new URL('240p/seg3.ts', phoneLink).href;
      for (const link of [segment, laptopLink, alanLink]) expect((await fetch(link)).status).toBe(200); // cached at the edge: no entry

      await laptop.agent.post('/logout/everywhere').type('form').send({ csrf: csrfOf(laptopPage.text) }).expect(303);
      const revokedAt = Date.now();
      const deadline = revokedAt + own.revocations.delaySeconds * 1000;
      // Each (sub, sid) answer is cached on its own from its own lookup: each link is polled until the deadline.
      const ask = async (link: string) => {
        const res = await fetch(link);
        const code = res.headers.get('x-urlseal-error');
        await res.body?.cancel();
        return { status: res.status, code };
      };
      for (const link of [segment, laptopLink]) {
        let answer = await ask(link);
        while (answer.status === 200 && Date.now() < deadline) {
          await new Promise((done) => setTimeout(done, 100)); // polling the edge, with a deadline
          answer = await ask(link);
        }
        expect(answer).toEqual({ status: 403, code: 'ERR_TOKEN_REVOKED' });
      }
      expect(await denial(segment)).toMatchObject({ body: { error: 'ERR_TOKEN_REVOKED' } });
      expect((await fetch(alanLink)).status).toBe(200);
      // The renewal endpoint no longer knows either session, and a new login gets links that play.
      await phone.agent.post('/courses/1/lessons/4/link').expect(403);
      const again = await login(own.urls.app, 'ada@example.com', 'lovelace');
      const fresh = mediaLinkOf((await again.agent.get('/courses/1/lessons/4').expect(200)).text) ?? '';
      expect((await fetch(new URL('240p/seg3.ts', fresh))).status).toBe(200);
      expect(logs.some((line) => line.includes('"code":"ERR_TOKEN_REVOKED"'))).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('keeps tokens away from the media origin and out of every log line', () => {
    expect(seen.length).toBeGreaterThan(5);
    expect(tokens.size).toBeGreaterThanOrEqual(3); // same second, same claims: Ed25519 tokens repeat
    for (const request of seen) {
      expect(tokenCarriers(request.url, request.headers)).toEqual([]);
      const everything = request.url + JSON.stringify(request.headers);
      for (const token of tokens) expect(everything).not.toContain(token);
    }
    expect(logs.some((line) => line.startsWith('[media] GET /videos/course-1/intro.mp4 200'))).toBe(true);
    expect(logs.some((line) => line.includes('ERROR'))).toBe(false);
    for (const line of logs) for (const token of tokens) expect(line).not.toContain(token);
  });
});
