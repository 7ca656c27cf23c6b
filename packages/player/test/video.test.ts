// attachVideo with an HTMLMediaElement's shape (an EventTarget with src, currentSrc,
// currentTime, paused, play()) in Node; the HEAD it sends goes to a stand-in edge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSource } from '../src/source.js';
import { attachVideo } from '../src/adapters/video.js';
import { clock, refresher, settle, startEdgeStub, T0, tamperedCase, tokenAt, type EdgeStub } from './helpers.js';

class FakeVideo extends EventTarget {
  src = '';
  currentTime = 0;
  paused = false;
  played = 0;
  get currentSrc(): string {
    return this.src;
  }
  play(): Promise<void> {
    this.played += 1;
    this.paused = false;
    return Promise.resolve();
  }
}

let edge: EdgeStub;
beforeAll(async () => {
  edge = await startEdgeStub();
});
afterAll(async () => {
  await edge.close();
});

/** Fires `error` and waits until the adapter has asked the edge and acted. */
async function fail(video: FakeVideo): Promise<void> {
  video.dispatchEvent(new Event('error'));
  for (let i = 0; i < 50; i += 1) await settle();
}

describe('attachVideo (plain <video>: MP4, native HLS)', () => {
  it('on a 410: renews, sets the new link and resumes at the same time', async () => {
    const expired = tokenAt(T0, 300, 1);
    const renewed = tokenAt(T0 + 400, 300, 2);
    edge.answer(expired, 410, 'ERR_TOKEN_EXPIRED');
    const time = clock();
    const r = refresher(`${edge.url}/videos/a/a.mp4?token=${renewed}`);
    const video = new FakeVideo();
    video.src = `${edge.url}/videos/a/a.mp4?token=${expired}`;
    attachVideo(video as unknown as HTMLVideoElement, createTokenSource({ token: video.src, refresh: r.refresh, now: time.now }));
    video.currentTime = 42.5;
    time.advance(400_000);
    await fail(video);
    expect(video.src).toBe(`${edge.url}/videos/a/a.mp4?token=${renewed}`);
    video.dispatchEvent(new Event('loadedmetadata'));
    expect(video.currentTime).toBe(42.5);
    expect(video.played).toBe(1);
    expect(r.calls()).toBe(1);
  });

  it('on a 403: keeps the link, reports the code, asks the edge once and never renews', async () => {
    const { token: tampered, denied, calls, options } = tamperedCase(edge, 3);
    const video = new FakeVideo();
    video.src = `${edge.url}/videos/a/a.mp4?token=${tampered}`;
    attachVideo(video as unknown as HTMLVideoElement, createTokenSource({ ...options, token: video.src }));
    const before = edge.seen.length;
    await fail(video);
    expect(video.src).toBe(`${edge.url}/videos/a/a.mp4?token=${tampered}`);
    expect(edge.seen.length - before).toBe(1);
    expect(denied).toEqual([[403, 'ERR_SIGNATURE_INVALID']]);
    expect(calls()).toBe(0);
  });

  it('an error the edge does not explain (200: a decode error) changes nothing', async () => {
    const good = tokenAt(T0, 300, 5);
    const r = refresher(tokenAt(T0, 300, 6));
    const video = new FakeVideo();
    video.src = `${edge.url}/videos/a/a.mp4?token=${good}`;
    const detach = attachVideo(video as unknown as HTMLVideoElement, createTokenSource({ token: video.src, refresh: r.refresh }));
    await fail(video);
    expect(video.src).toBe(`${edge.url}/videos/a/a.mp4?token=${good}`);
    expect(r.calls()).toBe(0);
    detach();
  });
});
