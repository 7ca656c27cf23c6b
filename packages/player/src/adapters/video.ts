import type { TokenSource } from '../source.js';
import { codeOf } from './denial.js';

/**
 * Keeps a plain `<video>` (an MP4, or Safari's native HLS) playing past its
 * link's expiry. The browser fetches media itself, so nothing can be added to
 * its requests: on an `error` the adapter asks the edge how it answers the
 * current link (one `HEAD`), and on a 410 (or an unreadable answer once the
 * token is past its expiry) renews, sets the new link and resumes at the same
 * time. A 401 or 403 goes to `onDenied` and is never retried. Returns a
 * function that removes the listener.
 *
 * @example
 * ```ts
 * import { attachVideo, createTokenSource, renewFrom } from '@urlseal/player';
 * const video = document.querySelector('video')!;
 * const source = createTokenSource({ token: video.src, refresh: renewFrom('/lessons/7/link') });
 * attachVideo(video, source);
 * ```
 */
export function attachVideo(video: HTMLVideoElement, source: TokenSource): () => void {
  let busy = false;
  const onError = async (): Promise<void> => {
    const src = video.currentSrc || video.src;
    if (busy || !src) return;
    busy = true;
    const at = video.currentTime;
    const playing = !video.paused;
    // Unreadable (a denial without CORS headers, or offline) is status 0.
    const answer = await fetch(src, { method: 'HEAD', cache: 'no-store' }).catch(() => undefined);
    try {
      if (!source.report(answer?.status ?? 0, codeOf(answer), src)) return;
      await source.fresh();
      video.addEventListener(
        'loadedmetadata',
        () => {
          video.currentTime = at;
          if (playing) video.play().catch(() => {});
        },
        { once: true },
      );
      video.src = source.apply(src);
    } catch {
      // The renewal failed: onError of the source has been told.
    } finally {
      busy = false;
    }
  };
  video.addEventListener('error', onError);
  return () => video.removeEventListener('error', onError);
}
