// A local stand-in for the CloudFront Functions runtime (cloudfront-js-2.0), for
// running a function built by `urlseal build cloudfront` as CloudFront would:
// a `node:vm` context with only what that runtime documents (no Map, Set,
// timers, TextDecoder, WebCrypto; `require('crypto')` with createHash/createHmac
// for md5, sha1 and sha256 and hex/base64/base64url digests; `Buffer`; `Date`
// frozen for the run), events of CloudFront's shape, and its answers read back
// as what the viewer gets or the origin sees (A21).
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import vm from 'node:vm';
import { expect } from 'vitest';
import { assertDenial, assertForward, assertNoCarrier, type EdgeAnswer, type SeenByOrigin } from './assertions.js';
import { headerLines, type Ctx, type Expectation, type HostileCase, type HostileRequest } from './cases.js';

interface Value {
  value: string;
  multiValue?: { value: string }[];
  /** The spelling of AWS's sample test events (test/edges/fixtures/aws-samples); functions read it as multiValue. */
  multivalue?: { value: string }[];
}
type Values = Record<string, Value>;

/** A viewer-request event, as CloudFront builds it. */
export interface CloudFrontEvent {
  version: '1.0';
  context: { eventType: 'viewer-request' };
  viewer: { ip: string };
  request: { method: string; uri: string; querystring: Values; headers: Values; cookies: Values };
}

/** What a function returned: the request to go on with, or a response of its own. */
export type CloudFrontResult =
  | { statusCode: number; headers: Values; body?: { encoding: string; data: string } | string }
  | CloudFrontEvent['request'];

const ALGORITHMS = ['md5', 'sha1', 'sha256'];
const ENCODINGS = ['hex', 'base64', 'base64url'];

function digestOf(hash: Hash | Hmac): unknown {
  const digest = {
    update(data: string | Uint8Array) {
      hash.update(data);
      return digest;
    },
    digest(encoding?: string) {
      if (encoding !== undefined && !ENCODINGS.includes(encoding)) throw new Error(`CloudFront digests to hex, base64 or base64url, not ${encoding}`);
      return encoding === undefined ? hash.digest() : hash.digest(encoding as 'hex');
    },
  };
  return digest;
}

function algorithm(name: string): string {
  if (!ALGORITHMS.includes(name)) throw new Error(`CloudFront's crypto has md5, sha1 and sha256, not ${name}`);
  return name;
}

/** CloudFront's `crypto` module: Node's API, three algorithms, three digest encodings. */
const CLOUDFRONT_CRYPTO = Object.freeze({
  createHash: (name: string) => digestOf(createHash(algorithm(name))),
  createHmac: (name: string, key: string | Uint8Array) => digestOf(createHmac(algorithm(name), key)),
});

// Built-ins V8 has and CloudFront Functions do not document; removed so a
// function that leans on one fails here as it would there.
const MISSING = `
  for (const name of ['Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Proxy', 'Reflect',
    'SharedArrayBuffer', 'Atomics', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Intl', 'WebAssembly', 'eval']) delete globalThis[name];
  delete Object.hasOwn; delete Object.fromEntries; delete Array.from; delete Array.prototype.at; delete Array.prototype.flat;
  delete Array.prototype.flatMap; delete String.prototype.at; delete String.prototype.replaceAll; delete String.prototype.matchAll;
`;

/** Options of a runtime: the frozen clock and, for a KeyValueStore function, the store's entries. */
export interface RuntimeOptions {
  nowMs: number;
  kvs?: ReadonlyMap<string, string>;
  /** Keys whose reads fail as a failing store's do (`exists` and `get` reject). */
  failKeys?: readonly string[];
  /** Every key the function reads (`get` or `exists`), in order. */
  reads?: string[];
}

/**
 * Loads a function's code into a fresh CloudFront-like context and returns its
 * `handler`. A KeyValueStore function's first line (`import cf from
 * 'cloudfront'`, which a script context cannot run) becomes a binding to a
 * store over `kvs`, whose `get` rejects a missing key as CloudFront's does and
 * whose `exists` tells whether there is one.
 */
export function loadCloudFrontFunction(code: string, options: RuntimeOptions): (event: CloudFrontEvent) => Promise<CloudFrontResult> {
  const context = vm.createContext({});
  vm.runInContext(`${MISSING}\nDate.now = () => ${options.nowMs};`, context);
  context.require = (name: string) => {
    if (name !== 'crypto') throw new Error(`CloudFront Functions have no module ${name}`);
    return CLOUDFRONT_CRYPTO;
  };
  context.Buffer = Buffer;
  const importLine = "import cf from 'cloudfront';\n";
  let script = code;
  if (code.startsWith(importLine)) {
    const store = options.kvs ?? new Map<string, string>();
    const failing = new Set(options.failKeys ?? []);
    const read = (key: string) => {
      options.reads?.push(key);
      return failing.has(key) ? Promise.reject(new Error('KeyValueStore unavailable')) : undefined;
    };
    context.__cloudfront = {
      kvs: () => ({
        get: (key: string) => read(key) ?? (store.has(key) ? Promise.resolve(store.get(key)) : Promise.reject(new Error('The key was not found'))),
        exists: (key: string) => read(key) ?? Promise.resolve(store.has(key)),
      }),
    };
    script = `var cf = __cloudfront;\n${code.slice(importLine.length)}`;
  }
  vm.runInContext(script, context, { filename: 'cloudfront-function.js' });
  const handler = context.handler as (event: CloudFrontEvent) => unknown;
  if (typeof handler !== 'function') throw new Error('the function defines no top-level handler');
  return async (event) => (await handler(event)) as CloudFrontResult;
}

