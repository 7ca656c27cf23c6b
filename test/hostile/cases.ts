/*
 * The hostile-input table: one list of requests an attacker (or a broken client) can send
 * to the edge, each with the answer SPEC (docs/spec.md) requires. handle.test.ts runs it
 * through `handle` (node and Web backends), serve.test.ts over real HTTP through
 * `createEdgeServer`. Every token is minted by hand (helpers.ts), never by the SDK.
 *
 * Setup shared by every case: clock fixed at NOW (helpers.ts), default leeway (30 s) and
 * maxTtl (86400 s), no audience/issuer configured, client address 127.0.0.1, the keyring
 * KEYRING_JSON (kids k1 = HS256; oct h384/h512; EC p1 and OKP e1 public only; RSA r1
 * RS256, r2 PS256 and r0 without `alg`, one fixed fake 2048-bit key, public only; two
 * secure-token secrets). No runner hands the edge a viewer's country (A29).
 *
 * Choices made where the spec is silent or needs reading (the lead should align on these):
 *  A1 Duplicate JSON members (`{"alg":"none","alg":"HS256"}`): the parsed value is the one
 *     JSON.parse keeps (the last). A header whose last `alg` is the key's alg and whose MAC
 *     is valid is granted (the MAC covers the exact bytes, so nothing is forged);
 *     `{"alg":"HS256","alg":"none"}` is ERR_ALG_NOT_ALLOWED.
 *  A2 An empty signature segment (`a.b.`) is strict base64url of zero bytes, so the shape
 *     check passes and it fails at the signature: 403 ERR_SIGNATURE_INVALID. A signature of
 *     the wrong length (truncated Ed25519, DER-encoded ES256) is likewise
 *     ERR_SIGNATURE_INVALID. `alg: none` (any case) with a real kid is ERR_ALG_NOT_ALLOWED
 *     (kid and alg are checked before the signature).
 *  A3 A header without `kid`, or with a kid the keyring does not hold (including
 *     `__proto__`, `constructor`, `toString`, "" and a 65-character kid), is ERR_KID_UNKNOWN.
 *  A4 `crit` (any value) and `b64` (any value) are ERR_TOKEN_MALFORMED ("no crit, no b64").
 *     `jku`/`jwk`/`x5u`/`x5c` are "not used for anything": present on an otherwise valid
 *     token they are ignored (200); an attacker key embedded in `jwk` does not verify (403).
 *  A5 Claims are checked for type after the signature, so each claim abuse is minted with a
 *     valid signature and answers ERR_CLAIM_INVALID. A `path` claim that is not 1–16 valid
 *     patterns (non-canonical, relative, `%`-escaped, nested arrays) is ERR_CLAIM_INVALID, not
 *     ERR_PATH_MISMATCH. An `ip` claim that is not an address or CIDR is ERR_CLAIM_INVALID.
 *     `sub`/`jti` of a non-string type are ERR_CLAIM_INVALID ("optional strings").
 *  A6 A negative `exp` is a safe integer, so it is a well-typed claim that is long expired:
 *     410 ERR_TOKEN_EXPIRED. `exp` written as `1e400` parses to Infinity: ERR_CLAIM_INVALID.
 *  A7 Boundaries: JWT expired when now ≥ exp + 30 (exp = now−30 → 410, exp = now−29 → 200);
 *     nbf/iat up to now+30 pass, now+31 is ERR_CLAIM_INVALID; exp = now+86400 passes,
 *     now+86401 is ERR_CLAIM_INVALID. Secure-token has no leeway: e < now → 410, e = now → 200.
 *     A secure-token `e` beyond maxTtl is ERR_CLAIM_INVALID (the same rule as JWT exp).
 *  A8 Bearer: the auth-scheme is case-insensitive (RFC 9110 §11.1) and RFC 6750 allows
 *     1*SP before the token, so `bearer <jwt>` and `Bearer  <jwt>` are the Bearer source
 *     (200 with a valid token). `Bearer` with nothing after it is ERR_TOKEN_MALFORMED.
 *     `Basic …` is not a source.
 *  A9 Several *different* sources present: only the first (path, query, header, cookie) is
 *     verified, the others are ignored for the decision but still stripped: a valid path
 *     token with a garbage query token is granted; a garbage query token with a valid cookie
 *     is denied with the query token's code. "Duplicate sources" (ERR_TOKEN_MALFORMED) is a
 *     duplicated parameter within one source, `token` together with `st`, or a lone st/e.
 *     Two `urlseal` cookies count as a duplicated parameter: ERR_TOKEN_MALFORMED.
 *  A10 An empty source (`?token=`, `urlseal=`, `st=` with `e=`) is present and malformed:
 *     ERR_TOKEN_MALFORMED. Parameter and cookie names are case-sensitive (`?Token=` is no
 *     source: ERR_TOKEN_MISSING).
 *  A11 Path transport: only a path that starts with `/_token/` carries a token. `/_token/`
 *     with an empty token, and `/_token/<jwt>` with no `/` after the token, are
 *     ERR_TOKEN_MALFORMED; `/_token/<jwt>/` forwards `/` (then the grant decides).
 *     `/x/_token/<jwt>/…` is not the path transport (ERR_TOKEN_MISSING).
 *  A12 Order (SPEC §7): method first (a POST with no token or a non-canonical path is 405),
 *     then the canonical path (a non-canonical path without a token is 403
 *     ERR_PATH_NONCANONICAL), …, signature before time (expired + bad MAC → 403), time before
 *     grant (expired + wrong path → 410), grant before ip (wrong path + wrong ip → path).
 *  A13 Oversize requests (the 1 MB tokens) may be refused by Node's HTTP parser (431) before
 *     the edge sees them; over HTTP such cases accept 431 as well (never 2xx or 5xx). Deno's
 *     server refuses them with 400 instead (deno.test.ts accepts that, there only).
 *  A14 HEAD denials carry the denial headers; a HEAD response has no body to check.
 *  A15 Unicode is compared byte for byte: an NFD request path does not match an NFC grant;
 *     C1 controls and bidi characters are not in SPEC's control list and are not tested.
 *  A16 SPEC v1.1 §2: the raw request-target holds only printable ASCII and never a raw `#`.
 *     Over HTTP, Node's parser already answers 400 to a raw space, tab, DEL or non-ASCII
 *     byte in the request line (the edge never sees it); such cases accept that 400
 *     (never granted). Through `handle` with the raw target they are ERR_PATH_NONCANONICAL.
 *  A17 workerd cuts a raw `#fragment` off the URL before the Worker runs, so the Worker
 *     checks, and forwards, what is left (SPEC §2: "a runtime that hands the function an
 *     already-normalised URL checks that URL, and forwards exactly that same path").
 *  A18 A path over 4096 bytes is measured on the decoded path after the path token is
 *     removed (SPEC §2), so percent-encoding does not count three times; the whole
 *     request path with a token may be longer.
 *  A19 `hs256Only`: edges whose runtime has HMAC-SHA256 (and md5) but no SHA-384/512 or
 *     public-key verify (CloudFront Functions, nginx njs but for RSA, A28) keep every kid with
 *     its alg, so a token for an HS384, HS512, ES256, EdDSA (or, on CloudFront, RS256/PS256)
 *     kid answers 401 ERR_ALG_NOT_ALLOWED (kid and alg come before the signature): exactly
 *     the core's answer with `algorithms: ['HS256']`, which handle.test.ts checks over the
 *     whole table.
 *  A20 `noIpClaims`: a CloudFront Function (10 KB) carries no address matching. A token with
 *     an `ip` claim cannot be honoured there, so it is denied 403 ERR_IP_MISMATCH at the ip
 *     step (after time and grant), whatever the claim holds; the other claims and steps
 *     answer as the table says. Where both apply, `noIpClaims` wins.
 *  A21 CloudFront runners: CloudFront hands a function the path (`uri`) and the query
 *     (`querystring`, one name per parameter, repeats as `multiValue`) as the viewer sent
 *     them, percent-encoding kept, and lifts cookies out of the Cookie header; the runners
 *     build each event from the raw target that way (an absolute-form target as its path and
 *     query). One function verifies one scheme (10 KB), so they send a case that carries
 *     `st` or `e` to the secure-token function and every other case to the JWT function.
 *  A22 `njs`: njs's JSON.parse refuses nesting deeper than 32 levels, so on njs (nginx, and
 *     the njs floor test of CloudFront Functions) a token whose claims nest deeper is
 *     malformed (401 ERR_TOKEN_MALFORMED) rather than a bad claim (401 ERR_CLAIM_INVALID):
 *     the same status, the engine's own limit. A real token nests two or three levels.
 *  A23 Azion Edge Firewall: the function reads `request.url`, which the runner sets to the
 *     raw target as received (as workerd does, A17 aside; a runtime that normalises it
 *     first checks that URL, SPEC §2). A firewall cannot change the request it lets
 *     through: a grant is `event.continue()`, and removing the carriers is the Rules
 *     Engine's (docs/deploy/azion.md), so the runner checks the decision, not a forward.
 *  A24 `whatwg`: Vercel's Edge runtime (npm edge-runtime, its stand-in here) builds
 *     `request.url` with a WHATWG URL parser before the function runs: dot segments (also
 *     `%2e`) are resolved and a `\` reads as `/`. The function checks that URL and forwards
 *     exactly that path (SPEC §2), so such a target answers as its normalised form does:
 *     granted when the grant covers it, else a mismatch, a missing token or a MAC over
 *     another path; never the raw traversal.
 *  A25 `nginxRefuses`: nginx parses the request-target before any module runs and answers
 *     400 Bad Request itself to a path whose percent-escapes are malformed (`%zz`, a lone
 *     or truncated `%`) or decode to NUL (`%00`, also inside md5 padding glue). The module
 *     reads the raw `$request_uri`, so every other target reaches it as sent; for these
 *     nginx's 400 is accepted, never granted and never at the origin. Its default 8 KB
 *     request-line buffer would also refuse SPEC §2's longest paths, so the generated
 *     server snippet raises it (`large_client_header_buffers 4 32k`); the 1 MB tokens
 *     still get nginx's 400/414 (as A13).
 *  A26 `noSealed`: sealed tokens (issue 17, docs/spec.md §9 "Sealed tokens": five segments,
 *     JWE dir + A256GCM) are opened by every edge with AES-GCM in Web Crypto, node:crypto or
 *     njs's WebCrypto (nginx). CloudFront Functions have no AES: any five-segment token there
 *     answers 401 ERR_ALG_NOT_ALLOWED ("sealed tokens need AES"; never granted). A sealed token's decryption is its signature step: any failure
 *     to open (ciphertext, tag, IV, header as AAD, a truncated tag) is 403
 *     ERR_SIGNATURE_INVALID; a JWS header on a JWE body is ERR_ALG_NOT_ALLOWED.
 *  A27 Several credentials (issue 20): a Fetch `Headers` object joins two `Authorization`
 *     lines into one value (`Basic …, Bearer <jwt>`). A value (or a set of lines) holding a
 *     Bearer credential beside anything else is ERR_TOKEN_MALFORMED when the header is the
 *     source, in either order and on every runtime (Node's own `req.headers` keeps only the
 *     first line; the edge reads them all). When an earlier source wins, no Authorization
 *     line at all reaches the origin: the Bearer part is never forwarded. nginx answers 400
 *     itself to a second Authorization line (`nginxRefuses`). npm edge-runtime's Node server
 *     (Vercel's stand-in) hands the middleware only the first line, which is then all there
 *     is (`firstAuthorizationLine`): the other line reaches neither the edge nor the origin.
 *  A28 `rsa`: RS256 and PS256 (issue 19, docs/spec.md §9 "RSA") are verified by every edge
 *     but CloudFront Functions, nginx's njs module among them (SPKI built in Node, verified
 *     with crypto.subtle): a row marked `rsa` answers `expect` there, and `hs256Only` (401
 *     ERR_ALG_NOT_ALLOWED) on CloudFront, whose build lists an RSA kid of a mixed keyring as a
 *     kid of another alg, and in the core with `algorithms: ['HS256']`. One key pair (a fixed,
 *     obviously-fake 2048-bit fixture, fixtures/rsa-2048-fake-test-key.json) backs r1, r2
 *     and r0, so a PKCS#1 v1.5 signature under a PS256 header (and the reverse) is a valid
 *     signature of that modulus in the other padding: ERR_SIGNATURE_INVALID. PS256 is minted
 *     by hand with a fixed salt (deterministic tokens); a salt of another length is
 *     ERR_SIGNATURE_INVALID. A signature not exactly as long as the modulus (256 bytes: a
 *     byte short, a leading zero byte more, empty) is ERR_SIGNATURE_INVALID; so is one whose
 *     integer is 0, 1, n−1, n or above n. An HS256 token keyed with the public key (SPKI or
 *     PKCS#1 PEM, DER, the JWK text, `n` as text or bytes) is ERR_ALG_NOT_ALLOWED everywhere.
 *  A29 Country rules (`geo`, issue 19, docs/spec.md §9 "Country rules"): no runner hands the
 *     edge a country (no request.cf.country in workerd, no Azion metadata country, no
 *     countryHeader given to serve or Express, no $urlseal_country in the nginx config, and
 *     Deno and `handle` get none), so the viewer's country is unknown and a well-formed geo
 *     claim (allow or block) is 403 ERR_GEO_MISMATCH, after the grant and ip steps; a
 *     malformed one is 401 ERR_CLAIM_INVALID, read with the other claims' types, before
 *     time (as a malformed `ip`: an expired token with one is ERR_CLAIM_INVALID). `noCountryRules`: the lean Worker (built
 *     without COUNTRY_RULES) denies any token with a `geo` member, whatever its value,
 *     403 ERR_GEO_MISMATCH, checked last among the claims: after time (an expired geo token
 *     is 410 there too) but before the grant and ip steps, so a geo token for another path
 *     or another address answers ERR_GEO_MISMATCH there, not the path or ip mismatch.
 *  A30 A country header the client writes never counts, except on the platform that sets
 *     it: the Worker trusts CF-IPCountry (after request.cf.country, absent in workerd), and
 *     examples/vercel/middleware.ts trusts x-vercel-ip-country; in production Cloudflare and
 *     Vercel overwrite the client's value, but the local runners pass it through, so there
 *     such a row is granted (`workerCountry`, `vercel`; not the lean Worker, which has no country
 *     rules). Likewise the CloudFront functions trust CloudFront-Viewer-Country, which CloudFront
 *     sets when the behaviour's policy names it (`cloudfrontCountry`). x-country counts nowhere, and
 *     each platform's header counts only there (serve and Express read a country header only when `countryHeader` names
 *     it). A trusted value that is no country (`XX`, Cloudflare's unknown) fails both rules.
 */
