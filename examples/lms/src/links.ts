import { createKeyring, createSigner, type KeyringJson, type RenewalGrant, type Signer, type UrlsealClaims } from '@urlseal/sdk';
import { PLAYER_OF, type Lesson, type LessonPlayer } from './catalogue.js';

/** Everything the lesson page shows about the link it embeds. */
export interface SignedLink {
  readonly url: string;
  readonly scheme: 'jwt' | 'secure-token';
  readonly transport: 'query' | 'path';
  readonly player: LessonPlayer;
  /** The path pattern the link opens (exact path or `prefix/*`). */
  readonly grant: string;
  /** Unix seconds. */
  readonly expires: number;
  /** The JWT header (decoded) and claims (as signed), for the "what's signed here" panel (never used to decide anything). */
  readonly header?: Record<string, unknown>;
  readonly claims?: UrlsealClaims;
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

export interface LinkSigner {
  /** The SDK signer, for the renewal endpoint. */
  readonly signer: Signer;
  /** What to sign for a lesson and a viewer: the same URL and grant for the first link and every renewal. */
  grantFor(lesson: Lesson, sub: string): RenewalGrant;
  /** Signs a lesson's media link for a viewer. */
  sign(lesson: Lesson, sub: string): SignedLink;
  /** The same link, signed with an expiry an hour ago: the "try an expired link" button (410). */
  expired(lesson: Lesson, sub: string): string;
}

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (!segment) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Mints the media links of lessons with @urlseal/sdk. Each lesson kind shows
 * one way to sign; the edge verifies all of them with the same keyring.
 */
export function createLinkSigner(options: LinkSignerOptions): LinkSigner {
  const ttlSeconds = options.ttlSeconds ?? 300;
  const now = options.now ?? Date.now;
  const signer = createSigner({ keyring: createKeyring(options.keyring), ttl: ttlSeconds, currentDate: () => new Date(now()) });
  const base = options.edgeUrl.replace(/\/+$/, '');

  const grantFor = (lesson: Lesson, sub: string): RenewalGrant => {
    const url = base + lesson.mediaPath;
    switch (lesson.kind) {
      case 'mp4-exact':
        return { url, options: { sub, transport: 'query' } };
      case 'hls-prefix':
      case 'dash-prefix':
        return { url, options: { sub, grant: lesson.grant ?? lesson.mediaPath, transport: 'path' } };
      case 'mp4-secure-token':
        return { url, options: { scheme: 'secure-token' } };
    }
  };

  return {
    signer,
    grantFor,
    sign(lesson, sub) {
      const { url: target, options: signOptions } = grantFor(lesson, sub);
      const signed = signer.sign(target, signOptions);
      const { url, expires } = signed;
      const player = PLAYER_OF[lesson.kind];
      const grant = lesson.grant ?? lesson.mediaPath;
      if (signed.scheme === 'secure-token') return { url, scheme: 'secure-token', transport: 'query', player, grant, expires };
      const transport = signOptions?.transport ?? 'query';
      return { url, scheme: 'jwt', transport, player, grant, expires, header: decodeSegment(signed.token.split('.')[0]), claims: signed.claims };
    },
    expired(lesson, sub) {
      const { url, options: signOptions } = grantFor(lesson, sub);
      return signer.signUrl(url, { ...signOptions, expires: Math.floor(now() / 1000) - 3600 });
    },
  };
}