function add(values: Values, name: string, value: string): void {
  const entry = values[name];
  if (entry === undefined) values[name] = { value };
  else (entry.multiValue ??= [{ value: entry.value }]).push({ value });
}

/** The event CloudFront builds from a raw request (A21). */
export function cloudFrontEvent(request: HostileRequest, clientIp: string): CloudFrontEvent {
  let target = request.url;
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/.exec(target);
  if (absolute !== null) target = target.slice(absolute[0].length) || '/';
  const q = target.indexOf('?');
  const querystring: Values = {};
  if (q >= 0) {
    for (const part of target.slice(q + 1).split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      add(querystring, eq < 0 ? part : part.slice(0, eq), eq < 0 ? '' : part.slice(eq + 1));
    }
  }
  const headers: Values = { host: { value: 'edge.test' } };
  const cookies: Values = {};
  for (const [rawName, value] of headerLines(request)) {
    const name = rawName.toLowerCase();
    if (name !== 'cookie') {
      add(headers, name, value);
      continue;
    }
    for (const pair of value.split(';')) {
      const trimmed = pair.trim();
      if (trimmed === '') continue;
      const eq = trimmed.indexOf('=');
      add(cookies, eq < 0 ? trimmed : trimmed.slice(0, eq), eq < 0 ? '' : trimmed.slice(eq + 1));
    }
  }
  return {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: clientIp },
    request: { method: request.method, uri: q < 0 ? target : target.slice(0, q), querystring, headers, cookies },
  };
}

function valuesOf(entry: Value): string[] {
  return entry.multiValue === undefined ? [entry.value] : entry.multiValue.map((item) => item.value);
}

function pairs(values: Values): string[] {
  return Object.entries(values).flatMap(([name, entry]) => valuesOf(entry).map((value) => `${name}=${value}`));
}

/**
 * A function's result as the client gets it (a denial) or as the origin sees
 * it (the request CloudFront forwards: uri, query, headers and cookies).
 */
export function readResult(result: CloudFrontResult, method: string): { denied: EdgeAnswer } | { forwarded: SeenByOrigin } {
  if ('statusCode' in result) {
    const headers: Record<string, string> = {};
    for (const [name, entry] of Object.entries(result.headers ?? {})) headers[name] = valuesOf(entry).join(', ');
    const body = typeof result.body === 'string' ? result.body : result.body?.data ?? '';
    return { denied: { status: result.statusCode, headers, body, method } };
  }
  const query = pairs(result.querystring);
  const headers: Record<string, string> = {};
  for (const [name, entry] of Object.entries(result.headers)) headers[name] = valuesOf(entry).join(', ');
  const cookie = pairs(result.cookies);
  if (cookie.length > 0) headers.cookie = cookie.join('; ');
  return { forwarded: { method: result.method, target: query.length === 0 ? result.uri : `${result.uri}?${query.join('&')}`, headers } };
}

/** Whether a request carries `st` or `e` (A21: such a case goes to the secure-token function). */
export function carriesSecureToken(request: HostileRequest): boolean {
  const q = request.url.indexOf('?');
  if (q < 0) return false;
  return request.url
    .slice(q + 1)
    .split('&')
    .some((part) => {
      const name = part.split('=')[0] ?? '';
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replaceAll('+', ' '));
      } catch {
        // an undecodable name is no carrier
      }
      return decoded === 'st' || decoded === 'e';
    });
}

/** The answer a CloudFront Function owes a case (A19, A20, A26, A28, A30). */
export function cloudFrontExpectation(hostile: HostileCase): Expectation {
  return hostile.noSealed ?? hostile.noIpClaims ?? hostile.hs256Only ?? hostile.cloudfrontCountry ?? hostile.expect;
}

/** Checks one function result against the table: the grant forwarded without a carrier, or the SPEC §7 denial. */
export function checkCloudFrontResult(hostile: HostileCase, ctx: Ctx, request: HostileRequest, raw: CloudFrontResult, engine?: Expectation): void {
  const result = readResult(raw, request.method);
  const want = engine ?? cloudFrontExpectation(hostile);
  if (want.code === null) {
    expect('forwarded' in result, `granted, got ${JSON.stringify(result)}`).toBe(true);
    if (!('forwarded' in result)) return;
    expect(result.forwarded.method).toBe(request.method);
    if (want.forward) assertForward(result.forwarded, want.forward);
    assertNoCarrier(result.forwarded, ctx.secrets);
  } else {
    expect('denied' in result, `denied, got ${JSON.stringify(result)}`).toBe(true);
    if ('denied' in result) assertDenial(result.denied, want, ctx.secrets);
  }
}
