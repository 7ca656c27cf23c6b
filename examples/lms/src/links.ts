import { createKeyring, createSigner, type KeyringJson } from '@urlseal/sdk';
import type { Lesson } from './catalogue.js';

/** Everything the lesson page shows about the link it embeds. */
export interface SignedLink {
  readonly url: string;
  readonly scheme: 'jwt' | 'secure-token';
  readonly transport: 'query' | 'path';
  /** The path pattern the link opens (exact path or `prefix/*`). */
  readonly grant: string;
  /** Unix seconds. */
  readonly expires: number;
  /** Decoded JWT header and claims, for the "what's signed here" panel (never used to decide anything). */
  readonly header?: Record<string, unknown>;
  readonly claims?: Record<string, unknown>;
}

export interface LinkSignerOptions {
  /** The origin's signing keyring (JSON). */
  readonly keyring: KeyringJson;
  /** Public base URL of the edge, e.g. http://127.0.0.1:8080. */
  readonly edgeUrl: string;
  /** Link lifetime in seconds (default 300: long enough to start watching, short enough to be useless when shared). */
  readonly ttlSeconds?: number;
  /** Clock in ms (tests inject one). */
  readonly now?: () => number;
}

export type LinkSigner = (lesson: Lesson, sub: string) => Promise<SignedLink>;

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (!segment) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function jwtOf(url: string): string | undefined {
  const parsed = new URL(url);
  const inPath = /^\/_token\/([^/]+)\//.exec(parsed.pathname);
  return inPath?.[1] ?? parsed.searchParams.get('token') ?? undefined;
}

/**
 * Mints the media link for a lesson with @urlseal/sdk. Each lesson kind shows
 * one way to sign; the edge verifies all of them with the same keyring.
 */
export function createLinkSigner(options: LinkSignerOptions): LinkSigner {
  const ttlSeconds = options.ttlSeconds ?? 300;
  const now = options.now ?? Date.now;
  const signer = createSigner({ keyring: createKeyring(options.keyring), ttl: ttlSeconds, currentDate: () => new Date(now()) });
  const base = options.edgeUrl.replace(/\/+$/, '');

  return async (lesson, sub) => {
    const expires = Math.floor(now() / 1000) + ttlSeconds;
    const target = base + lesson.mediaPath;
    switch (lesson.kind) {
      case 'mp4-exact': {
        const url = signer.signUrl(target, { expires, sub, transport: 'query' });
        const jwt = jwtOf(url);
        return { url, scheme: 'jwt', transport: 'query', grant: lesson.mediaPath, expires, header: decodeSegment(jwt?.split('.')[0]), claims: decodeSegment(jwt?.split('.')[1]) };
      }
      case 'hls-prefix': {
        const grant = lesson.grant ?? lesson.mediaPath;
        const url = signer.signUrl(target, { expires, sub, grant, transport: 'path' });
        const jwt = jwtOf(url);
        return { url, scheme: 'jwt', transport: 'path', grant, expires, header: decodeSegment(jwt?.split('.')[0]), claims: decodeSegment(jwt?.split('.')[1]) };
      }
      case 'mp4-secure-token': {
        const url = signer.signUrl(target, { expires, scheme: 'secure-token' });
        return { url, scheme: 'secure-token', transport: 'query', grant: lesson.mediaPath, expires };
      }
    }
  };
}
