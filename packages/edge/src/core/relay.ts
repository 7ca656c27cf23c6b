// The relay plan (SPEC §7, issue 15): what the edge sends back for the origin's answer
// to a granted request, decided in one place for every adapter. Given the grant, the
// method and the answer's status and content type, it names one of five constant
// plans: 502 instead, or the status with headers to drop and add, a body or none, the
// body streamed or held for the HLS rewrite. Adapters only translate it (`handle` into
// a `Response`, `urlseal serve` into a raw header list, Express into its `res`).
import type { Grant } from './decide.js';
import { isManifest } from './manifest.js';

/**
 * What to send for one origin answer. The five plans are constants: choosing one
 * allocates nothing.
 */
export interface RelayPlan {
  /** `false`: the answer cannot be relayed; send 502 `ERR_ORIGIN_UNAVAILABLE` (`originFailureAnswer(502)`) instead. */
  readonly relay: boolean;
  /** Whether the origin's body goes on: not for HEAD, 204, 205 and 304. */
  readonly body: boolean;
  /**
   * Hold the body (bounded) and rewrite it as an HLS manifest (`manifest.ts`); the
   * rewritten body's `Content-Length` is its own. When it cannot be rewritten (too
   * large, undecodable, not a playlist) send the origin's bytes by {@link RelayPlan.untouched}.
   */
  readonly rewrite: boolean;
  /**
   * Lower-case names of the answer's headers a proxy does not relay: hop-by-hop ones
   * (RFC 9110 §7.6.1) and those this plan removes or replaces; so are any names the
   * answer's `Connection` header lists ({@link connectionNames}).
   */
  readonly drop: ReadonlySet<string>;
  /**
   * The end-to-end names of {@link RelayPlan.drop}: what an adapter that is the server
   * itself (Express, where Node writes the framing) removes from the response.
   */
  readonly remove: readonly string[];
  /** Headers the edge adds after the relayed ones, as `[name, value, name, value, …]`. */
  readonly add: readonly string[];
  /** The plan for the origin's bytes as they are: itself, except for a rewrite. */
  readonly untouched: RelayPlan;
}

/** What the plan reads of the decision: the checked path, and the manifest grant of a query-JWT GET. */
export type RelayGrant = Pick<Grant, 'path' | 'manifest'>;

/** Hop-by-hop response headers (RFC 9110 §7.6.1): a proxy never relays them. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];
const REFERRER_POLICY = 'referrer-policy';
const CONTENT_LENGTH = 'content-length';

/**
 * A plan that replaces the origin's `Referrer-Policy` with `no-referrer` (no Referer from a
 * page the edge serves leaks the token in its URL), and removes and adds `more` besides.
 */
function plan(relay: boolean, body: boolean, remove: string[] = [], add: string[] = [], untouched?: RelayPlan): RelayPlan {
  remove = relay ? [REFERRER_POLICY].concat(remove) : remove;
  add = relay ? [REFERRER_POLICY, 'no-referrer'].concat(add) : add;
  const made: { -readonly [K in keyof RelayPlan]: RelayPlan[K] | undefined } = { relay, body, rewrite: !!untouched, drop: new Set(HOP_BY_HOP.concat(remove)), remove, add, untouched };
  made.untouched ??= made as RelayPlan;
  return made as RelayPlan;
}

const FAIL = plan(false, false);
const STREAM = plan(true, true);
const NO_BODY = plan(true, false);
// 205 must carry no content (RFC 9110 §15.3.6), and clients read a Content-Length after it.
const RESET_CONTENT = plan(true, false, [CONTENT_LENGTH], [CONTENT_LENGTH, '0']);
// A rewritten manifest has a new length and no content coding, and holds a bearer token: no shared cache may keep it.
const REWRITE = plan(true, true, [CONTENT_LENGTH, 'content-encoding', 'cache-control'], ['cache-control', 'no-store'], STREAM);

/**
 * The plan for an origin answer to a granted request (SPEC §7, docs/spec.md §9
 * "Relaying the origin's answer"): a status outside 200–599 (or not a whole number)
 * is 502; 205 goes on with no body and `Content-Length: 0`; HEAD, 204 and 304 with
 * no body; a 200 HLS manifest (`isManifest` on the grant's path and `contentType`)
 * to a grant with `manifest` (a query JWT on GET) is rewritten; anything else is
 * streamed. Every relayed answer has the origin's `Referrer-Policy` replaced by
 * `no-referrer`. Pure: never throws for any input.
 */
export function relayPlan(grant: RelayGrant, method: string, status: number, contentType: unknown): RelayPlan {
  if (!(status >= 200 && status <= 599) || status % 1 !== 0) return FAIL;
  if (status === 205) return RESET_CONTENT;
  if (method === 'HEAD' || status === 204 || status === 304) return NO_BODY;
  if (grant.manifest !== undefined && status === 200 && isManifest(grant.path, contentType as string | undefined)) return REWRITE;
  return STREAM;
}

/**
 * The header names a `Connection` value lists (hop-by-hop too, RFC 9110 §7.6.1);
 * `undefined` for none (`keep-alive` and `close` name no header: the common value
 * needs no set).
 */
export function connectionNames(value: string | readonly string[] | null | undefined): ReadonlySet<string> | undefined {
  if (value === undefined || value === null || value === 'keep-alive' || value === 'close') return undefined;
  return new Set(String(value).split(',').map((name) => name.trim().toLowerCase()));
}
