import { createKeyring, createSigner, ttlFor, type KeyringJson, type RenewalGrant, type Signer, type UrlsealClaims } from '@urlseal/sdk';
import { PLAYER_OF, type Lesson, type LessonPlayer } from './catalogue.js';
import { sealingKid } from './keyring.js';

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
  /** A sealed token (JWE): the link shows only `header`; `claims` are what the app sealed and the edge opens. */
  readonly sealed?: boolean;
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
  /**
   * The signer of sealed links: the keyring's HS256 kid made active (only an HS256 kid seals);
   * `undefined` when the keyring has none (then the sealed lesson cannot be shown).
   */
  readonly sealedSigner: Signer | undefined;
  /** The signer a lesson's links are made with. Throws for the sealed lesson without an HS256 kid. */
  signerFor(lesson: Lesson): Signer;
  /**
   * What to sign for a lesson and a viewer (`sub`) in a login session (`sid`, revocable at the
   * edge): the same URL and grant for the first link and every renewal.
   */
  grantFor(lesson: Lesson, sub: string, sid?: string): RenewalGrant;
  /** Signs a lesson's media link for a viewer. */
  sign(lesson: Lesson, sub: string, sid?: string): SignedLink;
  /** The same link, signed with an expiry an hour ago: the "try an expired link" button (410). */
  expired(lesson: Lesson, sub: string, sid?: string): string;
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
  const currentDate = () => new Date(now());
  const signer = createSigner({ keyring: createKeyring(options.keyring), ttl: ttlSeconds, currentDate });
  const sealKid = sealingKid(options.keyring);
  const sealedSigner = sealKid === undefined ? undefined : createSigner({ keyring: createKeyring({ ...options.keyring, active: sealKid }), ttl: ttlSeconds, seal: true, currentDate });
  const base = options.edgeUrl.replace(/\/+$/, '');
  const signerFor = (lesson: Lesson): Signer => {
    if (lesson.kind !== 'mp4-sealed') return signer;
    if (!sealedSigner) throw new Error('the sealed lesson needs an HS256 kid in the keyring');
    return sealedSigner;
  };

  const grantFor = (lesson: Lesson, sub: string, sid?: string): RenewalGrant => {
    const url = base + lesson.mediaPath;
    // The legacy scheme carries neither sub nor sid (it is never revoked this way).
    const who = sid === undefined ? { sub } : { sub, sid };
    switch (lesson.kind) {
      case 'mp4-exact':
        return { url, options: { ...who, transport: 'query' } };
      case 'hls-prefix':
      case 'dash-prefix':
        return { url, options: { ...who, grant: lesson.grant ?? lesson.mediaPath, transport: 'path' } };
      case 'mp4-secure-token':
        return { url, options: { scheme: 'secure-token' } };
      case 'mp4-sealed':
        // The page's player reads a link's expiry from its claims, which a sealed link hides, so it
        // cannot renew one: the link covers the whole video plus LINK_TTL (ttlFor).
        return { url, options: { ...who, transport: 'query', seal: true, ttl: ttlFor(lesson.durationSeconds ?? 0, { extra: ttlSeconds }) } };
    }
  };

  return {
    signer,
    sealedSigner,
    signerFor,
    grantFor,
    sign(lesson, sub, sid) {
      const { url: target, options: signOptions } = grantFor(lesson, sub, sid);
      const signed = signerFor(lesson).sign(target, signOptions);
      const { url, expires } = signed;
      const player = PLAYER_OF[lesson.kind];
      const grant = lesson.grant ?? lesson.mediaPath;
      if (signed.scheme === 'secure-token') return { url, scheme: 'secure-token', transport: 'query', player, grant, expires };
      const transport = signOptions?.transport ?? 'query';
      const sealed = signOptions?.seal === true;
      return { url, scheme: 'jwt', transport, player, grant, expires, header: decodeSegment(signed.token.split('.')[0]), claims: signed.claims, sealed };
    },
    expired(lesson, sub, sid) {
      const { url, options: signOptions } = grantFor(lesson, sub, sid);
      const { ttl: _ttl, ...rest } = signOptions ?? {};
      return signerFor(lesson).signUrl(url, { ...rest, expires: Math.floor(now() / 1000) - 3600 });
    },
  };
}
