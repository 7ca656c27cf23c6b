// Running the hostile table over real HTTP: a raw-socket client (the request line goes out
// byte for byte, so nothing on the client side normalises or refuses a target) and the
// checks every HTTP runner shares (serve, Express, the Worker in workerd, Vercel, Deno, nginx).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { describe, expect, test } from 'vitest';
import { assertDenial, assertForward, assertNoCarrier, type EdgeAnswer, type SeenByOrigin } from './assertions.js';
import { CASES, Ctx, type Expectation, type HostileCase, type HostileRequest } from './cases.js';

export const ORIGIN_BODY = 'origin-body-0123456789';

export interface Sent extends EdgeAnswer {
  /** The server cut the connection without an answer. */
  reset: boolean;
}

function parseResponse(raw: Buffer, method: string): Sent {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '', method, reset: true };
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = raw.subarray(end + 4);
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
    const chunks: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = body.indexOf('\r\n', at);
      const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16);
      if (!(size > 0)) break;
      chunks.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(chunks);
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8'), method, reset: false };
}

/** Sends one request over a fresh TCP connection, the target written exactly as given. */
export function sendRaw(port: number, request: HostileRequest, extraHeaders: Record<string, string> = {}): Promise<Sent> {
  const { method, url, headers } = request;
  const lines = [`${method} ${url} HTTP/1.1`, 'Host: edge.test'];
  for (const [name, value] of Object.entries({ ...headers, ...extraHeaders })) lines.push(`${name}: ${value}`);
  for (const [name, value] of request.lines ?? []) lines.push(`${name}: ${value}`);
  lines.push('Connection: close', '', '');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    // write, not end: a half-closed client makes some servers drop the answer still in flight
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.from(lines.join('\r\n'), 'utf8')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Node's parser may cut an oversize or unparsable request before answering (A13).
    socket.on('error', () => resolve({ status: 0, headers: {}, body: '', method, reset: true }));
    socket.on('close', () => resolve(parseResponse(Buffer.concat(chunks), method)));
  });
}

/**
 * The answer an HTTP runner got, checked against the table. `expectation` overrides the
 * case's own when a runtime legitimately differs (documented at the override).
 */
export function checkAnswer(hostile: HostileCase, ctx: Ctx, request: HostileRequest, answer: Sent, seen: SeenByOrigin[], expectation: Expectation = hostile.expect): void {
  const refusedByParser = answer.reset || answer.status === 431 || (hostile.rawBytes === true && answer.status === 400);
  if ((hostile.oversize || hostile.rawBytes) && refusedByParser) {
    // refused by the HTTP parser before the edge (A13, A16): acceptable, but never granted
    expect(seen).toHaveLength(0);
    return;
  }
  expect(answer.reset, 'connection reset').toBe(false);
  if (expectation.code === null) {
    expect({ status: answer.status, code: answer.headers['x-urlseal-error'] ?? null }).toEqual({ status: expectation.status, code: null });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe(request.method);
    if (request.method !== 'HEAD') expect(answer.body).toBe(expectation.status === 206 ? ORIGIN_BODY.slice(0, 4) : ORIGIN_BODY);
    if (expectation.status === 206) expect(answer.headers['content-range']).toBe(`bytes 0-3/${ORIGIN_BODY.length}`);
    if (expectation.forward) assertForward(seen[0]!, expectation.forward);
  } else {
    assertDenial(answer, expectation, ctx.secrets);
    expect(seen, 'a denied request must never reach the origin').toHaveLength(0);
  }
  for (const s of seen) assertNoCarrier(s, ctx.secrets);
}

/** One running edge the table is sent to over HTTP, and how its runtime legitimately differs. */
export interface HttpEdge {
  /** The edge's port on 127.0.0.1 (read when each case runs, after beforeAll started it). */
  port(): number;
  /** What the recording origin saw, emptied before each case. */
  readonly seen: SeenByOrigin[];
  /** Headers the platform adds to every request (e.g. its client-address header). */
  readonly headers?: Record<string, string>;
  /** The expectation in this runtime, when it differs from the case's own (documented at the override). */
  expectation?(hostile: HostileCase): Expectation;
  /** Whether the server in front of the edge code answered this itself (before the edge ran): allowed, but never granted. */
  refusedBeforeEdge?(hostile: HostileCase, answer: Sent): boolean;
  /** The cases this edge runs, when it is built without some of what the table checks (documented at the filter); default every case. */
  applies?(hostile: HostileCase): boolean;
}

/** The whole hostile table over real HTTP against one edge, each case a test. */
export function hostileTableOverHttp(title: string, edge: HttpEdge): void {
  describe(title, () => {
    const cases = edge.applies === undefined ? CASES : CASES.filter((c) => edge.applies?.(c));
    test.each(cases.map((c) => [c.name, c] as [string, HostileCase]))('%s', async (_name, hostile) => {
      const ctx = new Ctx();
      const request = hostile.build(ctx);
      edge.seen.length = 0;
      const answer = await sendRaw(edge.port(), request, edge.headers);
      if (edge.refusedBeforeEdge?.(hostile, answer)) {
        expect(answer.headers['x-urlseal-error']).toBeUndefined();
        expect(edge.seen).toHaveLength(0);
        return;
      }
      checkAnswer(hostile, ctx, request, answer, edge.seen, edge.expectation?.(hostile) ?? hostile.expect);
    });
  });
}

/** The recording origin's answer: Range gives 206, HEAD no body. */
export function originAnswer(method: string, range: string | undefined): { status: number; headers: Record<string, string>; body: string | undefined } {
  if (range) {
    return { status: 206, headers: { 'content-range': `bytes 0-3/${ORIGIN_BODY.length}`, 'content-type': 'video/mp4', 'content-length': '4' }, body: ORIGIN_BODY.slice(0, 4) };
  }
  return { status: 200, headers: { 'content-type': 'video/mp4', 'content-length': String(ORIGIN_BODY.length) }, body: method === 'HEAD' ? undefined : ORIGIN_BODY };
}

/** Node's parsed headers as one string each. */
export function flat(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** The origin behind an HTTP runner's edge: records every request into `seen`, answers {@link originAnswer}. */
export interface RecordingOrigin {
  readonly server: Server;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a {@link RecordingOrigin} on a free 127.0.0.1 port. */
export async function startRecordingOrigin(seen: SeenByOrigin[]): Promise<RecordingOrigin> {
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', target: req.url ?? '', headers: flat(req.headers) });
    const answer = originAnswer(req.method ?? '', req.headers.range);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
