// `npm run loadtest -- --seconds N [--connections C]`: load, soak and fault harness for
// `urlseal serve` (built CLI) in front of a local origin on loopback, driven by autocannon.
//
// Load: a fixed mix of valid requests (MP4 by path token, Range by query token, HLS
// playlist rewritten and segments, secure-token, Bearer, cookie) and bad ones
// (expired, tampered, missing, wrong path, unknown kid, alg none, duplicate carrier,
// oversized, non-canonical targets, POST), each answer checked. Meanwhile clients
// abort a large stream after its first bytes, and the keyring file is replaced by
// garbage halfway through (then restored). Then the faults: origin down (502 within a
// second, recovery when it returns) and origin silent (504 at --origin-timeout, no
// response left open at the origin). Reports requests/s, p50/p99, wrong answers (a
// grant for a bad token or a denial for a good one), tokens seen by the origin, the
// edge's RSS (its peak in the warm-up, the first 40% of the run, and at the end), and a
// verdict per check. LOADTEST_TRACE=1 also prints the RSS every 5 s.
// Exit 1 when a check fails. `runLoadtest()` is what the test suite calls.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, waitForPort } from './lib/ports.js';
import { jwt as mintJwt, secureTokenQuery } from './lib/tokens.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SECRET = 'loadtest-secret-of-at-least-32-bytes!!!';
const ST_SECRET = 'loadtest-legacy-secret-of-32-bytes!!!!';
const KEYRING = JSON.stringify({ active: 'l1', kids: { l1: SECRET }, secureToken: [ST_SECRET] });
const ORIGIN_TIMEOUT_S = 1;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function start(args, port) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stderrText = () => stderr;
  return waitForPort(port, child).then(() => child);
}

function stop(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => (clearTimeout(timer), resolve(code)));
    child.kill(signal);
  });
}

/** Resident memory of a process in bytes (Linux /proc). */
function rss(pid) {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** A JWT for the edge's key l1, or with `{ kid }` / `{ alg: 'none' }` a forged one. */
const jwt = (claims, header = {}) => mintJwt(claims, { kid: 'l1', secret: SECRET, ...header });
const secureQuery = (path, e) => secureTokenQuery(ST_SECRET, path, e);
const tamper = (token) => token.slice(0, -2) + (token.endsWith('AA') ? 'BA' : 'AA');

/** The request mix: valid ones with the status they must get, bad ones with the denial code. */
function requestMix() {
  const now = Math.floor(Date.now() / 1000);
  const media = jwt({ iat: now, exp: now + 3600, path: '/media/*', sub: 'load-1' });
  const hlsOnly = jwt({ iat: now, exp: now + 3600, path: '/media/hls/*' });
  const e = now + 3600;
  const valid = [
    { path: `/_token/${media}/media/a.mp4`, status: 200 },
    { path: `/media/a.mp4?token=${media}`, headers: { range: 'bytes=0-1023' }, status: 206 },
    { path: `/media/hls/index.m3u8?token=${media}`, status: 200, body: 'seg-0.ts?token=' },
    { path: `/_token/${hlsOnly}/media/hls/seg-1.ts`, status: 200 },
    { path: `/media/a.mp4?${secureQuery('/media/a.mp4', e)}`, headers: { range: 'bytes=1024-2047' }, status: 206 },
    { path: '/media/a.mp4', headers: { authorization: `Bearer ${media}`, range: 'bytes=100-199' }, status: 206 },
    { path: '/media/hls/seg-0.ts', headers: { cookie: `urlseal=${hlsOnly}` }, status: 200 },
  ];
  const bad = [
    { path: `/media/a.mp4?token=${jwt({ iat: now - 7200, exp: now - 3600, path: '/media/*' })}`, code: 'ERR_TOKEN_EXPIRED' },
    { path: `/media/a.mp4?token=${tamper(media)}`, code: 'ERR_SIGNATURE_INVALID' },
    { path: '/media/a.mp4', code: 'ERR_TOKEN_MISSING' },
    { path: `/media/a.mp4?token=${hlsOnly}`, code: 'ERR_PATH_MISMATCH' },
    { path: `/_token/${media}/media/hls/../a.mp4`, code: 'ERR_PATH_NONCANONICAL' },
    { path: `/media/a.mp4%2f..?token=${media}`, code: 'ERR_PATH_NONCANONICAL' },
    { path: `/media/a.mp4?token=${media}&token=${media}`, code: 'ERR_TOKEN_MALFORMED' },
    { path: `/media/a.mp4?token=${'A'.repeat(5000)}`, code: 'ERR_TOKEN_MALFORMED' },
    { path: `/media/a.mp4?${secureQuery('/media/a.mp4', e).replace('st=', 'st=x')}`, code: 'ERR_TOKEN_MALFORMED' },
    { path: `/media/a.mp4?${secureQuery('/media/other.mp4', e)}`, code: 'ERR_SIGNATURE_INVALID' },
    { path: `/media/a.mp4?${secureQuery('/media/a.mp4', now - 10)}`, code: 'ERR_TOKEN_EXPIRED' },
    { path: `/media/a.mp4?token=${jwt({ iat: now, exp: now + 60, path: '/media/*' }, { kid: 'gone' })}`, code: 'ERR_KID_UNKNOWN' },
    { path: `/media/a.mp4?token=${jwt({ iat: now, exp: now + 60, path: '/media/*' }, { alg: 'none' })}`, code: 'ERR_ALG_NOT_ALLOWED' },
    { method: 'POST', path: `/media/a.mp4?token=${media}`, code: 'ERR_METHOD_NOT_ALLOWED' },
  ];
  return { valid, bad, media };
}

/** Fires one request straight at a URL (not through autocannon) and resolves with status, error code and ms. */
function probe(url, { headers = {}, timeoutMs = 10_000 } = {}) {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { headers, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode, code: res.headers['x-urlseal-error'] ?? null, ms: performance.now() - started }));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', (error) => resolve({ status: 0, code: error.message, ms: performance.now() - started }));
    req.end();
  });
}

