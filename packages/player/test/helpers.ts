import { createServer, type IncomingMessage, type Server } from 'node:http';

/** An unsigned JWT-shaped token with these claims (the player never verifies; the edge does). */
export function jwt(claims: Record<string, unknown>, signature = 'sig'): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'EdDSA', kid: 'k1', typ: 'JWT' })}.${part(claims)}.${signature}`;
}

/** The issuer's clock in the tests, Unix seconds. */
export const T0 = 1_800_000_000;

/** A token issued at `iat` (Unix seconds) that lives `ttl` seconds; `n` makes it unique. */
export function tokenAt(iat: number, ttl: number, n = 0): string {
  return jwt({ path: '/videos/a/*', iat, exp: iat + ttl }, `sig${n}`);
}

/** A manual clock in ms. */
export function clock(start = 1_800_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** A refresh() that hands out the given values in turn and counts its calls. */
export function refresher(...values: Array<string | Error>): { refresh: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    refresh: async () => {
      const value = values[Math.min(calls, values.length - 1)];
      calls += 1;
      if (value instanceof Error) throw value;
      return value as string;
    },
    calls: () => calls,
  };
}

/** Lets queued promise callbacks run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

export interface EdgeStub {
  readonly url: string;
  /** Every request: path as received. */
  readonly seen: string[];
  /** Status the edge answers for a token (default 200); the code goes in x-urlseal-error. */
  answer(token: string, status: number, code?: string): void;
  close(): Promise<void>;
}

/**
 * A tiny stand-in for the edge on 127.0.0.1: reads the token from /_token/<jwt>/
 * or ?token=, answers the status set for it (200 with a few bytes by default),
 * and denials as the edge does (JSON body, x-urlseal-error, exposed to CORS).
 */
export async function startEdgeStub(): Promise<EdgeStub> {
  const answers = new Map<string, { status: number; code?: string }>();
  const seen: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const target = req.url ?? '/';
    seen.push(target);
    const token = /^\/_token\/([^/]+)\//.exec(target)?.[1] ?? new URL(target, 'http://x').searchParams.get('token') ?? '';
    const { status, code } = answers.get(token) ?? { status: 200 };
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'x-urlseal-error');
    if (status === 200) return void res.writeHead(200, { 'Content-Type': 'video/mp2t' }).end(Buffer.alloc(16, 1));
    res.writeHead(status, { 'Content-Type': 'application/json', 'x-urlseal-error': code ?? 'ERR' }).end(JSON.stringify({ error: code }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    answer: (token, status, code) => void answers.set(token, { status, ...(code ? { code } : {}) }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A token the stand-in edge refuses as tampered (403 ERR_SIGNATURE_INVALID), with
 * source options whose refresh counts its calls and whose onDenied records what it saw.
 */
export function tamperedCase(edge: EdgeStub, n: number) {
  const token = tokenAt(T0, 300, n);
  edge.answer(token, 403, 'ERR_SIGNATURE_INVALID');
  const denied: Array<[number, string | null]> = [];
  const { refresh, calls } = refresher(tokenAt(T0, 300, n + 1000));
  return { token, denied, calls, options: { token, refresh, onDenied: (status: number, code: string | null) => void denied.push([status, code]) } };
}