import {
  K1_SECRET,
  KEYRING_JSON,
  NOW,
  ST_OLD_SECRET,
  ST_SECRET,
  RSA_MODULUS,
  b64u,
  md5LengthExtend,
  mintJwt,
  mintJwtOfLength,
  mintParts,
  mintSealed,
  mintSealedParts,
  nodeVerifiesPs256,
  pctEncodeBytes,
  secureToken,
  signWith,
  type JwtOptions,
  type SealedOptions,
  type SignerName,
} from './helpers.js';
import { createHash } from 'node:crypto';

export type DenialCode =
  | 'ERR_TOKEN_MISSING'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_KID_UNKNOWN'
  | 'ERR_ALG_NOT_ALLOWED'
  | 'ERR_CLAIM_INVALID'
  | 'ERR_SIGNATURE_INVALID'
  | 'ERR_PATH_MISMATCH'
  | 'ERR_PATH_NONCANONICAL'
  | 'ERR_IP_MISMATCH'
  | 'ERR_GEO_MISMATCH'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_METHOD_NOT_ALLOWED'
  | 'ERR_KEYRING_UNAVAILABLE'
  | 'ERR_TOKEN_REVOKED'
  | 'ERR_REVOCATION_UNAVAILABLE';

export const STATUS_OF: Record<DenialCode, number> = {
  ERR_TOKEN_MISSING: 401,
  ERR_TOKEN_MALFORMED: 401,
  ERR_KID_UNKNOWN: 401,
  ERR_ALG_NOT_ALLOWED: 401,
  ERR_CLAIM_INVALID: 401,
  ERR_SIGNATURE_INVALID: 403,
  ERR_PATH_MISMATCH: 403,
  ERR_PATH_NONCANONICAL: 403,
  ERR_IP_MISMATCH: 403,
  ERR_GEO_MISMATCH: 403,
  ERR_TOKEN_EXPIRED: 410,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_KEYRING_UNAVAILABLE: 503,
  ERR_TOKEN_REVOKED: 403,
  ERR_REVOCATION_UNAVAILABLE: 503,
};

export interface HostileRequest {
  method: string;
  /** The raw request target, exactly as written on the wire (path + optional query). */
  url: string;
  headers: Record<string, string>;
  /** Header lines sent after `headers`, one line each, repeats kept (two `Authorization` lines, A27). */
  lines?: readonly (readonly [string, string])[];
}

/** Every header line of a request, in order: `headers`, then `lines`. */
export function headerLines(request: HostileRequest): (readonly [string, string])[] {
  return [...Object.entries(request.headers), ...(request.lines ?? [])];
}

export interface Expectation {
  status: number;
  /** The denial code, or null when granted. */
  code: DenialCode | null;
  /** Granted only: the target the origin must receive (path exact, query compared as a multiset). */
  forward?: string;
}

export interface HostileCase {
  name: string;
  build(ctx: Ctx): HostileRequest;
  expect: Expectation;
  /** Too large for Node's default HTTP header limit (A13). */
  oversize?: boolean;
  /** Raw bytes an HTTP parser may refuse (400) before the edge sees them (A16). */
  rawBytes?: boolean;
  /**
   * The answer of the Worker in workerd, where it differs: that runtime cuts the fragment off
   * the URL before the Worker sees it (A17: it checks, and forwards, what is left).
   */
  worker?: Expectation;
  /** The answer of the full Worker, which reads the viewer's country from CF-IPCountry (Cloudflare sets it), where it differs (A30). */
  workerCountry?: Expectation;
  /** The answer of the CloudFront functions, which read the viewer's country from CloudFront-Viewer-Country (CloudFront sets it), where it differs (A30). */
  cloudfrontCountry?: Expectation;
  /** The answer of examples/vercel/middleware.ts, where it differs for its country source, x-vercel-ip-country (A30). */
  vercel?: Expectation;
  /** The answer of an edge that verifies HS256 (and secure-token) only, where it differs (A19). */
  hs256Only?: Expectation;
  /** The token names an RSA kid (A28): nginx's njs module verifies RS256/PS256, so `hs256Only` is not its answer. */
  rsa?: true;
  /** The answer of an edge built without country rules (the lean Worker), where it differs (A29). */
  noCountryRules?: Expectation;
  /** The answer of an edge built without `ip` claims (CloudFront Functions), where it differs (A20). */
  noIpClaims?: Expectation;
  /** The answer where the runtime is njs (nginx, and njs standing in for CloudFront), where it differs (A22). */
  njs?: Expectation;
  /** nginx answers 400 itself before the module runs (A25): never granted, never at the origin. */
  nginxRefuses?: true;
  /** The answer of a runtime that hands over a WHATWG-parsed URL (Vercel's Edge runtime), where it differs (A24). */
  whatwg?: Expectation;
  /** The answer of an edge that cannot open sealed tokens (CloudFront Functions: no AES), where it differs (A26). */
  noSealed?: Expectation;
  /** The answer where the runtime's own HTTP server keeps only the first `Authorization` line (npm edge-runtime), where it differs (A27). */
  firstAuthorizationLine?: Expectation;
}

/**
 * Per-case minting context. Everything minted is recorded in `secrets`, so the tests can
 * assert that no denial echoes a token or a claim value and that the origin never sees one.
 */
export class Ctx {
  readonly now = NOW;
  readonly secrets: string[] = [];

  private record(token: string, claims?: Record<string, unknown>): string {
    this.secrets.push(token);
    for (const part of token.split('.')) if (part.length >= 16) this.secrets.push(part);
    if (claims) {
      for (const value of Object.values(claims)) {
        if (typeof value === 'string' && value.length >= 6) this.secrets.push(value);
      }
    }
    return token;
  }

  jwt(o: JwtOptions = {}): string {
    return this.record(mintJwt(o), o.claims);
  }

  /** A sealed token (JWE dir + A256GCM) minted by hand; its claims are recorded as secrets too. */
  sealed(o: SealedOptions = {}): string {
    return this.record(mintSealed(o), o.claims);
  }

  /** A sealed token with one segment (0 header … 4 tag) changed by `f`. */
  sealedWith(index: number, f: (segment: string) => string, o: SealedOptions = {}): string {
    const parts = mintSealedParts(o);
    parts[index] = f(parts[index] as string);
    return this.secret(parts.join('.'));
  }

  /** A token assembled from given segments (recorded as a secret). */
  parts(header: string, payload: string, signature: string): string {
    return this.record(`${header}.${payload}.${signature}`);
  }

  /** Records an arbitrary string as secret (a tampered token, a forged st). */
  secret<T extends string>(value: T): T {
    this.record(value);
    return value;
  }

  st(path: string, e: string | number, secretText = ST_SECRET): string {
    return this.secret(secureToken(secretText, path, e));
  }
}

const get = (url: string, headers: Record<string, string> = {}): HostileRequest => ({ method: 'GET', url, headers });
const q = (path: string, token: string, extra = ''): string => `${path}?token=${token}${extra}`;

/** Replaces one segment (0 header, 1 payload, 2 signature) of a compact token. */
function withSegment(token: string, index: number, f: (segment: string) => string): string {
  const parts = token.split('.');
  parts[index] = f(parts[index]!);
  return parts.join('.');
}

/** A valid k1 token whose given segment contains `-` or `_` (so `+`/`/` can be swapped in). */
function tokenWithUrlsafeChar(index: number): string {
  for (let n = 0; n < 500; n++) {
    // vary header spacing (legal JSON whitespace) and the jti until the segment has - or _
    // base64url of ASCII only yields '-'/'_' from a byte like '~' or '?' at offset 2 mod 3
    const headerText = `{"alg":"HS256",${' '.repeat(n % 7)}"kid":"k1","typ":"JWT","n":"~~~"}`;
    const token = mintJwt({ headerText, claims: { jti: `~~~${n}` } });
    if (/[-_]/.test(token.split('.')[index]!)) return token;
  }
  throw new Error('no token with - or _');
}