async function json(url) {
  return (await fetch(url)).json();
}

/** Opens a large stream through the edge and cuts the connection after its first bytes. */
function abortMidStream(url) {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve(true);
      });
      res.once('error', () => resolve(true));
    });
    req.once('error', () => resolve(false));
    req.end();
  });
}

/** The sum of a metric's samples whose labels include `labels` (Prometheus text). */
function metricValue(text, name, labels = '') {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (match?.[1] === name && (match[2] ?? '').includes(labels)) sum += Number(match[3]);
  }
  return sum;
}

/**
 * Runs the harness and resolves to its report: `{ numbers, checks: [{ name, ok, detail }] }`.
 * `seconds` is the length of the load phase (the faults add about 5 s).
 */
export async function runLoadtest({ seconds = 20, connections = 16, rssTolerance = 0.1, log = (line) => console.log(line) } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'urlseal-loadtest-'));
  const keyringFile = join(dir, 'keyring.json');
  writeFileSync(keyringFile, KEYRING, { mode: 0o600 });
  const [originPort, edgePort, metricsPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const originArgs = [join(ROOT, 'bench/loadtest/origin.mjs'), String(originPort)];
  const children = [];
  let origin = await start(originArgs, originPort);
  children.push(origin);
  const edge = await start(
    [join(ROOT, 'packages/sdk/bin/urlseal.js'), 'serve', '--origin', `http://127.0.0.1:${originPort}`, '--keyring', keyringFile,
      '--port', String(edgePort), '--metrics', `127.0.0.1:${metricsPort}`, '--origin-timeout', String(ORIGIN_TIMEOUT_S)],
    edgePort,
  );
  children.push(edge);
  const base = `http://127.0.0.1:${edgePort}`;
  const originBase = `http://127.0.0.1:${originPort}`;
  const checks = [];
  const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), detail });
  const numbers = {};

  try {
    // --- load, with aborting clients and a garbage keyring mid-run ---
    const { valid, bad, media } = requestMix();
    const wrong = [];
    const unexpected = [];
    const entries = [
      ...[...valid, ...valid].map((want) => ({
        method: want.method ?? 'GET',
        path: want.path,
        headers: want.headers,
        onResponse(status, body, _context, headers) {
          const code = headers['x-urlseal-error'];
          if (code !== undefined && !code.startsWith('ERR_ORIGIN')) wrong.push(`denied a good request: ${status} ${code}`);
          else if (status !== want.status || (want.body && !body.includes(want.body))) unexpected.push(`${want.path.slice(0, 40)}: ${status}`);
        },
      })),
      ...bad.map((want) => ({
        method: want.method ?? 'GET',
        path: want.path,
        onResponse(status, _body, _context, headers) {
          const code = headers['x-urlseal-error'];
          if (code !== want.code) wrong.push(`${want.code} expected, got ${status} ${code ?? '(granted)'}`);
        },
      })),
    ];
    const rssSamples = [];
    const sampler = setInterval(() => rssSamples.push({ at: Date.now(), rss: rss(edge.pid) }), 250);
    const loadStart = Date.now();
    let aborting = true;
    let aborted = 0;
    const aborter = (async () => {
      while (aborting) {
        if (await abortMidStream(`${base}/media/big.bin?token=${media}`)) aborted++;
        await sleep(50);
      }
    })();
    const garbage = setTimeout(() => {
      writeFileSync(`${keyringFile}.tmp`, '{"kids": {"l1": "garbage');
      renameSync(`${keyringFile}.tmp`, keyringFile);
    }, (seconds * 1000) / 2);
    const restore = setTimeout(() => {
      writeFileSync(`${keyringFile}.tmp`, KEYRING);
      renameSync(`${keyringFile}.tmp`, keyringFile);
    }, (seconds * 1000 * 3) / 4);
    const result = await autocannon({ url: base, connections, duration: seconds, requests: entries, timeout: 10 });
    clearTimeout(garbage);
    clearTimeout(restore);
    aborting = false;
    await aborter;
    clearInterval(sampler);
    await sleep(300);

    // Warm-up: the first 40% of the run (heap and socket pools grow to their working size);
    // after it, the end (median of the last samples) must stay within 10% of its peak.
    const warmSamples = rssSamples.filter((s) => s.at - loadStart <= seconds * 400);
    const warm = warmSamples.reduce((max, s) => (s.rss > max.rss ? s : max), warmSamples[0] ?? rssSamples[0]);
    const tail = rssSamples.slice(-5).map((s) => s.rss).sort((x, y) => x - y);
    const last = { rss: tail[tail.length >> 1] };
    if (process.env.LOADTEST_TRACE) log(`RSS MB every 5 s: ${rssSamples.filter((_, i) => i % 20 === 0).map((s) => (s.rss / 2 ** 20).toFixed(0)).join(' ')}`);
    const originStats = await json(`${originBase}/__stats`);
    Object.assign(numbers, {
      'requests/s': Math.round(result.requests.average),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      requests: result.requests.total,
      'socket errors': result.errors,
      'wrong answers': wrong.length,
      'unexpected answers': unexpected.length,
      'tokens seen by origin': originStats.withToken,
      'streams aborted mid-body': aborted,
      'origin responses left open after aborts': originStats.inProgress,
      'RSS peak in warm-up MB': +(warm.rss / 2 ** 20).toFixed(1),
      'RSS at end MB': +(last.rss / 2 ** 20).toFixed(1),
    });
    check('no wrong answer (no grant for a bad token, no denial for a good one)', wrong.length === 0, wrong.slice(0, 5).join('; '));
    check('every valid request answered as the origin would (status, HLS rewritten)', unexpected.length === 0, unexpected.slice(0, 5).join('; '));
    check('no socket errors or timeouts', result.errors === 0 && result.timeouts === 0, `${result.errors} errors, ${result.timeouts} timeouts`);
    check('the origin never saw a token', originStats.withToken === 0, `${originStats.withToken} of ${originStats.requests}`);
    check('aborting clients leave no response open at the origin', aborted > 0 && originStats.inProgress === 0, `${aborted} aborted, ${originStats.inProgress} open`);
    check(`RSS flat within ${Math.round(rssTolerance * 100)}% after warm-up`, last.rss <= warm.rss * (1 + rssTolerance), `${numbers['RSS peak in warm-up MB']} → ${numbers['RSS at end MB']} MB`);
    const mid = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    check('garbage keyring mid-run refused, last good kept', metricValue(mid, 'urlseal_keyring_reloads_total', 'result="invalid"') >= 1 && edge.stderrText().includes('"result":"invalid"'), 'reloads_total{result="invalid"}');
    const decided = metricValue(mid, 'urlseal_decisions_total');
    check('metrics counted every decision', decided >= result.requests.total, `${decided} decided, ${result.requests.total} answered to autocannon`);

    // --- fault: origin down, then back ---
    await stop(origin, 'SIGKILL');
    const down = [];
    for (let i = 0; i < 10; i++) down.push(await probe(`${base}/media/a.mp4?token=${media}`));
    const downWorst = Math.max(...down.map((r) => r.ms));
    numbers['origin down: slowest 502 ms'] = Math.round(downWorst);
    check('origin down: 502 ERR_ORIGIN_UNAVAILABLE within a second', down.every((r) => r.status === 502 && r.code === 'ERR_ORIGIN_UNAVAILABLE') && downWorst < 1000, down.map((r) => r.status).join(','));
    const back = Date.now();
    origin = await start(originArgs, originPort);
    children.push(origin);
    let recovered;
    for (let i = 0; i < 100 && recovered === undefined; i++) {
      const r = await probe(`${base}/media/a.mp4?token=${media}`);
      if (r.status === 200) recovered = Date.now() - back;
      else await sleep(20);
    }
    numbers['origin back: recovered after ms'] = recovered ?? null;
    check('origin back: requests succeed again', recovered !== undefined && recovered < 3000, `${recovered} ms`);

    // --- fault: origin silent past --origin-timeout ---
    const slow = await Promise.all(Array.from({ length: 16 }, () => probe(`${base}/media/slow.mp4?token=${media}`)));
    const slowMs = slow.map((r) => r.ms);
    numbers['origin slow: 504 after ms (min–max)'] = `${Math.round(Math.min(...slowMs))}–${Math.round(Math.max(...slowMs))}`;
    check(
      `origin slow: 504 ERR_ORIGIN_TIMEOUT at --origin-timeout (${ORIGIN_TIMEOUT_S} s)`,
      slow.every((r) => r.status === 504 && r.code === 'ERR_ORIGIN_TIMEOUT' && r.ms >= ORIGIN_TIMEOUT_S * 900 && r.ms < ORIGIN_TIMEOUT_S * 1000 + 1500),
      slow.map((r) => `${r.status}`).join(','),
    );
    await sleep(200);
    const afterSlow = await json(`${originBase}/__stats`);
    numbers['origin slow: responses left open'] = afterSlow.inProgress;
    check('origin slow: no pile-up (the edge closed every silent request)', afterSlow.slowStarted === 16 && afterSlow.inProgress === 0, `${afterSlow.inProgress} open of ${afterSlow.slowStarted}`);

    const final = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    numbers['origin errors (metrics)'] = ['unavailable', 'timeout', 'cut', 'unrelayable']
      .map((kind) => `${kind} ${metricValue(final, 'urlseal_origin_errors_total', `kind="${kind}"`)}`)
      .join(', ');
    check('metrics: origin errors counted', metricValue(final, 'urlseal_origin_errors_total', 'kind="unavailable"') >= 10 && metricValue(final, 'urlseal_origin_errors_total', 'kind="timeout"') >= 16, numbers['origin errors (metrics)']);

    // --- graceful stop ---
    const code = await stop(edge, 'SIGTERM');
    check('SIGTERM: the edge exits 0', code === 0, `exit ${code}`);
  } finally {
    for (const child of children) await stop(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }

  const width = Math.max(...Object.keys(numbers).map((k) => k.length));
  log(`urlseal serve load test: ${seconds} s, ${connections} connections`);
  for (const [name, value] of Object.entries(numbers)) log(`  ${name.padEnd(width)}  ${value}`);
  for (const { name, ok, detail } of checks) log(`  ${ok ? 'PASS' : 'FAIL'}  ${name}${ok ? '' : ` (${detail})`}`);
  return { numbers, checks };
}

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`loadtest: --${name} takes a positive whole number`);
    process.exit(2);
  }
  return value;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await runLoadtest({ seconds: flag('seconds', 20), connections: flag('connections', 16) });
  process.exitCode = report.checks.every((c) => c.ok) ? 0 : 1;
}
