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
import { forwardHeader, forwardsAuthorization, type TokenParams } from '../../contract/carriers.js';
import { decide, isThenable, type Decision, type MaybeAsync, type RequestView } from '../../core/decide.js';
import { denialAnswer } from '../../core/respond.js';
import { prepareBuilt, type BuiltConfig, type CryptoModule, type Wiring } from '../../core/crypto/module.js';

/** What `urlseal build cloudfront` writes into the function (see BuiltConfig). */
export type CloudFrontConfig = BuiltConfig;

/** The parts of CloudFront's `crypto` module the function uses (see CryptoModule). */
export type CloudFrontCrypto = CryptoModule;

/**
 * `{ value }`, with `multiValue` when a name repeats. AWS's sample test events
 * (aws-samples/amazon-cloudfront-functions) spell it `multivalue`: read as the
 * same (docs/spec.md §9); what the function writes is always `multiValue`.
 */
interface CloudFrontValue {
  value: string;
  multiValue?: { value: string }[];
  multivalue?: { value: string }[];
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

/** Every value of a name: `multiValue` (or `multivalue`) when it repeats, else `value`. */
function valuesOf(entry: CloudFrontValue): string[] {
  // The entry itself is a `{ value }`: alone, it is the one value.
  return (entry.multiValue || entry.multivalue || [entry]).map((item) => item.value);
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

/**
 * The event read once, as text: the query and the Cookie header as the viewer
 * sent them. The decision reads this text and the forward step rewrites the
 * event from what the decision kept of it, so what is checked and what is
 * stripped are one reading (a cookie named `"urlseal "`, a query value holding
 * `&token=`, a cookie value holding `; urlseal=` are carriers in both).
 */
interface EventText {
  readonly query: string;
  readonly cookie: string;
}

function read(request: CloudFrontRequest): EventText {
  return { query: joined(request.querystring, '&'), cookie: joined(request.cookies, '; ') };
}

function view(request: CloudFrontRequest, text: EventText): RequestView {
  const country = request.headers['cloudfront-viewer-country'];
  return {
    method: request.method,
    target: text.query === '' ? request.uri : `${request.uri}?${text.query}`,
    // The decision asks for `authorization` and `cookie` only. Repeated headers are
    // joined as a Web runtime joins them: two Bearer tokens make one malformed source.
    header: (name) => {
      if (name === 'cookie') return text.cookie || undefined;
      const entry = request.headers[name];
      return entry === undefined ? undefined : valuesOf(entry).join(', ');
    },
    // No clientIp: these functions check no `ip` claim (10 KB; a token with one is denied).
    // The country for `geo` claims: the header CloudFront adds when a cache or origin
    // request policy names it (docs/deploy/cloudfront.md); without it, unknown.
    country: country && country.value,
  };
}

/**
 * The inverse of `joined`: CloudFront's `{ name: { value, multiValue } }` from
 * `name=value` pairs. A null prototype: a pair named `__proto__` stays a name.
 */
function valuesFrom(text: string, separator: string): CloudFrontValues {
  const values: CloudFrontValues = Object.create(null);
  text.split(separator).forEach((pair) => {
    if (pair === '') return;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    const entry = values[name];
    if (entry === undefined) values[name] = { value };
    else (entry.multiValue = entry.multiValue || [{ value: entry.value }]).push({ value });
  });
  return values;
}

/** The request CloudFront goes on with: the granted path, and no token carrier left anywhere (SPEC §7). */
function forward(request: CloudFrontRequest, text: EventText, target: string, params: TokenParams): CloudFrontRequest {
  const q = target.indexOf('?');
  request.uri = q < 0 ? target : target.slice(0, q);
  // What the decision kept of the text it read, never a second parse of the event.
  request.querystring = valuesFrom(q < 0 ? '' : target.slice(q + 1), '&');
  // forwardHeader joins the kept cookie pairs (each trimmed) with '; '.
  request.cookies = valuesFrom(forwardHeader('cookie', text.cookie, params) || '', '; ');
  // Every Authorization line or none (forwardsAuthorization): a Basic line beside a Bearer one is dropped too.
  const authorization = request.headers.authorization;
  if (authorization !== undefined && !forwardsAuthorization(valuesOf(authorization))) delete request.headers.authorization;
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
 */
export function createHandler(config: CloudFrontConfig, wiring: Wiring): CloudFrontHandler {
  const prepared = prepareBuilt(config, wiring);
  const answer = (request: CloudFrontRequest, text: EventText, decision: Decision): CloudFrontRequest | CloudFrontResponse =>
    decision.ok ? forward(request, text, decision.target, config.params) : denial(decision);
  // `decide` never throws. An event without the fields CloudFront always sends
  // would throw here, and CloudFront answers a failed function 503: still closed.
  return (event) => {
    const request = event.request;
    const text = read(request);
    const decided = decide(prepared, view(request, text));
    return isThenable(decided) ? decided.then((decision) => answer(request, text, decision)) : answer(request, text, decided);
  };
}