/** A valid k1 token whose given segment has a non-zero-padding final character (length % 4 ≠ 0). */
function tokenWithTail(index: number): string {
  for (let n = 0; n < 500; n++) {
    const headerText = `{"alg":"HS256",${' '.repeat(n % 5)}"kid":"k1","typ":"JWT"}`;
    const token = mintJwt({ headerText, claims: { jti: `t${n}` } });
    const seg = token.split('.')[index]!;
    if (seg.length % 4 !== 0) return token;
  }
  throw new Error('no token with a partial final quantum');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Changes the unused low bits of the final character: a lenient decoder yields the same bytes. */
function nonCanonicalTail(segment: string): string {
  const last = ALPHABET.indexOf(segment[segment.length - 1]!);
  const unused = segment.length % 4 === 2 ? 15 : 3;
  const changed = (last & ~unused) | 1;
  if (Buffer.from(segment, 'base64url').equals(Buffer.from(segment.slice(0, -1) + ALPHABET[changed]!, 'base64url'))) {
    return segment.slice(0, -1) + ALPHABET[changed]!;
  }
  throw new Error('tail change altered the bytes');
}

const SIXTEEN = Array.from({ length: 16 }, (_, i) => `/videos/p${i}.mp4`);
const FUTURE = NOW + 300;
const E = String(NOW + 600); // a valid 10-digit secure-token expiry
const VID = '/videos/a.mp4';
const PREFIX = '/videos/*';
/** Paths nginx answers 400 before its modules run (A25). */
const NGINX_REFUSES = new Set(['%00', 'bad hex %zz', 'lone %', 'truncated %2']);

function alg(a: string, signer: SignerName = 'none'): (ctx: Ctx) => HostileRequest {
  return (ctx) => get(q(VID, ctx.jwt({ header: { alg: a }, signer })));
}

function badJson(which: 'header' | 'claims', text: string): (ctx: Ctx) => HostileRequest {
  return (ctx) =>
    get(q(VID, ctx.jwt(which === 'header' ? { headerText: text } : { claimsText: text })));
}

function claim(claims: Record<string, unknown>, path = VID): (ctx: Ctx) => HostileRequest {
  return (ctx) => get(q(path, ctx.jwt({ claims })));
}

function claimText(text: string): (ctx: Ctx) => HostileRequest {
  return (ctx) => get(q(VID, ctx.jwt({ claimsText: text })));
}

/** A request for a raw path under /videos/ with a valid query token granting /videos/*. */
function rawPath(path: string): (ctx: Ctx) => HostileRequest {
  return (ctx) => get(q(path, ctx.jwt({ claims: { path: PREFIX } })));
}

const OK = (forward: string): Expectation => ({ status: 200, code: null, forward });
const DENY = (code: DenialCode): Expectation => ({ status: STATUS_OF[code], code });

/** One character in the middle of a segment changed: every bit there counts. */
const flipMiddle = (segment: string): string => {
  const i = segment.length >> 1;
  return `${segment.slice(0, i)}${segment[i] === 'A' ? 'B' : 'A'}${segment.slice(i + 1)}`;
};
/** What an edge that cannot open sealed tokens answers (A26). */
const NO_SEALED = { noSealed: DENY('ERR_ALG_NOT_ALLOWED') };

/** Sealed tokens (A26): every carrier, and every way to tamper with one. */
const SEALED_CASES: HostileCase[] = [
  { name: 'sealed [A26]: control, ?token', build: (c) => get(q(VID, c.sealed({ claims: { sub: 'sealed-subject-42' } }))), expect: OK(VID), ...NO_SEALED },
  {
    name: 'sealed [A26]: control, path transport with a prefix grant',
    build: (c) => get(`/_token/${c.sealed({ claims: { path: '/videos/course-1/*' } })}/videos/course-1/hls/seg-1.ts?q=1`),
    expect: OK('/videos/course-1/hls/seg-1.ts?q=1'), ...NO_SEALED,
  },
  { name: 'sealed [A26]: control, Authorization Bearer', build: (c) => get(VID, { authorization: `Bearer ${c.sealed()}` }), expect: OK(VID), ...NO_SEALED },
  { name: 'sealed [A26]: control, the urlseal cookie', build: (c) => get(VID, { cookie: `a=1; urlseal=${c.sealed()}` }), expect: OK(VID), ...NO_SEALED },
  { name: 'sealed [A26]: ciphertext changed', build: (c) => get(q(VID, c.sealedWith(3, flipMiddle))), expect: DENY('ERR_SIGNATURE_INVALID'), ...NO_SEALED },
  { name: 'sealed [A26]: tag changed', build: (c) => get(q(VID, c.sealedWith(4, flipMiddle))), expect: DENY('ERR_SIGNATURE_INVALID'), ...NO_SEALED },
  { name: 'sealed [A26]: tag truncated to 96 bits', build: (c) => get(q(VID, c.sealedWith(4, (t) => t.slice(0, 16)))), expect: DENY('ERR_SIGNATURE_INVALID'), ...NO_SEALED },
  { name: 'sealed [A26]: IV changed', build: (c) => get(q(VID, c.sealedWith(2, flipMiddle))), expect: DENY('ERR_SIGNATURE_INVALID'), ...NO_SEALED },
  { name: 'sealed [A26]: a 128-bit IV', build: (c) => get(q(VID, c.sealed({ iv: Buffer.alloc(16, 7) }))), expect: DENY('ERR_SIGNATURE_INVALID'), ...NO_SEALED },
  {
    name: 'sealed [A26]: header changed (it is the AAD): typ added',
    build: (c) => get(q(VID, c.sealedWith(0, () => b64u('{"alg":"dir","enc":"A256GCM","kid":"k1","typ":"JWT"}')))),
    expect: DENY('ERR_SIGNATURE_INVALID'), ...NO_SEALED,
  },
  {
    name: 'sealed [A26]: sealed with the raw secret, not the derived key',
    build: (c) => get(q(VID, c.sealed({ key: Buffer.from(K1_SECRET, 'utf8').subarray(0, 32) }))),
    expect: DENY('ERR_SIGNATURE_INVALID'), ...NO_SEALED,
  },
  {
    name: 'sealed [A26]: a JWS header on a JWE body',
    build: (c) => get(q(VID, c.sealed({ headerText: '{"alg":"HS256","kid":"k1","typ":"JWT"}' }))),
    expect: DENY('ERR_ALG_NOT_ALLOWED'), ...NO_SEALED,
  },
  { name: 'sealed [A26]: alg none on a JWE body', build: (c) => get(q(VID, c.sealed({ headerText: '{"alg":"none","enc":"A256GCM","kid":"k1"}' }))), expect: DENY('ERR_ALG_NOT_ALLOWED'), ...NO_SEALED },
  {
    name: 'sealed [A26]: a JWE header on a JWS body (three segments)',
    build: (c) => get(q(VID, c.jwt({ headerText: '{"alg":"dir","enc":"A256GCM","kid":"k1"}' }))),
    expect: DENY('ERR_ALG_NOT_ALLOWED'),
  },
  { name: 'sealed [A26]: the kid of an EdDSA key', build: (c) => get(q(VID, c.sealed({ kid: 'e1' }))), expect: DENY('ERR_ALG_NOT_ALLOWED'), ...NO_SEALED },
  { name: 'sealed [A26]: an unknown kid', build: (c) => get(q(VID, c.sealed({ kid: 'constructor' }))), expect: DENY('ERR_KID_UNKNOWN'), ...NO_SEALED },
  { name: 'sealed [A26]: zip in the header', build: (c) => get(q(VID, c.sealed({ headerText: '{"alg":"dir","enc":"A256GCM","kid":"k1","zip":"DEF"}' }))), expect: DENY('ERR_TOKEN_MALFORMED'), ...NO_SEALED },
  { name: 'sealed [A26]: an encrypted-key segment', build: (c) => get(q(VID, c.sealedWith(1, () => 'AAAA'))), expect: DENY('ERR_TOKEN_MALFORMED'), ...NO_SEALED },
  { name: 'sealed [A26]: six segments', build: (c) => get(q(VID, `${c.sealed()}.AAAA`)), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'sealed [A26]: for another path', build: (c) => get(q('/videos/b.mp4', c.sealed())), expect: DENY('ERR_PATH_MISMATCH'), ...NO_SEALED },
  { name: 'sealed [A26]: expired', build: (c) => get(q(VID, c.sealed({ claims: { exp: NOW - 31 } }))), expect: DENY('ERR_TOKEN_EXPIRED'), ...NO_SEALED },
  { name: 'sealed [A26]: expired and tampered is 403 (decryption before time)', build: (c) => get(q(VID, c.sealedWith(4, flipMiddle, { claims: { exp: NOW - 31 } }))), expect: DENY('ERR_SIGNATURE_INVALID'), ...NO_SEALED },
  { name: 'sealed [A26]: exp a string', build: (c) => get(q(VID, c.sealed({ claims: { exp: String(NOW + 60) } }))), expect: DENY('ERR_CLAIM_INVALID'), ...NO_SEALED },
  { name: 'sealed [A26]: authentic plaintext that is no claims object', build: (c) => get(q(VID, c.sealed({ plaintext: '[1,2]' }))), expect: DENY('ERR_TOKEN_MALFORMED'), ...NO_SEALED },
  { name: 'sealed [A26]: ip claim outside', build: (c) => get(q(VID, c.sealed({ claims: { ip: '203.0.113.0/24' } }))), expect: DENY('ERR_IP_MISMATCH'), ...NO_SEALED },
];

/** A segment of a token changed by `f`; the change must change the token (else the row proves nothing). */
function tampered(token: string, index: number, f: (segment: string) => string): string {
  const out = withSegment(token, index, f);
  if (out === token) throw new Error('the tamper did not change the token');
  return out;
}

/** What an edge without RSA answers to an RSA kid (A19, A28); nginx verifies it (A28). */
const RSA = { rsa: true as const, hs256Only: DENY('ERR_ALG_NOT_ALLOWED') };
/** A signature of the fixture modulus's length holding the integer `f(n)` (A28). */
const rsaSignature = (value: (n: bigint) => bigint): string => {
  const n = BigInt(`0x${RSA_MODULUS.toString('hex')}`);
  return b64u(Buffer.from(value(n).toString(16).padStart(RSA_MODULUS.length * 2, '0'), 'hex'));
};

/** RS256 and PS256 (A28): every carrier, the alg rules, padding and length, the claims after them. */
const RSA_CASES: HostileCase[] = [
  ...(
    [
      ['RS256', 'r1'],
      ['PS256', 'r2'],
    ] as const
  ).flatMap<HostileCase>(([name, kid]) => [
    { name: `rsa [A28]: control ${name} (kid ${kid}) via ?token`, build: (c) => get(q(VID, c.jwt({ kid }), '&x=1')), expect: OK(`${VID}?x=1`), ...RSA },
    {
      name: `rsa [A28]: control ${name}, path transport with a prefix grant`,
      build: (c) => get(`/_token/${c.jwt({ kid, claims: { path: '/videos/course-1/*' } })}/videos/course-1/hls/seg-1.ts?q=1`),
      expect: OK('/videos/course-1/hls/seg-1.ts?q=1'), ...RSA,
    },
    { name: `rsa [A28]: control ${name}, Authorization Bearer`, build: (c) => get(VID, { authorization: `Bearer ${c.jwt({ kid })}` }), expect: OK(VID), ...RSA },
    { name: `rsa [A28]: control ${name}, the urlseal cookie`, build: (c) => get(VID, { cookie: `a=1; urlseal=${c.jwt({ kid })}` }), expect: OK(VID), ...RSA },
    { name: `rsa [A28]: ${name} signature changed`, build: (c) => get(q(VID, c.secret(tampered(c.jwt({ kid }), 2, flipMiddle)))), expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA },
    {
      name: `rsa [A28]: ${name} claims swapped in (path widened) under the original signature`,
      build: (c) => {
        const good = mintParts({ kid });
        const evil = mintParts({ kid, claims: { path: '/videos/*' } });
        if (evil.payload === good.payload) throw new Error('the tamper did not change the token');
        return get(q('/videos/secret.mp4', c.parts(good.header, evil.payload, good.signature)));
      },
      expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA,
    },
    { name: `rsa [A28]: ${name} for another path`, build: (c) => get(q('/videos/b.mp4', c.jwt({ kid }))), expect: DENY('ERR_PATH_MISMATCH'), ...RSA },
    { name: `rsa [A28]: ${name} expired`, build: (c) => get(q(VID, c.jwt({ kid, claims: { exp: NOW - 31, iat: NOW - 331 } }))), expect: DENY('ERR_TOKEN_EXPIRED'), ...RSA },
    {
      name: `rsa [A28]: ${name} expired and tampered is 403 (signature before time)`,
      build: (c) => get(q(VID, c.secret(tampered(c.jwt({ kid, claims: { exp: NOW - 3600, iat: NOW - 3900 } }), 2, flipMiddle)))),
      expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA,
    },
    { name: `rsa [A28]: ${name} signature one byte short (255 bytes)`, build: (c) => get(q(VID, c.secret(tampered(c.jwt({ kid }), 2, (s) => b64u(Buffer.from(s, 'base64url').subarray(0, 255)))))), expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA },
    {
      name: `rsa [A28]: ${name} signature with a leading zero byte (257 bytes, same integer)`,
      build: (c) => get(q(VID, c.secret(tampered(c.jwt({ kid }), 2, (s) => b64u(Buffer.concat([Buffer.alloc(1), Buffer.from(s, 'base64url')])))))),
      expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA,
    },
    { name: `rsa [A28]: ${name} empty signature`, build: (c) => get(q(VID, c.secret(tampered(c.jwt({ kid }), 2, () => '')))), expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA },
  ]),
  { name: 'rsa [A28]: control RS256 for the RSA kid r0 without alg (RS256 by default)', build: (c) => get(q(VID, c.jwt({ kid: 'r0' }))), expect: OK(VID), ...RSA },
  { name: 'rsa [A28]: control HEAD with a PS256 token', build: (c) => ({ method: 'HEAD', url: q(VID, c.jwt({ kid: 'r2' })), headers: {} }), expect: OK(VID), ...RSA },
  {
    name: 'rsa [A28]: the hand-made PS256 signature is one node:crypto accepts (salt 32)',
    build: (c) => {
      const p = mintParts({ kid: 'r2' });
      if (!nodeVerifiesPs256(`${p.header}.${p.payload}`, Buffer.from(p.signature, 'base64url'))) throw new Error('hand-made PSS broken');
      if (nodeVerifiesPs256(`${p.header}.${p.payload}`, signWith('rsa-pss-salt20', `${p.header}.${p.payload}`))) throw new Error('salt length not checked');
      return get(q(VID, c.parts(p.header, p.payload, p.signature)));
    },
    expect: OK(VID), ...RSA,
  },
  // alg is the key's, never the token's
  { name: 'rsa [A28]: RS256 token for the PS256 kid r2', build: (c) => get(q(VID, c.jwt({ kid: 'r2', header: { alg: 'RS256' }, signer: 'r1' }))), expect: DENY('ERR_ALG_NOT_ALLOWED'), ...RSA },
  { name: 'rsa [A28]: PS256 token for the RS256 kid r1', build: (c) => get(q(VID, c.jwt({ kid: 'r1', header: { alg: 'PS256' }, signer: 'r2' }))), expect: DENY('ERR_ALG_NOT_ALLOWED'), ...RSA },
  { name: 'rsa [A28]: PS256 token for the kid r0 without alg (RS256)', build: (c) => get(q(VID, c.jwt({ kid: 'r0', header: { alg: 'PS256' }, signer: 'r2' }))), expect: DENY('ERR_ALG_NOT_ALLOWED'), ...RSA },
  { name: 'rsa [A28]: RS384 header (SHA-384 PKCS#1) for the RS256 kid r1', build: (c) => get(q(VID, c.jwt({ kid: 'r1', header: { alg: 'RS384' }, signer: 'rsa-pkcs1-sha384' }))), expect: DENY('ERR_ALG_NOT_ALLOWED'), ...RSA },
  { name: 'rsa [A28]: alg "none" with the RSA kid r1', build: (c) => get(q(VID, c.jwt({ kid: 'r1', header: { alg: 'none' }, signer: 'none' }))), expect: DENY('ERR_ALG_NOT_ALLOWED'), ...RSA },
  { name: 'rsa [A28]: ES256 header on the RSA kid r1 (attacker EC key)', build: (c) => get(q(VID, c.jwt({ kid: 'r1', header: { alg: 'ES256' }, signer: 'attacker-ec' }))), expect: DENY('ERR_ALG_NOT_ALLOWED'), ...RSA },
  { name: 'rsa [A28]: lowercase "rs256" for the kid r1', build: (c) => get(q(VID, c.jwt({ kid: 'r1', header: { alg: 'rs256' }, signer: 'r1' }))), expect: DENY('ERR_ALG_NOT_ALLOWED'), ...RSA },
  { name: 'rsa [A28]: a sealed token naming the RSA kid r1', build: (c) => get(q(VID, c.sealed({ kid: 'r1' }))), expect: DENY('ERR_ALG_NOT_ALLOWED'), ...RSA, ...NO_SEALED },
  { name: 'kid unknown [A28]: "R1" (kids are case-sensitive)', build: (c) => get(q(VID, c.jwt({ kid: 'R1', header: { alg: 'RS256' }, signer: 'r1' }))), expect: DENY('ERR_KID_UNKNOWN') },
  // alg confusion: HS256 keyed with the public key, in every form it is published in
  ...(
    [
      ['rsa-spki-pem', 'its SPKI PEM text', 'r1'],
      ['rsa-pkcs1-pem', 'its PKCS#1 PEM text', 'r1'],
      ['rsa-spki-der', 'its SPKI DER bytes', 'r1'],
      ['rsa-jwk-json', 'its JWK JSON text', 'r1'],
      ['rsa-n-text', 'n as base64url text', 'r1'],
      ['rsa-n-bytes', 'the modulus bytes', 'r1'],
      ['rsa-n-text', 'n as base64url text', 'r2'],
      ['rsa-spki-pem', 'its SPKI PEM text', 'r0'],
    ] as const
  ).map<HostileCase>(([signer, what, kid]) => ({
    name: `key confusion [A28]: HS256 MACed with the RSA public key (${what}), kid ${kid}`,
    build: (c) => get(q(VID, c.jwt({ kid, header: { alg: 'HS256' }, signer }))),
    expect: DENY('ERR_ALG_NOT_ALLOWED'), ...RSA,
  })),
  // padding, salt and digest: the key's alg, exactly
  { name: 'rsa [A28]: PS256 header, kid r2, a PKCS#1 v1.5 signature of the same key', build: (c) => get(q(VID, c.jwt({ kid: 'r2', signer: 'r1' }))), expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA },
  { name: 'rsa [A28]: RS256 header, kid r1, a PSS signature of the same key', build: (c) => get(q(VID, c.jwt({ kid: 'r1', signer: 'r2' }))), expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA },
  { name: 'rsa [A28]: PS256 with a 20-byte salt', build: (c) => get(q(VID, c.jwt({ kid: 'r2', signer: 'rsa-pss-salt20' }))), expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA },
  { name: 'rsa [A28]: PS256 with no salt', build: (c) => get(q(VID, c.jwt({ kid: 'r2', signer: 'rsa-pss-salt0' }))), expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA },
  { name: 'rsa [A28]: PS256 with MGF1-SHA-1', build: (c) => get(q(VID, c.jwt({ kid: 'r2', signer: 'rsa-pss-sha1-mgf' }))), expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA },
  { name: 'rsa [A28]: RS256 header, kid r1, a SHA-384 PKCS#1 v1.5 signature', build: (c) => get(q(VID, c.jwt({ kid: 'r1', signer: 'rsa-pkcs1-sha384' }))), expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA },
  // the signature's length and integer
  { name: 'rsa [A28]: an HS256-sized (32-byte) signature for kid r1', build: (c) => get(q(VID, c.jwt({ kid: 'r1', signer: 'k1' }))), expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA },
  { name: 'rsa [A28]: a 512-byte signature (a 4096-bit key\'s) for kid r1', build: (c) => get(q(VID, c.secret(tampered(c.jwt({ kid: 'r1' }), 2, (s) => b64u(Buffer.concat([Buffer.from(s, 'base64url'), Buffer.from(s, 'base64url')])))))), expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA },
  ...(
    [
      ['0', () => 0n],
      ['1', () => 1n],
      ['n − 1', (n: bigint) => n - 1n],
      ['n', (n: bigint) => n],
      ['2²⁰⁴⁸ − 1 (above n)', () => 2n ** 2048n - 1n],
    ] as const
  ).flatMap<HostileCase>(([label, value]) =>
    (['r1', 'r2'] as const).map<HostileCase>((kid) => ({
      name: `rsa [A28]: signature integer ${label}, kid ${kid}`,
      build: (c) => get(q(VID, c.secret(tampered(c.jwt({ kid }), 2, () => rsaSignature(value))))),
      expect: DENY('ERR_SIGNATURE_INVALID'), ...RSA,
    })),
  ),
  // the claims after an RSA signature, as after any other
  { name: 'rsa [A28]: PS256 with exp as a string', build: (c) => get(q(VID, c.jwt({ kid: 'r2', claims: { exp: String(FUTURE) } }))), expect: DENY('ERR_CLAIM_INVALID'), ...RSA },
  { name: 'rsa [A28]: RS256 with an ip claim outside', build: (c) => get(q(VID, c.jwt({ kid: 'r1', claims: { ip: '203.0.113.0/24' } }))), expect: DENY('ERR_IP_MISMATCH'), ...RSA },
];

/** A k1 token with a `geo` claim (A29), plus any other claims, for `path`. */
function geo(rule: unknown, headers: Record<string, string> = {}, claims: Record<string, unknown> = {}, path = VID): (ctx: Ctx) => HostileRequest {
  return (ctx) => get(q(path, ctx.jwt({ claims: { ...claims, geo: rule } })), headers);
}
const BR = { allow: ['BR', 'PT'] };
/** What an edge without country rules answers to any `geo` member (A29). */
const NO_COUNTRY_RULES = { noCountryRules: DENY('ERR_GEO_MISMATCH') };
/** 301 distinct upper-case codes: one more than a rule may hold. */
const CODES_301 = Array.from({ length: 301 }, (_, i) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)));

