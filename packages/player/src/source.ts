import { createCarrier, JWT_SHAPE, readClaims, type CarrierNames } from './carrier.js';

/**
 * Options of {@link createTokenSource}.
 *
 * @example
 * ```ts
 * import { renewFrom, type TokenSourceOptions } from '@urlseal/player';
 * const options: TokenSourceOptions = { token: 'https://cdn.example/_token/eyJ…/videos/a/master.m3u8', refresh: renewFrom('/lessons/7/link') };
 * ```
 */
export interface TokenSourceOptions extends CarrierNames {
  /**
   * Asks the app for a new link (its renewal endpoint re-checks that the
   * viewer may still watch). Resolves to a JWT or a URL carrying one.
   * A rejection whose `status` is 401 or 403 closes the source for good.
   */
  refresh: () => Promise<string>;
  /** The first token: a JWT or the signed URL the page was given. Without it, the first request refreshes. */
  token?: string;
  /**
   * The edge's origin, `scheme://host[:port]`. The token is written only into
   * URLs on this origin whose path is inside the token's grant: a segment on
   * another host, an AES key server or a beacon never receives it. Default: the
   * origin of the signed URL given as `token` or returned by `refresh` (so with
   * bare JWTs, set it).
   */
  origin?: string;
  /** Seconds before expiry to renew (at most half the lifetime). Default: a quarter of the lifetime, at most 30. */
  margin?: number;
  /** After each new token (for example to show the new link); `expiresAt` is on the page's clock, in ms. */
  onToken?: (token: string, expiresAt: number) => void;
  /**
   * A final answer from the edge: 401 or 403 (tampered, malformed, not allowed),
   * or 410 for a token that was fresh (clocks disagree). `code` is the edge's
   * `x-urlseal-error` when the player could read it.
   */
  onDenied?: (status: number, code: string | null) => void;
  /** A refresh failed (the app's endpoint refused or could not be reached). */
  onError?: (error: unknown) => void;
  /** The clock in ms (tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * A renewable token shared by the adapters of one player.
 *
 * @example
 * ```ts
 * import { createTokenSource, renewFrom, type TokenSource } from '@urlseal/player';
 * const source: TokenSource = createTokenSource({ refresh: renewFrom('/lessons/7/link') });
 * const url = source.apply('https://cdn.example/_token/old/videos/a/seg1.ts');
 * ```
 */
export interface TokenSource {
  /** The current token (`''` before the first). */
  readonly token: string;
  /** The current token, renewed first when less than the margin is left. */
  fresh(): Promise<string>;
  /** Renews now; joins a renewal already in flight (there is never more than one). */
  renew(): Promise<string>;
  /**
   * `url` with the current token in place of the one it carries, when `url`
   * (absolute, or relative to the page) is on the edge's origin and inside the
   * token's grant; any other URL is returned unchanged.
   */
  apply(url: string): string;
  /**
   * Tells the source how the edge answered a request. Returns true when the
   * request should be retried: a 410 (or an unreadable status once the token is
   * past its expiry) starts a renewal that `fresh()` waits for. 401 and 403 are
   * never retried and never renewed: a tampered or forbidden link must not loop.
   * `url` is the URL the request was sent to, when known: a 410 for an older
   * token than the current one only needs a retry.
   */
  report(status: number, code?: string | null | undefined, url?: string): boolean;
  /** Renews on a timer before each expiry, for players whose request hook is synchronous. Returns stop. */
  keepFresh(): () => void;
}

/** How long to wait before a timed renewal tries again after a failed one. */
const RETRY_MS = 5000;
/** A 410 this soon after a new token arrived, for a request whose token is unknown, was sent before it. */
const IN_FLIGHT_MS = 2000;

const isTime = (value: unknown): value is number => Number.isSafeInteger(value);

/** A URL as the browser resolves it: absolute, or relative to the page. Throws when it cannot. */
const resolve = (url: string): URL => new URL(url, globalThis.location?.href);


/**
 * Creates a token source: it renews from the token's own `exp` (measured from
 * when the token arrived, so a page clock that is off does not matter), after a
 * 410, and never after a 401 or 403. It never logs and never puts a token in an
 * error message.
 *
 * @example
 * ```ts
 * import { attachHls, createTokenSource, renewFrom } from '@urlseal/player';
 * declare const hls: import('@urlseal/player').HlsLike;
 * const source = createTokenSource({ token: signedUrl, refresh: renewFrom('/lessons/7/link') });
 * attachHls(hls, source);
 * declare const signedUrl: string;
 * ```
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  if (typeof options?.refresh !== 'function') throw new TypeError('createTokenSource needs a refresh function');
  const { margin, onToken, onDenied, onError } = options;
  if (margin !== undefined && !(margin >= 0)) throw new TypeError('margin must be 0 or more seconds');
  const carrier = createCarrier(options);
  const now = options.now ?? Date.now;
  const fixedOrigin = options.origin;
  if (fixedOrigin !== undefined && !(/^[a-z]+:\/\//.test(fixedOrigin) && resolve(fixedOrigin).origin === fixedOrigin)) throw new TypeError('origin must be scheme://host[:port]');
  let origin = fixedOrigin ?? '';
  // The grant's patterns (SPEC §2): the paths the token may be sent to. A pattern that is
  // not a string makes `mayCarry` throw, so false.
  let grants: string[] = [];
  let token = '';
  let receivedAt = 0;
  let lifetime = 0;
  let inflight: Promise<string> | undefined;
  // The refusal (401/403) that closed the source, if any: an object, so truthy.
  let closed: unknown;

  // Never more than half the lifetime, so a renewed token is never due for renewal at once.
  const marginMs = () => Math.min(margin === undefined ? Math.min(30_000, lifetime / 4) : margin * 1000, lifetime / 2);

  const accept = (value: unknown): string => {
    const text = String(value);
    const next = JWT_SHAPE.test(text) ? text : (carrier.read(text) ?? '');
    const { exp, iat, path } = readClaims(next);
    const arrived = now();
    // The token's lifetime as its issuer saw it, counted from its arrival (so the page's clock may be off).
    const life = ((exp as number) - (isTime(iat) ? iat : arrived / 1000)) * 1000;
    if (!(isTime(exp) && life > 0)) throw new TypeError('expected a JWT with a future exp, or a URL carrying one');
    token = next;
    grants = ([] as string[]).concat(path as string);
    if (next !== text && !fixedOrigin) origin = resolve(text).origin;
    receivedAt = arrived;
    lifetime = life;
    onToken?.(token, receivedAt + lifetime);
    return token;
  };

  const renew = (): Promise<string> => {
    if (closed) return Promise.reject(closed);
    inflight ??= (async () => accept(await options.refresh()))()
      .catch((error: { status?: unknown } | undefined) => {
        if (error?.status === 401 || error?.status === 403) closed = error;
        onError?.(error);
        throw error;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };

  if (options.token) accept(options.token);

  // Whether the edge would read the token for `url`: same origin (scheme, host, port), path inside the grant.
  const mayCarry = (url: string): boolean => {
    try {
      const target = resolve(url);
      const path = decodeURIComponent(carrier.bare(target.pathname));
      // SPEC §2: a pattern is a path, or a prefix ending in `/*`.
      return target.origin === origin && grants.some((pattern) => (pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern));
    } catch {
      return false;
    }
  };

  return {
    get token() {
      return token;
    },
    // A renewal in flight (after a 410, say) is always waited for, whatever the clock says.
    fresh: () => inflight ?? (!token || now() >= receivedAt + lifetime - marginMs() ? renew() : Promise.resolve(token)),
    renew,
    apply: (url) => (mayCarry(url) ? carrier.write(url, token) : url),
    report(status, code = null, url) {
      if (status === 401 || status === 403) {
        onDenied?.(status, code);
        return false;
      }
      if (status !== 410 && !(status === 0 && now() >= receivedAt + lifetime)) return false;
      if (closed) return false;
      const used = url && carrier.read(url);
      const age = now() - receivedAt;
      // An older token than the current one (known from the URL, or presumed for a request
      // answered just after a renewal landed: it was sent before): a retry is enough.
      if (used ? used !== token : age < IN_FLIGHT_MS) return true;
      if (!inflight && age < lifetime / 2) {
        // The edge calls a fresh token expired: the clocks disagree, and renewing again would loop.
        onDenied?.(410, code);
        return false;
      }
      renew().catch(() => {});
      return true;
    },
    keepFresh() {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let on = true;
      // Next renewal: `margin` before expiry, or `wait` after a failure, whichever is later.
      const plan = (wait: number): void => {
        if (on && !closed) {
          timer = setTimeout(() => renew().then(() => plan(0), () => plan(RETRY_MS)), Math.max(wait, receivedAt + lifetime - marginMs() - now()));
        }
      };
      plan(0);
      return () => {
        on = false;
        clearTimeout(timer);
      };
    },
  };
}
