// The hostile table over real HTTP through dist/worker-lean.js (the lean Worker, issue 16:
// HS256 only) running in real workerd (npm), in front of a recording node:http origin, as
// worker.test.ts runs the full Worker. The keyring is the table's kids (k1) alone: the lean
// Worker takes a keyring of kids only (docs/deploy/workers.md).
//
// The rows that apply: every row but secure-token links (rows that carry `st` or `e`: the
// lean Worker answers them as an edge without secure-token secrets, which the table has no
// column for). Where the lean Worker answers as another edge built without a feature, the
// table's override says so: `worker` (workerd cuts the fragment, A17), `noSealed` (no AES in
// this build, A26), `noIpClaims` (no address matching, A20), `hs256Only` (A19), `noCountryRules`
// (no country rules, A29: a geo member is ERR_GEO_MISMATCH, whatever CF-IPCountry says). A token for
// one of the table's other keys (h384, h512, p1, e1) names a kid a kids-only keyring does not
// hold: where the table's answer comes at or after the kid step, the lean Worker's is
// 401 ERR_KID_UNKNOWN (SPEC §7 order: an earlier fault still answers first; a sealed token
// is refused before its kid is looked up).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChild, waitForPort, type Child } from '../interop/helpers.js';
import { workerdBinary } from '../interop/binaries.js';
import type { SeenByOrigin } from './assertions.js';
import { carriesSecureToken } from './cloudfront-runtime.js';
import { CASES, Ctx, KEYRING_JSON, type Expectation, type HostileCase, type HostileRequest } from './cases.js';
import { CLIENT_IP, NOW } from './helpers.js';
import { hostileTableOverHttp, sendRaw, startRecordingOrigin, type RecordingOrigin } from './http.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir = '';
let origin: RecordingOrigin | undefined;
let port = 0;
let keyringPort = 0;
const seen: SeenByOrigin[] = [];
const children: Child[] = [];

/** Writes the lean bundle behind the suite's clock and starts workerd on it with `keyring`; returns the port. */
async function startLean(name: string, keyring: string): Promise<number> {
  const here = mkdtempSync(join(dir, `${name}-`));
  writeFileSync(join(here, 'worker.js'), readFileSync(join(ROOT, 'packages/edge/dist/worker-lean.js')));
  writeFileSync(join(here, 'clock.js'), `Date.now = () => ${NOW * 1000};\nexport { default } from './worker.js';\n`);
  writeFileSync(join(here, 'keyring.txt'), keyring);
  writeFileSync(join(here, 'origin.txt'), (origin as RecordingOrigin).url);
  const free = await freePort();
  const template = readFileSync(join(ROOT, 'test/hostile/fixtures/workerd.capnp'), 'utf8');
  writeFileSync(join(here, 'config.capnp'), template.replaceAll('@PORT@', String(free)));
  const child = startChild(workerdBinary(), ['serve', join(here, 'config.capnp')], { cwd: here });
  children.push(child);
  await waitForPort(free, 30_000, () => child.exited());
  return free;
}

beforeAll(async () => {
  origin = await startRecordingOrigin(seen);
  dir = mkdtempSync(join(tmpdir(), 'urlseal-hostile-workerd-lean-'));
  port = await startLean('table', JSON.stringify({ active: KEYRING_JSON.active, kids: KEYRING_JSON.kids }));
  // The full table's keyring: public keys and secure-token secrets, which the lean Worker refuses.
  keyringPort = await startLean('full-keyring', JSON.stringify(KEYRING_JSON));
});

afterAll(async () => {
  for (const child of children) await child.stop();
  await origin?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The rows that apply to the lean Worker (see the top of this file). */
function applies(hostile: HostileCase): boolean {
  return !carriesSecureToken(hostile.build(new Ctx()));
}

// The table's kids that are not HS256 kids: not in the lean Worker's keyring.
const OTHER_KIDS = KEYRING_JSON.keys.map((key) => key.kid);
// Answers that come before the kid step (SPEC §7 order), whatever the kid.
const BEFORE_KID = new Set(['ERR_METHOD_NOT_ALLOWED', 'ERR_PATH_NONCANONICAL', 'ERR_TOKEN_MISSING', 'ERR_TOKEN_MALFORMED']);

/** The kids named by the JWS headers anywhere in a request (its target and header values). */
function kidsIn(request: HostileRequest): string[] {
  const text = [request.url, ...Object.values(request.headers), ...(request.lines ?? []).map(([, value]) => value)].join(' ');
  const kids: string[] = [];
  for (const [header] of text.matchAll(/eyJ[A-Za-z0-9_-]*/g)) {
    try {
      const kid = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: unknown }).kid;
      if (typeof kid === 'string') kids.push(kid);
    } catch {
      // not a JSON header
    }
  }
  return kids;
}

/** The lean Worker's answer to a row (see the top of this file). */
function leanExpectation(hostile: HostileCase): Expectation {
  // A five-segment token is refused before any kid is looked up (checkJwtWithoutAes). The
  // full Worker's CF-IPCountry (`workerCountry`, A30) means nothing here: no country rules (A29).
  const first = hostile.worker ?? hostile.noSealed;
  if (first !== undefined) return first;
  const base = hostile.noIpClaims ?? hostile.hs256Only ?? hostile.noCountryRules ?? hostile.expect;
  const otherKid = kidsIn(hostile.build(new Ctx())).some((kid) => OTHER_KIDS.includes(kid));
  return otherKid && (base.code === null || !BEFORE_KID.has(base.code)) ? { status: 401, code: 'ERR_KID_UNKNOWN' } : base;
}

hostileTableOverHttp('hostile table over HTTP (dist/worker-lean.js in workerd)', {
  port: () => port,
  seen,
  headers: { 'cf-connecting-ip': CLIENT_IP },
  applies,
  expectation: leanExpectation,
});

describe('the lean Worker (dist/worker-lean.js)', () => {
  it('runs most of the table: what it leaves out is only secure-token', () => {
    const run = CASES.filter(applies);
    expect(run.length).toBeGreaterThan(CASES.length * 0.8);
  });

  it('answers a secure-token link as an edge without secure-token secrets, and a preflight as any OPTIONS request', async () => {
    const ctx = new Ctx();
    const e = NOW + 60;
    seen.length = 0;
    const st = await sendRaw(port, { method: 'GET', url: `/videos/a.mp4?st=${ctx.st('/videos/a.mp4', e)}&e=${e}`, headers: {} });
    expect({ status: st.status, code: st.headers['x-urlseal-error'] }).toEqual({ status: 401, code: 'ERR_ALG_NOT_ALLOWED' });
    const preflight = await sendRaw(port, { method: 'OPTIONS', url: '/videos/a.mp4', headers: { origin: 'https://lms.example', 'access-control-request-method': 'GET' } });
    expect({ status: preflight.status, code: preflight.headers['x-urlseal-error'] }).toEqual({ status: 405, code: 'ERR_METHOD_NOT_ALLOWED' });
    expect(seen).toHaveLength(0);
  });

  it('answers 503 ERR_KEYRING_UNAVAILABLE to a keyring with more than kids, whatever the request', async () => {
    const ctx = new Ctx();
    const answer = await sendRaw(keyringPort, { method: 'GET', url: `/videos/a.mp4?token=${ctx.jwt({ kid: 'k1' })}`, headers: {} });
    expect({ status: answer.status, code: answer.headers['x-urlseal-error'] }).toEqual({ status: 503, code: 'ERR_KEYRING_UNAVAILABLE' });
  });
});