/** Country rules (A29, A30): no country is reported, so every geo token is denied. */
const GEO_CASES: HostileCase[] = [
  { name: 'geo [A29]: allow rule, no country reported', build: geo(BR), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A29]: block rule, no country reported (unknown fails block too)', build: geo({ block: ['US'] }), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A29]: allow rule of 300 codes (the maximum), no country', build: geo({ allow: CODES_301.slice(0, 300) }), expect: DENY('ERR_GEO_MISMATCH') },
  {
    name: 'geo [A29]: path transport with a prefix grant and an allow rule',
    build: (c) => get(`/_token/${c.jwt({ claims: { path: '/videos/course-1/*', geo: BR } })}/videos/course-1/hls/seg-1.ts`),
    expect: DENY('ERR_GEO_MISMATCH'),
  },
  { name: 'geo [A29]: Authorization Bearer with a block rule', build: (c) => get(VID, { authorization: `Bearer ${c.jwt({ claims: { geo: { block: ['US'] } } })}` }), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A29]: the urlseal cookie with an allow rule', build: (c) => get(VID, { cookie: `urlseal=${c.jwt({ claims: { geo: BR } })}` }), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A29]: HEAD with an allow rule', build: (c) => ({ method: 'HEAD', url: q(VID, c.jwt({ claims: { geo: BR } })), headers: {} }), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A29]: a sealed token with an allow rule', build: (c) => get(q(VID, c.sealed({ claims: { geo: BR } }))), expect: DENY('ERR_GEO_MISMATCH'), ...NO_SEALED },
  { name: 'geo [A29]: a PS256 token with an allow rule', build: (c) => get(q(VID, c.jwt({ kid: 'r2', claims: { geo: BR } }))), expect: DENY('ERR_GEO_MISMATCH'), ...RSA },
  // order: signature, time, grant and ip come first
  { name: 'geo [A29]: bad signature with an allow rule is 403 signature', build: (c) => get(q(VID, c.jwt({ claims: { geo: BR }, signer: 'wrong' }))), expect: DENY('ERR_SIGNATURE_INVALID') },
  { name: 'geo [A29]: expired with an allow rule is 410 (time before geo)', build: geo(BR, {}, { exp: NOW - 3600, iat: NOW - 3900 }), expect: DENY('ERR_TOKEN_EXPIRED') },
  { name: 'geo [A29]: exp as a string with an allow rule is a bad claim', build: geo(BR, {}, { exp: String(FUTURE) }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'geo [A29]: another path with an allow rule (grant before geo)', build: geo(BR, {}, {}, '/videos/b.mp4'), expect: DENY('ERR_PATH_MISMATCH'), ...NO_COUNTRY_RULES },
  { name: 'geo [A29]: another address with an allow rule (ip before geo)', build: geo(BR, {}, { ip: '10.0.0.1' }), expect: DENY('ERR_IP_MISMATCH'), ...NO_COUNTRY_RULES },
  // malformed rules: a bad claim on full edges, any geo member denied without country rules
  ...(
    [
      ['both allow and block', { allow: ['BR'], block: ['US'] }],
      ['an empty allow list', { allow: [] }],
      ['an empty object', {}],
      ['lower-case "br"', { allow: ['br'] }],
      ['three letters "BRA"', { allow: ['BRA'] }],
      ['a numeric code "076"', { allow: ['076'] }],
      ['a duplicate code', { allow: ['BR', 'BR'] }],
      ['301 codes', { allow: CODES_301 }],
      ['a nested array ["BR"]', { allow: [['BR']] }],
      ['a number', { block: [76] }],
      ['another member (deny)', { deny: ['BR'] }],
      ['allow as a string', { allow: 'BR' }],
      ['a string', 'BR'],
      ['an array', ['BR']],
      ['null', null],
      ['false', false],
    ] as [string, unknown][]
  ).map<HostileCase>(([label, rule]) => ({
    name: `claim [A29]: geo ${label}`,
    build: geo(rule),
    expect: DENY('ERR_CLAIM_INVALID'), ...NO_COUNTRY_RULES,
  })),
  {
    name: 'claim [A29]: a malformed geo on an expired token is a bad claim (types before time, as ip)',
    build: geo({ allow: ['br'] }, {}, { exp: NOW - 3600, iat: NOW - 3900 }),
    expect: DENY('ERR_CLAIM_INVALID'), noCountryRules: DENY('ERR_TOKEN_EXPIRED'),
  },
  {
    name: 'claim [A5]: a malformed ip on an expired token is a bad claim (types before time)',
    build: claim({ ip: 'not-an-ip', exp: NOW - 3600, iat: NOW - 3900 }),
    expect: DENY('ERR_CLAIM_INVALID'), noIpClaims: DENY('ERR_TOKEN_EXPIRED'),
  },
  // country headers the client wrote (A30)
  { name: 'geo [A30]: client-sent CF-IPCountry BR (the Worker trusts it, as Cloudflare sets it)', build: geo(BR, { 'cf-ipcountry': 'BR' }), expect: DENY('ERR_GEO_MISMATCH'), workerCountry: OK(VID) },
  { name: 'geo [A30]: client-sent CF-IPCountry br in lower case (read in any case)', build: geo(BR, { 'cf-ipcountry': 'br' }), expect: DENY('ERR_GEO_MISMATCH'), workerCountry: OK(VID) },
  { name: 'geo [A30]: client-sent CF-IPCountry US against an allow rule', build: geo(BR, { 'cf-ipcountry': 'US' }), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A30]: client-sent CF-IPCountry BR against a block rule of BR', build: geo({ block: ['BR'] }, { 'cf-ipcountry': 'BR' }), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A30]: client-sent CF-IPCountry XX (unknown) against a block rule', build: geo({ block: ['US'] }, { 'cf-ipcountry': 'XX' }), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A30]: client-sent CF-IPCountry BRA (no country) against a block rule', build: geo({ block: ['US'] }, { 'cf-ipcountry': 'BRA' }), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A30]: client-sent CF-IPCountry FR against a block rule (the Worker grants)', build: geo({ block: ['US'] }, { 'cf-ipcountry': 'FR' }), expect: DENY('ERR_GEO_MISMATCH'), workerCountry: OK(VID) },
  { name: 'geo [A30]: client-sent x-vercel-ip-country BR (the Vercel middleware trusts it)', build: geo(BR, { 'x-vercel-ip-country': 'BR' }), expect: DENY('ERR_GEO_MISMATCH'), vercel: OK(VID) },
  { name: 'geo [A30]: client-sent x-vercel-ip-country US against an allow rule', build: geo(BR, { 'x-vercel-ip-country': 'US' }), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A30]: client-sent CloudFront-Viewer-Country BR (the CloudFront functions trust it, as CloudFront sets it)', build: geo(BR, { 'cloudfront-viewer-country': 'BR' }), expect: DENY('ERR_GEO_MISMATCH'), cloudfrontCountry: OK(VID) },
  { name: 'geo [A30]: client-sent CloudFront-Viewer-Country pt in lower case (read in any case)', build: geo(BR, { 'cloudfront-viewer-country': 'pt' }), expect: DENY('ERR_GEO_MISMATCH'), cloudfrontCountry: OK(VID) },
  { name: 'geo [A30]: client-sent CloudFront-Viewer-Country US against an allow rule', build: geo(BR, { 'cloudfront-viewer-country': 'US' }), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A30]: client-sent CloudFront-Viewer-Country BR against a block rule of BR', build: geo({ block: ['BR'] }, { 'cloudfront-viewer-country': 'BR' }), expect: DENY('ERR_GEO_MISMATCH') },
  { name: 'geo [A30]: client-sent CloudFront-Viewer-Country FR against a block rule (CloudFront grants)', build: geo({ block: ['US'] }, { 'cloudfront-viewer-country': 'FR' }), expect: DENY('ERR_GEO_MISMATCH'), cloudfrontCountry: OK(VID) },
  { name: 'geo [A30]: CloudFront-Viewer-Country BR on the path transport with a prefix grant', build: (c) => get(`/_token/${c.jwt({ claims: { path: '/videos/course-1/*', geo: BR } })}/videos/course-1/hls/seg-1.ts`, { 'cloudfront-viewer-country': 'BR' }), expect: DENY('ERR_GEO_MISMATCH'), cloudfrontCountry: OK('/videos/course-1/hls/seg-1.ts') },
  { name: 'geo [A30]: CloudFront-Viewer-Country BR, another path (grant before geo)', build: geo(BR, { 'cloudfront-viewer-country': 'BR' }, {}, '/videos/b.mp4'), expect: DENY('ERR_PATH_MISMATCH'), ...NO_COUNTRY_RULES },
  { name: 'geo [A30]: CloudFront-Viewer-Country BR, expired (time before geo)', build: geo(BR, { 'cloudfront-viewer-country': 'BR' }, { exp: NOW - 3600, iat: NOW - 3900 }), expect: DENY('ERR_TOKEN_EXPIRED') },
  { name: 'geo [A30]: client-sent x-country BR counts nowhere', build: geo(BR, { 'x-country': 'BR' }), expect: DENY('ERR_GEO_MISMATCH') },
  {
    name: 'geo [A30]: every country header at once, block rule of BR',
    build: geo({ block: ['BR'] }, { 'cf-ipcountry': 'BR', 'x-vercel-ip-country': 'BR', 'cloudfront-viewer-country': 'FR', 'x-country': 'FR' }),
    expect: DENY('ERR_GEO_MISMATCH'), cloudfrontCountry: OK(VID),
  },
  {
    name: 'geo [A30]: a country header never rescues a malformed rule',
    build: geo({ allow: ['br'] }, { 'cf-ipcountry': 'BR', 'x-vercel-ip-country': 'BR' }),
    expect: DENY('ERR_CLAIM_INVALID'), ...NO_COUNTRY_RULES,
  },
];

