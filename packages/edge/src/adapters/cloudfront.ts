// CloudFront Functions (viewer-request, cloudfront-js-2.0): the verifier as a
// function CloudFront runs before its cache. A thin adapter: the event becomes
// a RequestView, the Decision becomes the request CloudFront goes on with
// (every carrier removed) or a SPEC §7 denial.
//
// The keyring was validated by `urlseal build cloudfront` (Node) and arrives
// here as plain data, so no keyring or option validation ships in the 10 KB
// function. This module and everything it imports stay on the JavaScript floor
// (scripts/floor.js): ES5.1 plus let/const, arrows, templates, rest params; no
// Map/Set, no TextDecoder, no timers; crypto is `require('crypto')`
// (createHmac/createHash: md5, sha1, sha256) and `Buffer`.
import { isBearer, isCarrierParam, type TokenParams } from '../carriers.js';
import { DENIAL_STATUS, type DenialCode } from '../codes.js';
import type { SecureTokenCheck } from '../crypto/backend.js';
import { decide, isThenable, type Decision, type MaybeAsync, type RequestView } from '../decide.js';
import { createJwtParser } from '../jwt.js';
import { constantTimeEqualString } from '../lib/compare.js';
import { hasOwn } from '../lib/own.js';
import type { KeySource, Prepared, PreparedKey } from '../prepare.js';
import { denialAnswer } from '../respond.js';

/**
 * What `urlseal build cloudfront` inlines into the function: the keyring and
 * options, validated and resolved in Node. JSON, so a kid such as `__proto__`
 * stays data.
 */
export interface CloudFrontConfig {
  /**
   * JWT keys as `[kid, alg, base64url secret]`. Only HS256 carries a secret:
   * a key of another algorithm is listed without one, so its tokens answer
   * `ERR_ALG_NOT_ALLOWED` (CloudFront has no public-key or SHA-384/512 verify).
   * Absent when the keys are read from a KeyValueStore, one per kid.
   */
  readonly keys?: readonly (readonly string[])[];
  /** Secure-token secrets, base64url, the signing one first. Absent with a KeyValueStore. */
  readonly secureToken?: readonly string[];
  readonly maxTtl: number;
  readonly leeway: number;
  /** Statuses that differ from SPEC §7 (the `cloudfront` preset, `statuses`); the rest are SPEC's. */
  readonly statuses?: Readonly<Partial<Record<DenialCode, number>>>;
  readonly params: TokenParams;
}

/** The parts of CloudFront's `crypto` module the function uses (Node's API, fewer algorithms). */
export interface CloudFrontCrypto {
  createHmac(algorithm: 'sha256', key: Uint8Array): CloudFrontDigest;
  createHash(algorithm: 'md5'): CloudFrontDigest;
}

/** A hash or HMAC in progress. */
export interface CloudFrontDigest {
  update(data: string | Uint8Array): CloudFrontDigest;
  digest(encoding: 'base64url'): string;
}

/** `{ value }`, with `multiValue` when a name repeats. */
interface CloudFrontValue {
  value: string;
  multiValue?: { value: string }[];
}

type CloudFrontValues = Record<string, CloudFrontValue>;

/** The request half of a viewer-request event; returned (changed) to let it through. */
export interface CloudFrontRequest {
  readonly method: string;
  uri: string;
  querystring: CloudFrontValues;
  headers: CloudFrontValues;
  cookies: CloudFrontValues;
}

/** A viewer-request event (the fields the function reads). */
export interface CloudFrontEvent {
  readonly request: CloudFrontRequest;
  readonly viewer?: { readonly ip?: string };
}

/** A response generated at the edge: the denial. */
export interface CloudFrontResponse {
  readonly statusCode: number;
  readonly headers: CloudFrontValues;
  readonly body: { readonly encoding: 'text'; readonly data: string };
}

const HS256 = 'HS256';
const HS256_SIGNATURE_LENGTH = 43; // base64url of 32 bytes

