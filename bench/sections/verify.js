// Verify section of `npm run bench`: urlseal's edge verifier against its peers,
// all measured in the same run on the same tokens. Uses the built dist (the
// node export condition), so `npm run bench` builds first.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createVerifier as createFastJwtVerifier } from 'fast-jwt';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { computeSecureToken, createVerifier } from '../../packages/edge/dist/node.js';

const GROUP_JWT = 'verify HS256 (prefix grant)';
const GROUP_ST = 'verify secure-token (md5)';
const SECRET = 'bench-secret-of-at-least-32-bytes-long!';
const NOW = 1_800_000_000;
const PATH = '/videos/course-1/720p/seg-00001.ts';
const ST_SECRET = '0123456789abcdef0123456789abcdef';
const E = String(NOW + 3600);

function signHs256(claims) {
  const enc = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${enc({ alg: 'HS256', kid: 'k1', typ: 'JWT' })}.${enc(claims)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

/** The cases: name, group, peer (the row this one is compared against) and the function. */
async function cases() {
  const token = signHs256({ exp: NOW + 3600, iat: NOW, path: '/videos/course-1/*', sub: 'student-42' });
  const currentDate = new Date(NOW * 1000);
  const verifier = createVerifier({ keyring: { kids: { k1: SECRET }, secureToken: [ST_SECRET] }, currentDate });
  const joseKey = new TextEncoder().encode(SECRET);
  const fastJwt = createFastJwtVerifier({ key: SECRET, cache: false, algorithms: ['HS256'], clockTimestamp: NOW * 1000 });
  const secretBuffer = Buffer.from(SECRET);
  const dot = token.lastIndexOf('.');
  const input = token.slice(0, dot);
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  const st = computeSecureToken(ST_SECRET, PATH, E);
  const stRequest = `${PATH}?st=${st}&e=${E}`;
  const stView = { method: 'GET', target: stRequest, header: () => undefined };
  const stMac = Buffer.from(st, 'base64url');

  // Sanity: every peer must accept the token, or the comparison is meaningless.
  const check = await verifier.verifyToken(token, PATH);
  const stCheck = await verifier.decide(stView);
  const stToken = await verifier.verifySecureToken(st, E, PATH);
  if (!check.ok || !stCheck.ok || !stToken.ok) throw new Error('bench tokens do not verify');
  await jose.jwtVerify(token, joseKey, { currentDate });
  fastJwt(token);

  return [
    // urlseal's rows name the peer the goal is stated against; the others name urlseal.
    { group: GROUP_JWT, name: 'urlseal verifyToken', peerOf: 'fast-jwt (cache: false)', fn: () => verifier.verifyToken(token, PATH) },
    { group: GROUP_JWT, name: 'jose jwtVerify', peerOf: 'urlseal verifyToken', fn: () => jose.jwtVerify(token, joseKey, { currentDate, algorithms: ['HS256'] }) },
    { group: GROUP_JWT, name: 'fast-jwt (cache: false)', peerOf: 'urlseal verifyToken', fn: () => fastJwt(token) },
    { group: GROUP_JWT, name: 'jsonwebtoken verify', peerOf: 'urlseal verifyToken', fn: () => jsonwebtoken.verify(token, SECRET, { algorithms: ['HS256'], clockTimestamp: NOW }) },
    {
      group: GROUP_JWT,
      name: 'floor: node:crypto HMAC + timingSafeEqual',
      peerOf: 'urlseal verifyToken',
      fn: () => timingSafeEqual(createHmac('sha256', secretBuffer).update(input).digest(), signature),
    },
    { group: GROUP_ST, name: 'urlseal verifySecureToken', peerOf: 'floor: node:crypto md5 + timingSafeEqual', fn: () => verifier.verifySecureToken(st, E, PATH) },
    {
      group: GROUP_ST,
      name: 'urlseal decide (whole request: carriers, path, st)',
      peerOf: 'floor: node:crypto md5 + timingSafeEqual',
      fn: () => verifier.decide(stView),
    },
    {
      group: GROUP_ST,
      name: 'floor: node:crypto md5 + timingSafeEqual',
      fn: () => timingSafeEqual(createHash('md5').update(ST_SECRET).update(PATH).update(E).digest(), stMac),
    },
  ];
}

/**
 * Runs the section. With bench/run.js's `{ bench }` each case is registered as
 * `bench(name, fn, { group, peerOf })`; with a bare `measure(name, fn)` (async,
 * ops/s) the rows are returned as `[{ group, name, opsPerSec }]`.
 */
export async function run(context) {
  const list = await cases();
  if (context && typeof context.bench === 'function') {
    for (const c of list) await context.bench(c.name, c.fn, { group: c.group, ...(c.peerOf ? { peerOf: c.peerOf } : {}) });
    return undefined;
  }
  const measure = typeof context === 'function' ? context : defaultMeasure;
  const rows = [];
  for (const c of list) rows.push({ group: c.group, name: c.name, opsPerSec: await measure(c.name, c.fn) });
  return rows;
}

/** A plain timer for running this file alone: `node bench/sections/verify.js`. */
async function defaultMeasure(_name, fn, { warmup = 20_000, seconds = 1.5 } = {}) {
  // Await only what is a promise, so synchronous peers are not charged a microtask.
  const isAsync = fn() instanceof Promise;
  const batch = isAsync ? async () => { for (let i = 0; i < 1000; i++) await fn(); } : () => { for (let i = 0; i < 1000; i++) fn(); };
  for (let i = 0; i < warmup / 1000; i++) await batch();
  let ops = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    await batch();
    ops += 1000;
    elapsed = process.hrtime.bigint() - start;
  }
  return Math.round(ops / (Number(elapsed) / 1e9));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await run();
  for (const row of rows) console.log(`${row.group.padEnd(30)} ${row.name.padEnd(45)} ${String(row.opsPerSec).padStart(9)} ops/s`);
}