export const CASES: HostileCase[] = [
  // ---------------------------------------------------------------- controls: the suite can pass
  { name: 'control: HS256 (kids) via ?token', build: (c) => get(q(VID, c.jwt())), expect: OK(VID) },
  {
    name: 'control: ?token keeps unrelated query params, strips the token',
    build: (c) => get(`${VID}?x=1&token=${c.jwt()}&y=two`),
    expect: OK(`${VID}?x=1&y=two`),
  },
  {
    name: 'control: path transport /_token/<jwt>/<rest> with a prefix grant',
    build: (c) => get(`/_token/${c.jwt({ claims: { path: '/videos/course-1/*' } })}/videos/course-1/hls/seg-1.ts`),
    expect: OK('/videos/course-1/hls/seg-1.ts'),
  },
  {
    name: 'control: path transport keeps the query',
    build: (c) => get(`/_token/${c.jwt({ claims: { path: '/videos/course-1/*' } })}/videos/course-1/x.ts?q=1`),
    expect: OK('/videos/course-1/x.ts?q=1'),
  },
  { name: 'control: Authorization: Bearer', build: (c) => get(VID, { authorization: `Bearer ${c.jwt()}` }), expect: OK(VID) },
  { name: 'control: cookie urlseal=', build: (c) => get(VID, { cookie: `theme=dark; urlseal=${c.jwt()}` }), expect: OK(VID) },
  { name: 'control: HS384 (oct key)', build: (c) => get(q(VID, c.jwt({ kid: 'h384' }))), expect: OK(VID), hs256Only: DENY('ERR_ALG_NOT_ALLOWED') },
  { name: 'control: HS512 (oct key)', build: (c) => get(q(VID, c.jwt({ kid: 'h512' }))), expect: OK(VID), hs256Only: DENY('ERR_ALG_NOT_ALLOWED') },
  { name: 'control: ES256 (EC P-256 public key)', build: (c) => get(q(VID, c.jwt({ kid: 'p1' }))), expect: OK(VID), hs256Only: DENY('ERR_ALG_NOT_ALLOWED') },
  { name: 'control: EdDSA (Ed25519 public key)', build: (c) => get(q(VID, c.jwt({ kid: 'e1' }))), expect: OK(VID), hs256Only: DENY('ERR_ALG_NOT_ALLOWED') },
  {
    name: 'control: secure-token, current secret',
    build: (c) => get(`${VID}?st=${c.st(VID, E)}&e=${E}&x=1`),
    expect: OK(`${VID}?x=1`),
  },
  {
    name: 'control: secure-token, previous secret (rotation)',
    build: (c) => get(`${VID}?st=${c.st(VID, E, ST_OLD_SECRET)}&e=${E}`),
    expect: OK(VID),
  },
  {
    name: 'control: secure-token over a percent-encoded path (MAC over the decoded path)',
    build: (c) => get(`/videos/my%20file.mp4?st=${c.st('/videos/my file.mp4', E)}&e=${E}`),
    expect: OK('/videos/my%20file.mp4'),
  },
  { name: 'control: HEAD with a valid token', build: (c) => ({ method: 'HEAD', url: q(VID, c.jwt()), headers: {} }), expect: OK(VID) },
  {
    name: 'control: Range with a valid token reaches the origin (206 as at the origin)',
    build: (c) => get(q(VID, c.jwt()), { range: 'bytes=0-3' }),
    expect: { status: 206, code: null, forward: VID },
  },
  {
    name: 'control: 16 patterns (the maximum), request matches the last',
    build: (c) => get(q('/videos/p15.mp4', c.jwt({ claims: { path: SIXTEEN } }))),
    expect: OK('/videos/p15.mp4'),
  },
  {
    name: 'control: percent-encoded UTF-8 path, grant in decoded form',
    build: (c) => get(q('/cursos/aula-%C3%A7%C3%A3o.mp4', c.jwt({ claims: { path: '/cursos/aula-ção.mp4' } }))),
    expect: OK('/cursos/aula-%C3%A7%C3%A3o.mp4'),
  },
  {
    name: 'control: lowercase hex escapes decode to the same canonical path',
    build: (c) => get(q('/cursos/aula-%c3%a7%c3%a3o.mp4', c.jwt({ claims: { path: '/cursos/aula-ção.mp4' } }))),
    expect: OK('/cursos/aula-%c3%a7%c3%a3o.mp4'),
  },
  {
    name: 'control: prefix grant covers the directory itself with a trailing slash',
    build: (c) => get(q('/videos/course-1/', c.jwt({ claims: { path: '/videos/course-1/*' } }))),
    expect: OK('/videos/course-1/'),
  },
  { name: 'control: exp = now - 29 (inside the leeway)', build: claim({ exp: NOW - 29 }), expect: OK(VID) },
  { name: 'control: exp = now + maxTtl exactly', build: claim({ exp: NOW + 86_400 }), expect: OK(VID) },
  { name: 'control: nbf = now + 30 (inside the leeway)', build: claim({ nbf: NOW + 30 }), expect: OK(VID) },
  { name: 'control: iat = now + 30 (inside the leeway)', build: claim({ iat: NOW + 30 }), expect: OK(VID) },
  { name: 'control: iat absent (optional at the verifier)', build: claim({ iat: undefined }), expect: OK(VID) },
  {
    name: 'control: aud/iss present but the verifier is not configured with them',
    build: claim({ aud: 'someone-else', iss: 'https://elsewhere.example' }),
    expect: OK(VID),
  },
  { name: 'control: sub and jti strings', build: claim({ sub: 'student-42', jti: 'abc-123' }), expect: OK(VID) },
  { name: 'control: a 4096-byte token (the maximum size)', build: (c) => get(q(VID, c.secret(mintJwtOfLength(4096)))), expect: OK(VID) },
  { name: 'control: ip claim equal to the client address', build: claim({ ip: '127.0.0.1' }), expect: OK(VID), noIpClaims: DENY('ERR_IP_MISMATCH') },
  { name: 'control: ip claim CIDR containing the client', build: claim({ ip: '127.0.0.0/8' }), expect: OK(VID), noIpClaims: DENY('ERR_IP_MISMATCH') },
  {
    name: 'control: secure-token with e == now is not expired (e < now expires)',
    build: (c) => get(`${VID}?st=${c.st(VID, NOW)}&e=${NOW}`),
    expect: OK(VID),
  },
  {
    name: 'control [A1]: duplicate header alg, last one (HS256) wins, MAC valid',
    build: (c) => get(q(VID, c.jwt({ headerText: '{"alg":"none","kid":"k1","alg":"HS256"}' }))),
    expect: OK(VID),
  },
  { name: 'control [A4]: jku header is ignored', build: (c) => get(q(VID, c.jwt({ header: { jku: 'https://evil.example/jwks.json' } }))), expect: OK(VID) },
  { name: 'control [A4]: x5u header is ignored', build: (c) => get(q(VID, c.jwt({ header: { x5u: 'https://evil.example/cert.pem' } }))), expect: OK(VID) },
  {
    name: 'control: Basic Authorization is not a source, the cookie is used',
    build: (c) => get(VID, { authorization: 'Basic dXNlcjpwYXNz', cookie: `urlseal=${c.jwt()}` }),
    expect: OK(VID),
  },
  {
    name: 'control [A9]: valid path token wins over a garbage query token (which is stripped)',
    build: (c) => get(`/_token/${c.jwt({ claims: { path: PREFIX } })}/videos/a.mp4?token=${c.secret('garbage.garbage.garbage')}&k=v`),
    expect: OK(`${VID}?k=v`),
  },
  {
    name: 'control [A9]: valid query token wins over a garbage cookie and Bearer',
    build: (c) => get(q(VID, c.jwt()), { cookie: 'urlseal=not-a-token', authorization: 'Bearer not.a.token' }),
    expect: OK(VID),
  },
  { name: 'control [A8]: lowercase "bearer" scheme', build: (c) => get(VID, { authorization: `bearer ${c.jwt()}` }), expect: OK(VID) },
  { name: 'control [A8]: "Bearer" followed by two spaces', build: (c) => get(VID, { authorization: `Bearer  ${c.jwt()}` }), expect: OK(VID) },

  // ---------------------------------------------------------------- SPEC v1.1: the raw target (§2)
  {
    name: 'target [A16]: a raw # after a valid query token',
    build: (c) => get(`${q(VID, c.jwt())}#frag`),
    expect: DENY('ERR_PATH_NONCANONICAL'),
    worker: OK(VID),
  },
  {
    name: 'target [A16]: a raw # that would cut the path at its parent (../#)',
    build: (c) => get(`/videos/course-1/..#/a.mp4?token=${c.jwt({ claims: { path: '/videos/*' } })}`),
    expect: DENY('ERR_PATH_NONCANONICAL'),
  },
  {
    name: 'target [A16]: a raw # in the path token prefix',
    build: (c) => get(`/_token/${c.jwt({ claims: { path: '/videos/*' } })}/videos/#/../../secret.mp4`),
    expect: DENY('ERR_PATH_NONCANONICAL'),
    worker: OK('/videos/'), // what is left after the cut, checked and forwarded as it is
  },
  {
    name: 'control [A16]: an encoded %23 is a path character, granted byte for byte',
    build: (c) => get(q('/videos/a%23b.mp4', c.jwt({ claims: { path: '/videos/a#b.mp4' } }))),
    expect: OK('/videos/a%23b.mp4'),
  },
  { name: 'target [A16]: raw non-ASCII (UTF-8) in the path', build: (c) => get(q('/videos/é.mp4', c.jwt({ claims: { path: PREFIX } }))), expect: DENY('ERR_PATH_NONCANONICAL'), rawBytes: true },
  { name: 'target [A16]: raw DEL in the path', build: (c) => get(q('/videos/a\x7fb.mp4', c.jwt({ claims: { path: PREFIX } }))), expect: DENY('ERR_PATH_NONCANONICAL'), rawBytes: true },
  { name: 'target [A16]: raw tab in the path', build: (c) => get(q('/videos/a\tb.mp4', c.jwt({ claims: { path: PREFIX } }))), expect: DENY('ERR_PATH_NONCANONICAL'), rawBytes: true },
  {
    name: 'control [A18]: a decoded path of exactly 4096 bytes, percent-encoded to 3× that',
    build: (c) => get(`/videos/${'%C3%A7'.repeat(2044)}?token=${c.jwt({ claims: { path: PREFIX } })}`),
    expect: OK(`/videos/${'%C3%A7'.repeat(2044)}`),
  },
  {
    name: 'target [A18]: a decoded path of 4097 bytes',
    build: (c) => get(`/videos/${'%C3%A7'.repeat(2044)}x?token=${c.jwt({ claims: { path: PREFIX } })}`),
    expect: DENY('ERR_PATH_NONCANONICAL'),
  },
  {
    name: 'control [A18]: a 4096-byte path after a path token',
    build: (c) => get(`/_token/${c.jwt({ claims: { path: PREFIX } })}/videos/${'a'.repeat(4088)}`),
    expect: OK(`/videos/${'a'.repeat(4088)}`),
  },

  // ---------------------------------------------------------------- SPEC v1.1: carriers (§6)
  {
    name: 'malformed: a second /_token/ segment right after the first',
    build: (c) => get(`/_token/${c.jwt({ claims: { path: '/*' } })}/_token/${c.jwt({ claims: { path: '/*' } })}/videos/a.mp4`),
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  {
    name: 'malformed: a second /_token/ segment deeper in the path',
    build: (c) => get(`/_token/${c.jwt({ claims: { path: PREFIX } })}/videos/_token/${c.jwt()}/a.mp4`),
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  { name: 'control: "Bearer" then a tab', build: (c) => get(VID, { authorization: `Bearer\t${c.jwt()}` }), expect: OK(VID) },
  { name: 'control: "Bearer" then spaces and tabs', build: (c) => get(VID, { authorization: `BEARER \t \t${c.jwt()}` }), expect: OK(VID) },
  {
    name: 'control: a Bearer header is removed even when the query token is used',
    build: (c) => get(q(VID, c.jwt()), { authorization: `Bearer\t${c.secret('an-unused-bearer-token-value')}` }),
    expect: OK(VID),
  },
  { name: 'malformed: "Bearer" then only a tab', build: () => get(VID, { authorization: 'Bearer\t' }), expect: DENY('ERR_TOKEN_MALFORMED') },
  {
    name: 'malformed [A27]: Basic then Bearer joined in one Authorization value',
    build: (c) => get(VID, { authorization: `Basic dTpw, Bearer ${c.jwt()}` }),
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  {
    name: 'malformed [A27]: a Basic line then a Bearer line',
    build: (c) => ({ ...get(VID), lines: [['authorization', 'Basic dTpw'], ['authorization', `Bearer ${c.jwt()}`]] }),
    expect: DENY('ERR_TOKEN_MALFORMED'),
    nginxRefuses: true,
    firstAuthorizationLine: DENY('ERR_TOKEN_MISSING'),
  },
  {
    name: 'malformed [A27]: a Bearer line then a Basic line',
    build: (c) => ({ ...get(VID), lines: [['authorization', `Bearer ${c.jwt()}`], ['authorization', 'Basic dTpw']] }),
    expect: DENY('ERR_TOKEN_MALFORMED'),
    nginxRefuses: true,
    firstAuthorizationLine: OK(VID),
  },
  {
    name: 'malformed [A27]: a Digest value with a Bearer element',
    build: (c) => get(VID, { authorization: `Digest username="u", realm="r",Bearer ${c.jwt()}` }),
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  {
    name: 'control [A27]: a Digest value with commas and no Bearer is no source',
    build: () => get(VID, { authorization: 'Digest username="u", realm="r", nonce="n"' }),
    expect: DENY('ERR_TOKEN_MISSING'),
  },
  {
    name: 'control [A27]: query token used; a joined Basic, Bearer value never reaches the origin',
    build: (c) => get(q(VID, c.jwt()), { authorization: `Basic dTpw, Bearer ${c.secret('an-unused-joined-bearer-value')}` }),
    expect: OK(VID),
  },
  {
    name: 'control [A27]: query token used; Basic and Bearer lines, no Bearer reaches the origin',
    build: (c) => ({ ...get(q(VID, c.jwt())), lines: [['authorization', 'Basic dTpw'], ['authorization', `Bearer ${c.secret('an-unused-bearer-line-value')}`]] }),
    expect: OK(VID),
    nginxRefuses: true,
  },
  { name: 'missing: "Bearer" glued to the token is another scheme', build: (c) => get(VID, { authorization: `Bearer${c.jwt()}` }), expect: DENY('ERR_TOKEN_MISSING') },
  { name: 'control: absolute-form target with a query token', build: (c) => get(`http://edge.test${q(VID, c.jwt())}&x=1`), expect: OK(`${VID}?x=1`) },
  {
    name: 'control: absolute-form target with a path token',
    build: (c) => get(`http://edge.test/_token/${c.jwt({ claims: { path: PREFIX } })}${VID}`),
    expect: OK(VID),
  },
  {
    name: 'target: absolute-form target with a non-canonical path',
    build: (c) => get(`http://edge.test/videos/%2e%2e/secret.mp4?token=${c.jwt({ claims: { path: '/*' } })}`),
    expect: DENY('ERR_PATH_NONCANONICAL'), whatwg: OK('/secret.mp4'),
  },
  {
    name: 'target: absolute-form target naming another host is still read as path and query',
    build: (c) => get(`http://other.test:8080${q('/videos/b.mp4', c.jwt())}`),
    expect: DENY('ERR_PATH_MISMATCH'),
  },

  // ---------------------------------------------------------------- method (first check)
  ...['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'].map<HostileCase>((method) => ({
    name: `method: ${method} with a valid token`,
    build: (c) => ({ method, url: q(VID, c.jwt()), headers: {} }),
    expect: DENY('ERR_METHOD_NOT_ALLOWED'),
  })),
  { name: 'method [A12]: POST without any token is 405, not 401', build: () => ({ method: 'POST', url: VID, headers: {} }), expect: DENY('ERR_METHOD_NOT_ALLOWED') },
  {
    name: 'method [A12]: DELETE on a non-canonical path is 405',
    build: () => ({ method: 'DELETE', url: '/videos/%2e%2e/secret', headers: {} }),
    expect: DENY('ERR_METHOD_NOT_ALLOWED'),
  },

  // ---------------------------------------------------------------- token presence
  { name: 'missing: no token at all', build: () => get(VID), expect: DENY('ERR_TOKEN_MISSING') },
  { name: 'missing: HEAD without a token', build: () => ({ method: 'HEAD', url: VID, headers: {} }), expect: DENY('ERR_TOKEN_MISSING') },
  { name: 'missing: Range without a token', build: () => get(VID, { range: 'bytes=0-3' }), expect: DENY('ERR_TOKEN_MISSING') },
  { name: 'missing: Basic Authorization only', build: () => get(VID, { authorization: 'Basic dXNlcjpwYXNz' }), expect: DENY('ERR_TOKEN_MISSING') },
  { name: 'missing [A10]: ?Token= (names are case-sensitive)', build: (c) => get(`${VID}?Token=${c.jwt()}`), expect: DENY('ERR_TOKEN_MISSING') },
  { name: 'missing: another cookie name (urlseal2=)', build: (c) => get(VID, { cookie: `urlseal2=${c.jwt()}` }), expect: DENY('ERR_TOKEN_MISSING') },
  { name: 'missing [A11]: /_token without a trailing slash is an ordinary path', build: () => get('/_token'), expect: DENY('ERR_TOKEN_MISSING') },
  {
    name: 'missing [A11]: /_token/ not at the start of the path',
    build: (c) => get(`/x/_token/${c.jwt({ claims: { path: PREFIX } })}/videos/a.mp4`),
    expect: DENY('ERR_TOKEN_MISSING'),
  },

  // ---------------------------------------------------------------- canonical request path (before token checks)
  ...(
    [
      ['%2e%2e segment', '/videos/%2e%2e/secret.mp4', DENY('ERR_PATH_MISMATCH')],
      ['%2E%2E segment', '/videos/%2E%2E/secret.mp4', DENY('ERR_PATH_MISMATCH')],
      ['raw .. segment', '/videos/../secret.mp4', DENY('ERR_PATH_MISMATCH')],
      ['%2e (single dot) segment', '/videos/%2e/a.mp4', OK('/videos/a.mp4')],
      ['/./ segment', '/videos/./a.mp4', OK('/videos/a.mp4')],
      ['trailing /..', '/videos/a/..', OK('/videos/')],
      ['// empty segment', '/videos//a.mp4'],
      ['raw ;', '/videos/a.mp4;jsessionid=1'],
      ['%3B', '/videos/a%3Bx.mp4'],
      ['%3b', '/videos/a%3bx.mp4'],
      ['%00', '/videos/a%00.mp4'],
      ['%0a', '/videos/a%0a.mp4'],
      ['%0A at the very end (a PCRE `$` would let it through)', '/videos/a.mp4%0A'],
      ['%0D', '/videos/a%0D.mp4'],
      ['%1F', '/videos/a%1F.mp4'],
      ['%7F', '/videos/a%7F.mp4'],
      ['raw backslash', '/videos\\a.mp4', OK('/videos/a.mp4')],
      ['raw backslash with ..', '/videos/a\\..\\..\\secret', DENY('ERR_PATH_MISMATCH')],
      ['%5C', '/videos/a%5C.mp4'],
      ['%5c with %2e%2e', '/videos/%2e%2e%5csecret'],
      ['%2F', '/videos/a%2F..%2Fsecret'],
      ['%2f', '/videos/a%2f.mp4'],
      ['%25', '/videos/a%25.mp4'],
      ['%252e%252e (double encoding)', '/videos/%252e%252e/secret'],
      ['invalid UTF-8 %FF', '/videos/%FF.mp4'],
      ['overlong %C0%AF', '/videos/%C0%AF.mp4'],
      ['overlong dot %C0%AE%C0%AE', '/videos/%C0%AE%C0%AE/secret'],
      ['encoded surrogate %ED%A0%80', '/videos/%ED%A0%80.mp4'],
      ['truncated UTF-8 %C3', '/videos/a%C3.mp4'],
      ['bad hex %zz', '/videos/%zz.mp4'],
      ['lone %', '/videos/a%.mp4'],
      ['truncated %2', '/videos/a%2'],
    ] as [string, string, Expectation?][]
  ).map<HostileCase>(([label, path, whatwg]) => ({
    name: `path noncanonical: ${label}`,
    build: rawPath(path),
    expect: DENY('ERR_PATH_NONCANONICAL'),
    ...(whatwg === undefined ? {} : { whatwg }),
    ...(NGINX_REFUSES.has(label) ? { nginxRefuses: true } : {}),
  })),
  {
    name: 'path noncanonical [A12]: checked before token presence (no token)',
    build: () => get('/videos/%2e%2e/secret.mp4'),
    expect: DENY('ERR_PATH_NONCANONICAL'), whatwg: DENY('ERR_TOKEN_MISSING'),
  },
  {
    name: 'path noncanonical: secure-token MAC computed over the decoded traversal path',
    build: (c) => get(`/videos/%2e%2e/secret.mp4?st=${c.st('/videos/../secret.mp4', E)}&e=${E}`),
    expect: DENY('ERR_PATH_NONCANONICAL'), whatwg: DENY('ERR_SIGNATURE_INVALID'),
  },
  {
    name: 'path noncanonical: /_token//videos/a.mp4 (empty token segment)',
    build: () => get('/_token//videos/a.mp4'),
    expect: DENY('ERR_PATH_NONCANONICAL'),
  },
  {
    name: 'path noncanonical: traversal in the rest of a path-transport URL',
    build: (c) => get(`/_token/${c.jwt({ claims: { path: PREFIX } })}/videos/%2e%2e/secret`),
    expect: DENY('ERR_PATH_NONCANONICAL'), whatwg: DENY('ERR_PATH_MISMATCH'),
  },

  // ---------------------------------------------------------------- sources: duplicates, mixes, emptiness
  { name: 'malformed: duplicated ?token', build: (c) => { const t = c.jwt(); return get(`${VID}?token=${t}&token=${t}`); }, expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: token and st both present', build: (c) => get(`${VID}?token=${c.jwt()}&st=${c.st(VID, E)}&e=${E}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: st without e', build: (c) => get(`${VID}?st=${c.st(VID, E)}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: e without st', build: () => get(`${VID}?e=${E}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: duplicated st', build: (c) => { const s = c.st(VID, E); return get(`${VID}?st=${s}&st=${s}&e=${E}`); }, expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: duplicated e', build: (c) => get(`${VID}?st=${c.st(VID, E)}&e=${E}&e=${E}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed [A10]: empty ?token=', build: () => get(`${VID}?token=`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: "Bearer" with nothing after it', build: () => get(VID, { authorization: 'Bearer' }), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: "Bearer  x" (garbage token)', build: () => get(VID, { authorization: 'Bearer  x' }), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: cookie with a bad token', build: () => get(VID, { cookie: 'urlseal=abc.def' }), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed [A10]: empty urlseal cookie', build: () => get(VID, { cookie: 'a=1; urlseal=; b=2' }), expect: DENY('ERR_TOKEN_MALFORMED') },
  {
    name: 'malformed [A9]: two urlseal cookies',
    build: (c) => { const t = c.jwt(); return get(VID, { cookie: `urlseal=${t}; urlseal=${t}` }); },
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  {
    name: 'malformed [A9]: invalid query token is not rescued by a valid cookie',
    build: (c) => get(`${VID}?token=not-a-jwt`, { cookie: `urlseal=${c.jwt()}` }),
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  {
    name: 'signature [A9]: badly signed query token is not rescued by a valid Bearer',
    build: (c) => get(q(VID, c.jwt({ signer: 'wrong' })), { authorization: `Bearer ${c.jwt()}` }),
    expect: DENY('ERR_SIGNATURE_INVALID'),
  },
  { name: 'malformed [A11]: /_token/ with nothing after it', build: () => get('/_token/'), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed [A11]: /_token/<jwt> with no rest', build: (c) => get(`/_token/${c.jwt({ claims: { path: PREFIX } })}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: /_token/<garbage>/videos/a.mp4', build: () => get('/_token/garbage/videos/a.mp4'), expect: DENY('ERR_TOKEN_MALFORMED') },
  {
    name: 'path mismatch [A11]: /_token/<jwt>/ forwards "/" which the grant does not cover',
    build: (c) => get(`/_token/${c.jwt({ claims: { path: PREFIX } })}/`),
    expect: DENY('ERR_PATH_MISMATCH'),
  },
  {
    name: 'path mismatch: /_token/ token granted for a different path',
    build: (c) => get(`/_token/${c.jwt({ claims: { path: '/videos/b.mp4' } })}/videos/a.mp4`),
    expect: DENY('ERR_PATH_MISMATCH'),
  },

  // ---------------------------------------------------------------- size and shape
  { name: 'malformed: 4097-byte token, validly signed', build: (c) => get(q(VID, c.secret(mintJwtOfLength(4097)))), expect: DENY('ERR_TOKEN_MALFORMED') },
  {
    name: 'malformed: 1 MB token',
    build: (c) => get(q(VID, c.secret(`${mintParts().header}.${'A'.repeat(1 << 20)}.${'B'.repeat(43)}`))),
    expect: DENY('ERR_TOKEN_MALFORMED'),
    oversize: true,
  },
  {
    name: 'malformed: 1 MB deeply nested claims in the cookie',
    build: (c) => get(VID, { cookie: `urlseal=${c.secret(mintJwt({ claimsText: `{"path":${'['.repeat(400_000)}` }))}` }),
    expect: DENY('ERR_TOKEN_MALFORMED'),
    oversize: true,
  },
  {
    name: 'malformed: 8 KB token (fits under the HTTP header limit)',
    build: (c) => get(q(VID, c.secret(`${mintParts().header}.${'A'.repeat(8192)}.${'B'.repeat(43)}`))),
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  { name: 'malformed: two segments', build: (c) => { const p = mintParts(); return get(q(VID, c.secret(`${p.header}.${p.payload}`))); }, expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: four segments', build: (c) => get(q(VID, c.secret(`${c.jwt()}.${mintParts().signature}`))), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: many dots', build: () => get(q(VID, '.'.repeat(200))), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: one segment', build: (c) => get(q(VID, c.secret(mintParts().payload))), expect: DENY('ERR_TOKEN_MALFORMED') },
  {
    name: 'malformed: JWS JSON serialization instead of compact',
    build: (c) => {
      const p = mintParts();
      const json = JSON.stringify({ payload: p.payload, protected: p.header, signature: p.signature });
      return get(q(VID, c.secret(encodeURIComponent(json))));
    },
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  ...[0, 1, 2].flatMap<HostileCase>((i) => {
    const seg = ['header', 'payload', 'signature'][i]!;
    return [
      {
        name: `malformed: padded ${seg} ("=")`,
        build: (c) => get(VID, { authorization: `Bearer ${c.secret(withSegment(tokenWithTail(i), i, (s) => s + '='.repeat(4 - (s.length % 4))))}` }),
        expect: DENY('ERR_TOKEN_MALFORMED'),
      },
      {
        name: `malformed: whitespace inside the ${seg} (%20 in ?token)`,
        build: (c) => get(q(VID, c.secret(withSegment(c.jwt(), i, (s) => `${s.slice(0, 4)}%20${s.slice(4)}`)))),
        expect: DENY('ERR_TOKEN_MALFORMED'),
      },
      {
        name: `malformed: standard base64 +/ in the ${seg}`,
        build: (c) => get(VID, { authorization: `Bearer ${c.secret(withSegment(tokenWithUrlsafeChar(i), i, (s) => s.replace(/-/g, '+').replace(/_/g, '/')))}` }),
        expect: DENY('ERR_TOKEN_MALFORMED'),
      },
      {
        name: `malformed: non-canonical final character of the ${seg}`,
        build: (c) => get(q(VID, c.secret(withSegment(tokenWithTail(i), i, nonCanonicalTail)))),
        expect: DENY('ERR_TOKEN_MALFORMED'),
      },
    ];
  }),
  {
    name: 'malformed: signature of 4n+1 characters',
    build: (c) => get(q(VID, c.secret(withSegment(c.jwt(), 2, (s) => `${s}AA`)))),
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  { name: 'malformed: tab before the token (%09)', build: (c) => get(q(VID, `%09${c.jwt()}`)), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: newline after the token (%0A)', build: (c) => get(q(VID, `${c.jwt()}%0A`)), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: header is not JSON', build: badJson('header', 'not json'), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: header is a JSON array', build: badJson('header', '["HS256","k1"]'), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: header is a JSON string', build: badJson('header', '"HS256"'), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: header is a JSON number', build: badJson('header', '256'), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: header is JSON null', build: badJson('header', 'null'), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: header with a leading BOM', build: badJson('header', '\uFEFF{"alg":"HS256","kid":"k1"}'), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: claims are a JSON array', build: claimText(`[${FUTURE},"${VID}"]`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: claims are a JSON string', build: claimText('"/videos/a.mp4"'), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: claims are a JSON number', build: claimText(String(FUTURE)), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: claims are JSON null', build: claimText('null'), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed: claims JSON with a trailing comma', build: claimText(`{"exp":${FUTURE},"path":"${VID}",}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  {
    name: 'malformed: claims with invalid UTF-8 (0xFF) inside a string',
    build: (c) => get(q(VID, c.jwt({ claimsText: Buffer.concat([Buffer.from(`{"exp":${FUTURE},"path":"${VID}","sub":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]) }))),
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  {
    name: 'malformed: claims with an encoded surrogate (CESU) inside a string',
    build: (c) => get(q(VID, c.jwt({ claimsText: Buffer.concat([Buffer.from(`{"exp":${FUTURE},"path":"${VID}","sub":"`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]) }))),
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  { name: 'malformed [A4]: crit header', build: (c) => get(q(VID, c.jwt({ header: { crit: ['exp'] } }))), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed [A4]: empty crit header', build: (c) => get(q(VID, c.jwt({ header: { crit: [] } }))), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed [A4]: b64:false header', build: (c) => get(q(VID, c.jwt({ header: { b64: false, crit: undefined } }))), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'malformed [A4]: b64:true header', build: (c) => get(q(VID, c.jwt({ header: { b64: true } }))), expect: DENY('ERR_TOKEN_MALFORMED') },

  // ---------------------------------------------------------------- kid and alg
  ...(['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'k'.repeat(65), 'K1', 'k1 '] as const).map<HostileCase>((kid) => ({
    name: `kid unknown: ${JSON.stringify(kid.length > 20 ? `${kid.length} chars` : kid)}`,
    build: (c) => get(q(VID, c.jwt({ header: { alg: 'HS256', kid }, signer: 'k1' }))),
    expect: DENY('ERR_KID_UNKNOWN'),
  })),
  { name: 'kid unknown [A3]: header without kid', build: (c) => get(q(VID, c.jwt({ header: { kid: undefined } }))), expect: DENY('ERR_KID_UNKNOWN') },
  ...(['none', 'None', 'NONE', 'nOnE'] as const).map<HostileCase>((a) => ({
    name: `alg: "${a}" with kid k1 and an empty signature`,
    build: alg(a),
    expect: DENY('ERR_ALG_NOT_ALLOWED'),
  })),
  { name: 'alg: "none" with a (valid-looking) HS256 MAC', build: alg('none', 'k1'), expect: DENY('ERR_ALG_NOT_ALLOWED') },
  { name: 'alg: lowercase "hs256"', build: alg('hs256', 'k1'), expect: DENY('ERR_ALG_NOT_ALLOWED') },
  { name: 'alg: missing', build: (c) => get(q(VID, c.jwt({ header: { alg: undefined } }))), expect: DENY('ERR_ALG_NOT_ALLOWED') },
  { name: 'alg: HS512 for the HS256 kid k1', build: alg('HS512', 'k1-sha384-with-k1'), expect: DENY('ERR_ALG_NOT_ALLOWED') },
  { name: 'alg: HS384 for the HS256 kid k1', build: alg('HS384', 'k1-sha384-with-k1'), expect: DENY('ERR_ALG_NOT_ALLOWED') },
  {
    name: 'alg: HS256 header for the HS384 key h384 (MACed with its bytes)',
    build: (c) => get(q(VID, c.jwt({ kid: 'h384', header: { alg: 'HS256' }, signer: 'k1-sha256-with-h384' }))),
    expect: DENY('ERR_ALG_NOT_ALLOWED'),
  },
  {
    name: 'alg: HS256 header naming the ES256 kid p1',
    build: (c) => get(q(VID, c.jwt({ kid: 'p1', header: { alg: 'HS256' }, signer: 'k1' }))),
    expect: DENY('ERR_ALG_NOT_ALLOWED'),
  },
  {
    name: 'key confusion: HS256 MACed with the EC public JWK JSON, kid p1',
    build: (c) => get(q(VID, c.jwt({ kid: 'p1', header: { alg: 'HS256' }, signer: 'p1-jwk-json' }))),
    expect: DENY('ERR_ALG_NOT_ALLOWED'),
  },
  {
    name: 'key confusion: HS256 MACed with the EC x bytes, kid p1',
    build: (c) => get(q(VID, c.jwt({ kid: 'p1', header: { alg: 'HS256' }, signer: 'p1-x-bytes' }))),
    expect: DENY('ERR_ALG_NOT_ALLOWED'),
  },
  {
    name: 'key confusion: HS256 MACed with the Ed25519 public key bytes, kid e1',
    build: (c) => get(q(VID, c.jwt({ kid: 'e1', header: { alg: 'HS256' }, signer: 'e1-x-bytes' }))),
    expect: DENY('ERR_ALG_NOT_ALLOWED'),
  },
  {
    name: 'alg: ES256 header on the HMAC kid k1 (attacker EC key)',
    build: (c) => get(q(VID, c.jwt({ kid: 'k1', header: { alg: 'ES256' }, signer: 'attacker-ec' }))),
    expect: DENY('ERR_ALG_NOT_ALLOWED'),
  },
  { name: 'alg: EdDSA header on the EC kid p1', build: (c) => get(q(VID, c.jwt({ kid: 'p1', header: { alg: 'EdDSA' }, signer: 'e1' }))), expect: DENY('ERR_ALG_NOT_ALLOWED') },
  { name: 'alg: ES384 header on the EC kid p1', build: (c) => get(q(VID, c.jwt({ kid: 'p1', header: { alg: 'ES384' }, signer: 'p1' }))), expect: DENY('ERR_ALG_NOT_ALLOWED') },
  { name: 'alg: "Ed25519" header on the EdDSA kid e1', build: (c) => get(q(VID, c.jwt({ kid: 'e1', header: { alg: 'Ed25519' }, signer: 'e1' }))), expect: DENY('ERR_ALG_NOT_ALLOWED') },
  {
    name: 'alg [A1]: duplicate header alg, last one ("none") wins',
    build: (c) => get(q(VID, c.jwt({ headerText: '{"alg":"HS256","kid":"k1","alg":"none"}', signer: 'k1' }))),
    expect: DENY('ERR_ALG_NOT_ALLOWED'),
  },
  {
    name: 'alg: alg as an array',
    build: (c) => get(q(VID, c.jwt({ header: { alg: ['HS256'] }, signer: 'k1' }))),
    expect: DENY('ERR_ALG_NOT_ALLOWED'),
  },

  // ---------------------------------------------------------------- signature
  { name: 'signature: HS256 with the wrong secret', build: (c) => get(q(VID, c.jwt({ signer: 'wrong' }))), expect: DENY('ERR_SIGNATURE_INVALID') },
  {
    name: 'signature [A2]: stripped signature (a.b.)',
    build: (c) => get(q(VID, c.secret(withSegment(c.jwt(), 2, () => '')))),
    expect: DENY('ERR_SIGNATURE_INVALID'),
  },
  {
    name: 'signature: one flipped signature character',
    build: (c) => get(q(VID, c.secret(withSegment(c.jwt(), 2, (s) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1))))),
    expect: DENY('ERR_SIGNATURE_INVALID'),
  },
  {
    name: 'signature: claims swapped in (path changed) under the original signature',
    build: (c) => {
      const good = mintParts();
      const evil = mintParts({ claims: { path: '/videos/*' } });
      return get(q('/videos/secret.mp4', c.parts(good.header, evil.payload, good.signature)));
    },
    expect: DENY('ERR_SIGNATURE_INVALID'),
  },
  {
    name: 'signature: header re-encoded with whitespace under the original signature',
    build: (c) => {
      const good = mintParts();
      return get(q(VID, c.parts(b64u('{"alg":"HS256", "kid":"k1", "typ":"JWT"}'), good.payload, good.signature)));
    },
    expect: DENY('ERR_SIGNATURE_INVALID'),
  },
  {
    name: 'signature: HS256 signature truncated to 16 bytes',
    build: (c) => get(q(VID, c.secret(withSegment(c.jwt(), 2, (s) => b64u(Buffer.from(s, 'base64url').subarray(0, 16)))))),
    expect: DENY('ERR_SIGNATURE_INVALID'),
  },
  { name: 'signature [A2]: ES256 signature DER-encoded', build: (c) => get(q(VID, c.jwt({ kid: 'p1', signer: 'p1-der' }))), expect: DENY('ERR_SIGNATURE_INVALID'), hs256Only: DENY('ERR_ALG_NOT_ALLOWED') },
  { name: 'signature: ES256 by an attacker key, kid p1', build: (c) => get(q(VID, c.jwt({ kid: 'p1', signer: 'attacker-ec' }))), expect: DENY('ERR_SIGNATURE_INVALID'), hs256Only: DENY('ERR_ALG_NOT_ALLOWED') },
  {
    name: 'signature [A4]: attacker key embedded in the jwk header',
    build: (c) => get(q(VID, c.jwt({ kid: 'p1', header: { jwk: { kty: 'EC', crv: 'P-256', x: '', y: '' } }, signer: 'attacker-ec' }))),
    expect: DENY('ERR_SIGNATURE_INVALID'), hs256Only: DENY('ERR_ALG_NOT_ALLOWED'),
  },
  {
    name: 'signature [A4]: x5c header with an attacker signature',
    build: (c) => get(q(VID, c.jwt({ kid: 'p1', header: { x5c: ['MIIBszCCAVmgAwIBAgIU'] }, signer: 'attacker-ec' }))),
    expect: DENY('ERR_SIGNATURE_INVALID'), hs256Only: DENY('ERR_ALG_NOT_ALLOWED'),
  },
  { name: 'signature: EdDSA by an attacker key, kid e1', build: (c) => get(q(VID, c.jwt({ kid: 'e1', signer: 'attacker-ed' }))), expect: DENY('ERR_SIGNATURE_INVALID'), hs256Only: DENY('ERR_ALG_NOT_ALLOWED') },
  {
    name: 'signature [A2]: EdDSA signature truncated to 63 bytes',
    build: (c) => get(q(VID, c.secret(withSegment(c.jwt({ kid: 'e1' }), 2, (s) => b64u(Buffer.from(s, 'base64url').subarray(0, 63)))))),
    expect: DENY('ERR_SIGNATURE_INVALID'), hs256Only: DENY('ERR_ALG_NOT_ALLOWED'),
  },
  {
    name: 'signature [A12]: expired token with a bad signature is 403, not 410',
    build: (c) => get(q(VID, c.jwt({ claims: { exp: NOW - 3600, iat: NOW - 3900 }, signer: 'wrong' }))),
    expect: DENY('ERR_SIGNATURE_INVALID'),
  },

  // ---------------------------------------------------------------- time claims (validly signed)
  { name: 'claim: exp missing', build: claim({ exp: undefined }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: exp as a string', build: claim({ exp: String(FUTURE) }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: exp as a float', build: claim({ exp: FUTURE + 0.5 }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: exp as raw JSON 1e400 (Infinity)', build: claimText(`{"exp":1e400,"iat":${NOW},"path":"${VID}"}`), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: exp 2^53 (not a safe integer)', build: claim({ exp: 2 ** 53 }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: exp null', build: claim({ exp: null }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: exp true', build: claim({ exp: true }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: exp as an array', build: claim({ exp: [FUTURE] }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: exp beyond maxTtl (now + 86401)', build: claim({ exp: NOW + 86_401 }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: exp far future (year 3000)', build: claim({ exp: 32_503_680_000 }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'expired [A6]: negative exp', build: claim({ exp: -1, iat: undefined }), expect: DENY('ERR_TOKEN_EXPIRED') },
  { name: 'expired [A7]: exp = now - leeway (boundary)', build: claim({ exp: NOW - 30, iat: NOW - 330 }), expect: DENY('ERR_TOKEN_EXPIRED') },
  { name: 'expired: exp an hour ago', build: claim({ exp: NOW - 3600, iat: NOW - 3900 }), expect: DENY('ERR_TOKEN_EXPIRED') },
  { name: 'expired [A12]: expired token for another path is 410 (time before grant)', build: claim({ exp: NOW - 3600, path: '/videos/b.mp4' }), expect: DENY('ERR_TOKEN_EXPIRED') },
  { name: 'claim: nbf in the future beyond the leeway (now + 31)', build: claim({ nbf: NOW + 31 }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: nbf a day ahead', build: claim({ nbf: NOW + 86_000, exp: NOW + 86_300 }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: nbf as a float', build: claim({ nbf: NOW - 0.5 }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: nbf as a string', build: claim({ nbf: String(NOW - 10) }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: nbf as a boolean', build: claim({ nbf: false }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: iat in the future beyond the leeway (now + 31)', build: claim({ iat: NOW + 31 }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: iat as a float', build: claim({ iat: NOW - 0.25 }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: iat as a string', build: claim({ iat: String(NOW) }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: iat as a boolean', build: claim({ iat: true }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim [A5]: sub as a number', build: claim({ sub: 42 }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim [A5]: jti as an object', build: claim({ jti: { id: 1 } }), expect: DENY('ERR_CLAIM_INVALID') },

  // ---------------------------------------------------------------- path claim and grant
  { name: 'claim: path missing', build: claim({ path: undefined }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: path as a number', build: claim({ path: 42 }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: path null', build: claim({ path: null }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: path as an object', build: claim({ path: { '/videos/a.mp4': true } }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: path empty array', build: claim({ path: [] }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: path empty string', build: claim({ path: '' }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim: path with 17 patterns', build: (c) => get(q('/videos/p0.mp4', c.jwt({ claims: { path: [...SIXTEEN, '/videos/p16.mp4'] } }))), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim [A5]: non-canonical pattern (/videos/../a.mp4)', build: claim({ path: '/videos/../a.mp4' }, '/a.mp4'), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim [A5]: relative pattern (videos/a.mp4)', build: claim({ path: 'videos/a.mp4' }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim [A5]: percent-escaped pattern', build: claim({ path: '/videos/a%2Emp4' }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim [A5]: pattern "*"', build: claim({ path: '*' }), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'claim [A5]: array holding a number', build: claim({ path: [VID, 7] }), expect: DENY('ERR_CLAIM_INVALID') },
  {
    name: 'claim [A5]: deeply nested arrays in path',
    build: claimText(`{"exp":${FUTURE},"path":${'['.repeat(1000)}"${VID}"${']'.repeat(1000)}}`),
    expect: DENY('ERR_CLAIM_INVALID'),
    njs: DENY('ERR_TOKEN_MALFORMED'),
  },
  { name: 'path mismatch: /videos/course-1/* vs /videos/course-10/a.mp4', build: claim({ path: '/videos/course-1/*' }, '/videos/course-10/a.mp4'), expect: DENY('ERR_PATH_MISMATCH') },
  { name: 'path mismatch: /videos/course-1/* vs /videos/course-1', build: claim({ path: '/videos/course-1/*' }, '/videos/course-1'), expect: DENY('ERR_PATH_MISMATCH') },
  { name: 'path mismatch: exact grant vs another file', build: claim({ path: '/videos/b.mp4' }), expect: DENY('ERR_PATH_MISMATCH') },
  { name: 'path mismatch: exact grant vs the same path with a trailing slash', build: claim({}, '/videos/a.mp4/'), expect: DENY('ERR_PATH_MISMATCH') },
  { name: 'path mismatch: case differs (no case folding)', build: claim({ path: '/videos/A.mp4' }), expect: DENY('ERR_PATH_MISMATCH') },
  {
    name: 'path mismatch [A15]: NFD request vs NFC grant (no Unicode normalisation)',
    build: claim({ path: '/cursos/aula-ção.mp4' }, '/cursos/aula-c%CC%A7a%CC%83o.mp4'),
    expect: DENY('ERR_PATH_MISMATCH'),
  },
  { name: 'path mismatch: 16 patterns, request matches none', build: (c) => get(q('/videos/p16.mp4', c.jwt({ claims: { path: SIXTEEN } }))), expect: DENY('ERR_PATH_MISMATCH') },

  // ---------------------------------------------------------------- ip claim
  { name: 'ip mismatch: IPv4 address', build: claim({ ip: '10.0.0.1' }), expect: DENY('ERR_IP_MISMATCH') },
  { name: 'ip mismatch: IPv4 CIDR', build: claim({ ip: '10.0.0.0/8' }), expect: DENY('ERR_IP_MISMATCH') },
  { name: 'ip mismatch: adjacent /32', build: claim({ ip: '127.0.0.2/32' }), expect: DENY('ERR_IP_MISMATCH') },
  { name: 'ip mismatch: IPv6 address', build: claim({ ip: '2001:db8::1' }), expect: DENY('ERR_IP_MISMATCH') },
  { name: 'ip mismatch: IPv6 CIDR ::1/128 vs an IPv4 client', build: claim({ ip: '::1/128' }), expect: DENY('ERR_IP_MISMATCH') },
  { name: 'ip mismatch: IPv6 CIDR 2001:db8::/32', build: claim({ ip: '2001:db8::/32' }), expect: DENY('ERR_IP_MISMATCH') },
  {
    name: 'ip mismatch: CF-Connecting-IP counts only where Cloudflare sets it (the Worker)',
    build: (c) => get(q(VID, c.jwt({ claims: { ip: '10.0.0.1' } })), { 'cf-connecting-ip': '10.0.0.1' }),
    expect: DENY('ERR_IP_MISMATCH'),
  },
  {
    name: 'ip mismatch: X-Forwarded-For is not trusted by default',
    build: (c) => get(q(VID, c.jwt({ claims: { ip: '10.0.0.1' } })), { 'x-forwarded-for': '10.0.0.1' }),
    expect: DENY('ERR_IP_MISMATCH'),
  },
  { name: 'claim [A5]: ip not an address', build: claim({ ip: 'not-an-ip' }), expect: DENY('ERR_CLAIM_INVALID'), noIpClaims: DENY('ERR_IP_MISMATCH') },
  { name: 'claim [A5]: ip with a prefix out of range (/33)', build: claim({ ip: '10.0.0.0/33' }), expect: DENY('ERR_CLAIM_INVALID'), noIpClaims: DENY('ERR_IP_MISMATCH') },
  { name: 'claim [A5]: ip as a number', build: claim({ ip: 2130706433 }), expect: DENY('ERR_CLAIM_INVALID'), noIpClaims: DENY('ERR_IP_MISMATCH') },
  { name: 'claim [A5]: ip with a trailing newline', build: claim({ ip: '127.0.0.1\n' }), expect: DENY('ERR_CLAIM_INVALID'), noIpClaims: DENY('ERR_IP_MISMATCH') },
  { name: 'path mismatch [A12]: grant checked before ip', build: claim({ ip: '10.0.0.1', path: '/videos/b.mp4' }), expect: DENY('ERR_PATH_MISMATCH') },

  // ---------------------------------------------------------------- secure-token
  { name: 'st: wrong secret', build: (c) => get(`${VID}?st=${c.st(VID, E, 'not-the-secure-token-secret-0123456789')}&e=${E}`), expect: DENY('ERR_SIGNATURE_INVALID') },
  { name: 'st: minted for another path', build: (c) => get(`${VID}?st=${c.st('/videos/b.mp4', E)}&e=${E}`), expect: DENY('ERR_SIGNATURE_INVALID') },
  { name: 'st: e changed after signing', build: (c) => get(`${VID}?st=${c.st(VID, E)}&e=${NOW + 601}`), expect: DENY('ERR_SIGNATURE_INVALID') },
  {
    name: 'st: digit shift from e into the path (/a/b1 + 9-digit e, same md5 input)',
    build: (c) => {
      const e = String(NOW + 600); // "1900000600": the legit grant is /a/b + e
      const st = c.st('/a/b', e);
      if (st !== secureToken(ST_SECRET, '/a/b1', e.slice(1))) throw new Error('forgery precondition');
      return get(`/a/b1?st=${st}&e=${e.slice(1)}`);
    },
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  {
    name: 'st: digit shift from the path into e (/v/seg + 11-digit e, same md5 input)',
    build: (c) => {
      const st = c.st('/v/seg1', E); // legit grant: /v/seg1 with e = E
      if (st !== secureToken(ST_SECRET, '/v/seg', `1${E}`)) throw new Error('forgery precondition');
      return get(`/v/seg?st=${st}&e=1${E}`);
    },
    expect: DENY('ERR_TOKEN_MALFORMED'),
  },
  {
    name: 'st: md5 length-extension forgery (glue bytes + /../secret appended to the path)',
    build: (c) => {
      const legit = Buffer.from(ST_SECRET + VID + E, 'utf8');
      const digest = createHash('md5').update(legit).digest();
      const newE = String(NOW + 700);
      const suffix = Buffer.from(`/../secret.mp4${newE}`, 'utf8');
      const ext = md5LengthExtend(digest, legit.length, suffix);
      const forgedMessage = Buffer.concat([legit, ext.glue, suffix]);
      // Proof that this is a real forgery: md5(secret ‖ path' ‖ e') equals the extended digest.
      if (!createHash('md5').update(forgedMessage).digest().equals(ext.digest)) throw new Error('length extension broken');
      const forgedPathBytes = forgedMessage.subarray(Buffer.byteLength(ST_SECRET), forgedMessage.length - 10);
      return get(`${pctEncodeBytes(forgedPathBytes)}?st=${c.secret(b64u(ext.digest))}&e=${newE}`);
    },
    // The md5 padding glue holds %00 bytes: nginx refuses the target first (A25).
    expect: DENY('ERR_PATH_NONCANONICAL'), whatwg: DENY('ERR_SIGNATURE_INVALID'), nginxRefuses: true,
  },
  { name: 'st: e with 9 digits', build: (c) => get(`${VID}?st=${c.st(VID, E.slice(1))}&e=${E.slice(1)}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: e with 11 digits', build: (c) => get(`${VID}?st=${c.st(VID, `0${E}`)}&e=0${E}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: e with a + sign', build: (c) => get(`${VID}?st=${c.st(VID, `+${E.slice(1)}`)}&e=%2B${E.slice(1)}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: e with a - sign', build: (c) => get(`${VID}?st=${c.st(VID, `-${E.slice(1)}`)}&e=-${E.slice(1)}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: e with a trailing newline (%0A)', build: (c) => get(`${VID}?st=${c.st(VID, `${E}\n`)}&e=${E}%0A`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: e with a leading space', build: (c) => get(`${VID}?st=${c.st(VID, ` ${E.slice(1)}`)}&e=%20${E.slice(1)}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: e in hex', build: (c) => get(`${VID}?st=${c.st(VID, '0x71400000')}&e=0x71400000`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: e with full-width digits', build: (c) => get(`${VID}?st=${c.st(VID, '１９０００００６００')}&e=${encodeURIComponent('１９０００００６００')}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: e in exponent form (1.9e9)', build: (c) => get(`${VID}?st=${c.st(VID, '1.90000e09')}&e=1.90000e09`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: empty e', build: (c) => get(`${VID}?st=${c.st(VID, '')}&e=`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: empty st', build: () => get(`${VID}?st=&e=${E}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: 21 characters', build: (c) => get(`${VID}?st=${c.st(VID, E).slice(0, 21)}&e=${E}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: 23 characters', build: (c) => get(`${VID}?st=${c.st(VID, E)}A&e=${E}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: with == padding', build: (c) => get(`${VID}?st=${c.st(VID, E)}%3D%3D&e=${E}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'st: standard base64 alphabet (+ /)', build: (c) => get(`${VID}?st=${encodeURIComponent(c.st(VID, E).slice(0, 20) + '+/')}&e=${E}`), expect: DENY('ERR_TOKEN_MALFORMED') },
  { name: 'expired [A7]: secure-token e = now - 1', build: (c) => get(`${VID}?st=${c.st(VID, NOW - 1)}&e=${NOW - 1}`), expect: DENY('ERR_TOKEN_EXPIRED') },
  {
    name: 'signature [A12]: expired secure-token with a wrong MAC is 403 (signature before expiry)',
    build: (c) => get(`${VID}?st=${c.st(VID, NOW - 100, 'not-the-secure-token-secret-0123456789')}&e=${NOW - 100}`),
    expect: DENY('ERR_SIGNATURE_INVALID'),
  },
  { name: 'claim [A7]: secure-token e beyond maxTtl', build: (c) => get(`${VID}?st=${c.st(VID, NOW + 86_401)}&e=${NOW + 86_401}`), expect: DENY('ERR_CLAIM_INVALID') },
  { name: 'st: secure-token over a noncanonical path (//)', build: (c) => get(`/videos//a.mp4?st=${c.st('/videos//a.mp4', E)}&e=${E}`), expect: DENY('ERR_PATH_NONCANONICAL') },
  ...SEALED_CASES,
  ...RSA_CASES,
  ...GEO_CASES,
];

/** The keyring the table is written against (re-exported for the runners). */
export { KEYRING_JSON };