/** The bytes of a base64url secret. */
export function bytes(base64url: string): Uint8Array {
  return Buffer.from(base64url, 'base64url');
}

/**
 * A JWS segment as strict UTF-8 text. Buffer would repair invalid UTF-8 with
 * U+FFFD; decodeURIComponent over the hex bytes refuses it, as SPEC §4 wants.
 */
function decodeSegmentText(segment: string): string | undefined {
  try {
    return decodeURIComponent(Buffer.from(segment, 'base64url').toString('hex').replace(/../g, '%$&'));
  } catch {
    return undefined;
  }
}

/** An HS256 key checked with CloudFront's createHmac. */
export function hs256Key(crypto: CloudFrontCrypto, secret: Uint8Array): PreparedKey {
  return {
    alg: HS256,
    signatureLength: HS256_SIGNATURE_LENGTH,
    // The MAC is compared as canonical base64url text (the parser checked the segment).
    check: (signingInput, signature) =>
      constantTimeEqualString(crypto.createHmac('sha256', secret).update(signingInput).digest('base64url'), signature),
  };
}

/** A secure-token secret checked with CloudFront's createHash('md5'). */
export function secureTokenCheck(crypto: CloudFrontCrypto, secret: Uint8Array): SecureTokenCheck {
  return (path, expires, st) =>
    constantTimeEqualString(crypto.createHash('md5').update(secret).update(path + expires).digest('base64url'), st);
}

/**
 * How a function is put together (one entry file per kind): where its secrets
 * come from, and which checks it carries. A CloudFront Function holds 10 KB,
 * so it verifies one scheme (the other answers as with no key for it) and
 * checks JWT claims without `ip` and `aud`/`iss` (see docs/deploy/cloudfront.md).
 */
export type Wiring = Pick<Prepared, 'keys' | 'secureToken' | 'checkJwt' | 'checkSecureToken' | 'checkClaims'>;

/** A kid whose algorithm this runtime cannot verify: known, so its tokens answer ERR_ALG_NOT_ALLOWED. */
export function unverifiableKey(alg: string): PreparedKey {
  return { alg: alg as PreparedKey['alg'], signatureLength: 0, check: () => false };
}

/**
 * The JWT keys inlined by `urlseal build cloudfront`, in a prototype-less
 * table read by own property only, so a kid such as `constructor` or
 * `__proto__` names nothing unless the keyring has it.
 */
export function inlineKeys(config: CloudFrontConfig, crypto: CloudFrontCrypto): KeySource {
  const table: Record<string, PreparedKey> = Object.create(null);
  (config.keys as readonly (readonly string[])[]).forEach((entry) => {
    const secret = entry[2];
    table[entry[0] as string] =
      secret === undefined ? unverifiableKey(entry[1] as string) : hs256Key(crypto, bytes(secret));
  });
  return { get: (kid) => (hasOwn(table, kid) ? table[kid] : undefined) };
}

/** The secure-token secrets inlined by `urlseal build cloudfront`. */
export function inlineSecureToken(config: CloudFrontConfig, crypto: CloudFrontCrypto): () => readonly SecureTokenCheck[] {
  const checks = (config.secureToken as readonly string[]).map((secret) => secureTokenCheck(crypto, bytes(secret)));
  return () => checks;
}

function prepare(config: CloudFrontConfig, wiring: Wiring): Prepared {
  return Object.assign(wiring, {
    parseJwt: createJwtParser(decodeSegmentText),
    // aud/iss are not checked here, as SPEC §4 says of a verifier not configured with them.
    policy: { leeway: config.leeway, maxTtl: config.maxTtl },
    // Only HMAC-SHA256 can be checked here; other keys answer ERR_ALG_NOT_ALLOWED, as `algorithms: ['HS256']` does.
    algorithms: { has: (alg: string) => alg === HS256 },
    params: config.params,
    statuses: Object.assign({}, DENIAL_STATUS, config.statuses),
    // CloudFront freezes Date for the run: every check of one request sees one instant.
    clock: () => Date.now(),
  });
}

