// Prometheus metrics through createEdgeServer and the Express middleware: the
// decision counters equal what was decided (checked against the access log),
// origin failures by kind, keyring reloads and age, bounded labels that never
// hold a path or a token, and a request id in the access log.
import { createHmac } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlseal } from '@urlseal/edge/express';
import { keyringFile } from '@urlseal/edge/keyring-source';
import { createMetrics, createMetricsServer, type UrlsealMetrics } from '@urlseal/edge/metrics';
import { createEdgeServer } from '@urlseal/edge/node-server';
import { KEYRING, SECRET, jwt, now, secureQuery, tamper } from './helpers.js';

/** The value of one sample of the Prometheus text, e.g. `urlseal_decisions_total{result="granted",…}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v) && Object.keys(have).length === Object.keys(labels).length) return Number(match[3]);
  }
  return undefined;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server | { close(cb: () => void): unknown; closeAllConnections?: () => void }): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function scrape(metrics: UrlsealMetrics): Promise<string> {
  return metrics.registry.metrics();
}

const dir = mkdtempSync(join(tmpdir(), 'urlseal-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createEdgeServer({ metrics })', () => {
  let origin: Server;
  let originUrl = '';
  let raw: ReturnType<typeof createNetServer>;
  let rawUrl = '';
  beforeAll(async () => {
    origin = createServer((req, res) => {
      if (req.url === '/v/slow.mp4') return; // never answers
      if (req.url === '/v/cut.mp4') {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('only part of it');
        return void setTimeout(() => res.socket?.destroy(), 20);
      }
      res.end(`origin ${req.url}`);
    });
    originUrl = await listen(origin);
    raw = createNetServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 999 Weird\r\ncontent-length: 0\r\n\r\n')));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await close(origin);
    await new Promise((resolve) => raw.close(resolve));
  });

  it('counts exactly the decisions the access log shows, with bounded labels', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const lines: string[] = [];
    const edge = createEdgeServer({ origin: originUrl, keyring: KEYRING, metrics, log: (line) => lines.push(line), originTimeout: 300 });
    const base = await listen(edge);
    try {
      const token = jwt({ path: '/v/*', sub: 'student-42' });
      const requests: Array<[string, RequestInit?]> = [
        [`${base}/_token/${token}/v/a.mp4`],
        [`${base}/v/b.mp4?token=${token}`],
        [`${base}/v/c.mp4`, { headers: { authorization: `Bearer ${token}` } }],
        [`${base}/v/d.mp4?${secureQuery('/v/d.mp4')}`],
        [`${base}/v/e.mp4`],
        [`${base}/v/f.mp4?token=${tamper(token)}`],
        [`${base}/v/g.mp4?${secureQuery('/v/other.mp4')}`],
        [`${base}/w/a.mp4?token=${token}`],
        [`${base}/v/h.mp4?token=${jwt({ path: '/v/*', exp: now() - 3600 })}`],
        [`${base}/v/i.mp4?token=abc`],
        [`${base}/v/j.mp4`, { method: 'POST' }],
        [`${base}/v/slow.mp4?token=${token}`],
        [`${base}/v/cut.mp4?token=${token}`],
      ];
      for (const [url, init] of requests) {
        const res = await fetch(url, { ...init, headers: { ...(init?.headers as object), 'x-request-id': 'req-7' } });
        await res.arrayBuffer().catch(() => undefined); // the cut body rejects
      }
      await new Promise((resolve) => setTimeout(resolve, 50)); // the last log line is written on close
      const text = await scrape(metrics);
      const expected: Array<[Record<string, string>, number]> = [
        [{ result: 'granted', code: 'none', scheme: 'jwt' }, 5],
        [{ result: 'granted', code: 'none', scheme: 'secure-token' }, 1],
        [{ result: 'denied', code: 'ERR_TOKEN_MISSING', scheme: 'none' }, 1],
        [{ result: 'denied', code: 'ERR_SIGNATURE_INVALID', scheme: 'jwt' }, 1],
        [{ result: 'denied', code: 'ERR_SIGNATURE_INVALID', scheme: 'secure-token' }, 1],
        [{ result: 'denied', code: 'ERR_PATH_MISMATCH', scheme: 'jwt' }, 1],
        [{ result: 'denied', code: 'ERR_TOKEN_EXPIRED', scheme: 'jwt' }, 1],
        [{ result: 'denied', code: 'ERR_TOKEN_MALFORMED', scheme: 'jwt' }, 1],
        [{ result: 'denied', code: 'ERR_METHOD_NOT_ALLOWED', scheme: 'none' }, 1],
      ];
      for (const [labels, count] of expected) expect(sample(text, 'urlseal_decisions_total', labels), JSON.stringify(labels)).toBe(count);
      const total = [...text.matchAll(/^urlseal_decisions_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      expect(total).toBe(requests.length);
      // The same numbers as the access log: one line per request, denials by code.
      const logged = lines.map((line) => JSON.parse(line) as { code: string | null; status: number; requestId?: string; detail?: string });
      expect(logged).toHaveLength(requests.length);
      expect(logged.filter((l) => l.code?.startsWith('ERR_') && !l.code.startsWith('ERR_ORIGIN')).length).toBe(total - 6);
      expect(logged.every((l) => l.requestId === 'req-7')).toBe(true);
      expect(logged.find((l) => l.code === 'ERR_TOKEN_EXPIRED')?.detail).toBe('exp');

      expect(sample(text, 'urlseal_decision_duration_seconds_count')).toBe(requests.length);
      expect(sample(text, 'urlseal_request_duration_seconds_count', { result: 'granted' })).toBe(6);
      expect(sample(text, 'urlseal_request_duration_seconds_count', { result: 'denied' })).toBe(7);
      expect(sample(text, 'urlseal_origin_errors_total', { kind: 'timeout' })).toBe(1);
      expect(sample(text, 'urlseal_origin_errors_total', { kind: 'cut' })).toBe(1);
      expect(sample(text, 'urlseal_granted_token_remaining_seconds_count', { scheme: 'jwt' })).toBe(5);
      // ttl 300 s: every granted JWT lands in the (120, 300] bucket.
      expect(sample(text, 'urlseal_granted_token_remaining_seconds_bucket', { le: '120', scheme: 'jwt' })).toBe(0);
      expect(sample(text, 'urlseal_granted_token_remaining_seconds_bucket', { le: '300', scheme: 'jwt' })).toBe(5);
      expect(sample(text, 'urlseal_keyring_loaded')).toBe(1);
      // Labels are bounded: no path, subject or token anywhere.
      for (const leak of ['/v/', 'student-42', token.slice(0, 20), 'req-7']) expect(text).not.toContain(leak);
    } finally {
      await close(edge);
    }
  });

  it('counts origins that refuse or answer what cannot be relayed', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const token = jwt({ path: '/v/*' });
    const down = createEdgeServer({ origin: 'http://127.0.0.1:9', keyring: KEYRING, metrics, log: false });
    const weird = createEdgeServer({ origin: rawUrl, keyring: KEYRING, metrics, log: false });
    const [downBase, weirdBase] = [await listen(down), await listen(weird)];
    try {
      expect((await fetch(`${downBase}/v/a.mp4?token=${token}`)).status).toBe(502);
      expect((await fetch(`${weirdBase}/v/a.mp4?token=${token}`)).status).toBe(502);
      const text = await scrape(metrics);
      expect(sample(text, 'urlseal_origin_errors_total', { kind: 'unavailable' })).toBe(1);
      expect(sample(text, 'urlseal_origin_errors_total', { kind: 'unrelayable' })).toBe(1);
      expect(sample(text, 'urlseal_decisions_total', { result: 'granted', code: 'none', scheme: 'jwt' })).toBe(2);
    } finally {
      await close(down);
      await close(weird);
    }
  });

  it('reports keyring reloads and age, and 503s (counted) while no keyring is in use', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const file = join(dir, 'edge.json');
    const source = keyringFile(file, { log: false });
    const edge = createEdgeServer({ origin: originUrl, keyring: source, metrics, log: false });
    const base = await listen(edge);
    const metricsServer = createMetricsServer(metrics);
    const metricsBase = await listen(metricsServer);
    try {
      const token = jwt({ path: '/v/*' });
      const unavailable = await fetch(`${base}/v/a.mp4?token=${token}`);
      expect(unavailable.status).toBe(503);
      expect(await unavailable.json()).toEqual({ error: 'ERR_KEYRING_UNAVAILABLE' });
      let text = await (await fetch(`${metricsBase}/metrics`)).text();
      expect(sample(text, 'urlseal_keyring_loaded')).toBe(0);
      expect(sample(text, 'urlseal_keyring_age_seconds')).toBeNaN();
      expect(sample(text, 'urlseal_decisions_total', { result: 'denied', code: 'ERR_KEYRING_UNAVAILABLE', scheme: 'none' })).toBe(1);

      writeFileSync(`${file}.tmp`, KEYRING);
      renameSync(`${file}.tmp`, file);
      expect(await source.reload()).toBe('loaded');
      expect((await fetch(`${base}/v/a.mp4?token=${token}`)).status).toBe(200);
      writeFileSync(file, 'garbage');
      expect(await source.reload()).toBe('invalid');
      expect((await fetch(`${base}/v/a.mp4?token=${token}`)).status).toBe(200);
      text = await (await fetch(`${metricsBase}/metrics`)).text();
      expect(sample(text, 'urlseal_keyring_reloads_total', { result: 'loaded' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'urlseal_keyring_reloads_total', { result: 'invalid' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'urlseal_keyring_loaded')).toBe(1);
      expect(sample(text, 'urlseal_keyring_age_seconds')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'urlseal_keyring_age_seconds')).toBeLessThan(5);
      expect((await fetch(`${metricsBase}/other`)).status).toBe(404);
    } finally {
      source.close();
      await close(edge);
      await close(metricsServer);
    }
  });

  it('a clock that fails is a counted 503, never a crash, and a grant whose lifetime cannot be read is still served', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let calls = 0;
    // Odd calls (the decision's) work and even ones (the metrics' reading of now) fail, once `flaky`.
    let flaky = false;
    const currentDate = () => (flaky && ++calls % 2 === 0 ? new Date(Number.NaN) : new Date());
    const broken = createEdgeServer({ origin: originUrl, keyring: KEYRING, metrics, log: false, currentDate: () => new Date(Number.NaN) });
    const edge = createEdgeServer({ origin: originUrl, keyring: KEYRING, metrics, log: false, currentDate });
    const brokenBase = await listen(broken);
    const base = await listen(edge);
    try {
      const token = jwt({ path: '/v/*' });
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${brokenBase}/v/a.mp4?token=${token}`);
        expect(res.status).toBe(503);
        expect(res.headers.get('x-urlseal-error')).toBe('ERR_KEYRING_UNAVAILABLE');
      }
      flaky = true;
      expect((await fetch(`${base}/v/a.mp4?token=${token}`)).status).toBe(200);
      expect(calls).toBe(2);
      const text = await scrape(metrics);
      expect(sample(text, 'urlseal_decisions_total', { result: 'denied', code: 'ERR_KEYRING_UNAVAILABLE', scheme: 'jwt' })).toBe(2);
      expect(sample(text, 'urlseal_decisions_total', { result: 'granted', code: 'none', scheme: 'jwt' })).toBe(1);
      expect(sample(text, 'urlseal_granted_token_remaining_seconds_count', { scheme: 'jwt' })).toBeUndefined();
    } finally {
      await close(broken);
      await close(edge);
    }
  });

  it('includes the default process metrics unless turned off', async () => {
    const text = await scrape(createMetrics());
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(() => createMetrics({ prefix: 'x' } as never)).toThrow(/option "prefix" is unknown/);
    expect(() => createEdgeServer({ origin: originUrl, keyring: KEYRING, metrics: {} as never })).toThrow(/option "metrics"/);
  });
});

describe('urlseal({ metrics }) for Express', () => {
  it('counts decisions and exposes them through a handler the app mounts', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const app = express();
    app.get('/metrics', metrics.handler);
    app.use('/v', urlseal({ keyring: KEYRING, metrics }), (_req, res) => void res.send('file'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const token = jwt({ path: '/v/*' });
      expect((await fetch(`${base}/v/a.mp4?token=${token}`)).status).toBe(200);
      expect((await fetch(`${base}/v/a.mp4?${secureQuery('/v/a.mp4')}`)).status).toBe(200);
      expect((await fetch(`${base}/v/a.mp4`)).status).toBe(401);
      const other = createHmac('sha256', `${SECRET}x`).update('x').digest('base64url');
      expect((await fetch(`${base}/v/a.mp4?token=${token.split('.').slice(0, 2).join('.')}.${other}`)).status).toBe(403);
      const res = await fetch(`${base}/metrics`);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(sample(text, 'urlseal_decisions_total', { result: 'granted', code: 'none', scheme: 'jwt' })).toBe(1);
      expect(sample(text, 'urlseal_decisions_total', { result: 'granted', code: 'none', scheme: 'secure-token' })).toBe(1);
      expect(sample(text, 'urlseal_decisions_total', { result: 'denied', code: 'ERR_TOKEN_MISSING', scheme: 'none' })).toBe(1);
      expect(sample(text, 'urlseal_decisions_total', { result: 'denied', code: 'ERR_SIGNATURE_INVALID', scheme: 'jwt' })).toBe(1);
      expect(sample(text, 'urlseal_request_duration_seconds_count', { result: 'granted' })).toBe(2);
    } finally {
      await close(server);
    }
  });

  it('answers a clock that fails with a counted 503, never a 500', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const app = express();
    app.use('/v', urlseal({ keyring: KEYRING, metrics, currentDate: () => new Date(Number.NaN) }), (_req, res) => void res.send('file'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v/a.mp4?token=${jwt({ path: '/v/*' })}`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'ERR_KEYRING_UNAVAILABLE' });
      expect(sample(await scrape(metrics), 'urlseal_decisions_total', { result: 'denied', code: 'ERR_KEYRING_UNAVAILABLE', scheme: 'jwt' })).toBe(1);
    } finally {
      await close(server);
    }
  });

  it('answers a throwing onDenied with the JSON denial, never a 500', async () => {
    const app = express();
    app.use(urlseal({ keyring: KEYRING, onDenied: () => { throw new Error('boom'); } }), (_req, res) => void res.send('file'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v/a.mp4`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'ERR_TOKEN_MISSING' });
    } finally {
      await close(server);
    }
  });
});