/** Every value of a name: `multiValue` when it repeats, else `value`. */
function valuesOf(entry: CloudFrontValue): string[] {
  return entry.multiValue === undefined ? [entry.value] : entry.multiValue.map((item) => item.value);
}

/**
 * Every `name=value` pair, repeats included, joined: the query or the Cookie
 * header as the viewer sent it (CloudFront keeps query names and values
 * percent-encoded, and lifts cookies out of the headers).
 */
function joined(values: CloudFrontValues, separator: string): string {
  const pairs: string[] = [];
  // CloudFront's values are plain JSON-like objects: for-in sees their own names only.
  for (const name in values) valuesOf(values[name] as CloudFrontValue).forEach((value) => pairs.push(`${name}=${value}`));
  return pairs.join(separator);
}

function view(event: CloudFrontEvent): RequestView {
  const request = event.request;
  const query = joined(request.querystring, '&');
  return {
    method: request.method,
    target: query === '' ? request.uri : `${request.uri}?${query}`,
    // The decision asks for `authorization` and `cookie` only. Repeated headers are
    // joined as a Web runtime joins them: two Bearer tokens make one malformed source.
    header: (name) => {
      if (name === 'cookie') return joined(request.cookies, '; ') || undefined;
      const entry = request.headers[name];
      return entry === undefined ? undefined : valuesOf(entry).join(', ');
    },
    // No clientIp: these functions check no `ip` claim (10 KB; a token with one is denied).
  };
}

/** The request CloudFront goes on with: the granted path, and no token carrier left anywhere (SPEC §7). */
function forward(request: CloudFrontRequest, target: string, params: TokenParams): CloudFrontRequest {
  const q = target.indexOf('?');
  request.uri = q < 0 ? target : target.slice(0, q);
  const querystring = request.querystring;
  for (const name in querystring) if (isCarrierParam(name, params)) delete querystring[name];
  delete request.cookies[params.cookie];
  const headers = request.headers;
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const values = valuesOf(authorization);
    const kept = values.filter((value) => !isBearer(value));
    if (kept.length === 0) delete headers.authorization;
    // A changed multiValue list is what CloudFront applies; `value` alone would keep the other lines.
    else if (kept.length < values.length) headers.authorization = { value: kept[0] as string, multiValue: kept.map((value) => ({ value })) };
  }
  return request;
}

function denial(decision: Extract<Decision, { ok: false }>): CloudFrontResponse {
  const answer = denialAnswer(decision.code, decision.status);
  const headers: CloudFrontValues = {};
  for (const name in answer.headers) headers[name] = { value: answer.headers[name] as string };
  return { statusCode: answer.status, headers, body: { encoding: 'text', data: answer.body } };
}

/** The viewer-request handler. */
export type CloudFrontHandler = (event: CloudFrontEvent) => MaybeAsync<CloudFrontRequest | CloudFrontResponse>;

/**
 * Makes the viewer-request handler: synchronous with inline keys, a promise
 * when keys come from a KeyValueStore. Never throws: `decide` turns every
 * failure into a denial.
 *
 * @example
 * ```ts
 * const handle = createHandler(config, wiring);
 * ```
 */
export function createHandler(config: CloudFrontConfig, wiring: Wiring): CloudFrontHandler {
  const prepared = prepare(config, wiring);
  const answer = (request: CloudFrontRequest, decision: Decision): CloudFrontRequest | CloudFrontResponse =>
    decision.ok ? forward(request, decision.target, config.params) : denial(decision);
  // `decide` never throws. An event without the fields CloudFront always sends
  // would throw here, and CloudFront answers a failed function 503: still closed.
  return (event) => {
    const decided = decide(prepared, view(event));
    return isThenable(decided) ? decided.then((decision) => answer(event.request, decision)) : answer(event.request, decided);
  };
}
