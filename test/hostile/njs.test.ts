// The hostile table through the CloudFront Functions that `urlseal build cloudfront`
// writes, run by Debian's njs 0.7.9 (the engine nginx embeds, and a feature floor below
// CloudFront's cloudfront-js-2.0): one njs process per function runs every event the
// table builds, with njs's own crypto and Buffer, and the answers are checked as
// cloudfront.test.ts checks them (A19–A21); the both-schemes function (keys inline)
// (inline and KeyValueStore) answers every case alone. scripts/test-deps.sh installs njs.
import { execFileSync } from 'node:child_process';
import { buildCloudFrontFunction } from '@urlseal/edge/build';
import { describe, expect, test } from 'vitest';
import { CASES, Ctx, KEYRING_JSON, type HostileCase, type HostileRequest } from './cases.js';
import { carriesSecureToken, checkCloudFrontResult, cloudFrontEvent, type CloudFrontResult } from './cloudfront-runtime.js';
import { CLIENT_IP } from './helpers.js';
import { NJS, runInNjs } from './njs-runtime.js';

interface Run {
  hostile: HostileCase;
  ctx: Ctx;
  request: HostileRequest;
  result: CloudFrontResult;
}

function runTable(kvs: boolean): Run[] {
  const jwt = buildCloudFrontFunction({ keyring: KEYRING_JSON, scheme: 'jwt', kvs });
  const secureToken = buildCloudFrontFunction({ keyring: KEYRING_JSON, scheme: 'secure-token', kvs });
  const store = Object.fromEntries([...(jwt.kvsData ?? []), ...(secureToken.kvsData ?? [])].map((entry) => [entry.key, entry.value]));
  const cases = CASES.map((hostile) => {
    const ctx = new Ctx();
    const request = hostile.build(ctx);
    return { hostile, ctx, request, event: cloudFrontEvent(request, CLIENT_IP), st: carriesSecureToken(request) };
  });
  const name = kvs ? 'kvs' : 'inline';
  const jwtAnswers = runInNjs(`${name}-jwt`, jwt.code, cases.filter((c) => !c.st).map((c) => c.event), store);
  const stAnswers = runInNjs(`${name}-st`, secureToken.code, cases.filter((c) => c.st).map((c) => c.event), store);
  return cases.map((c) => ({ ...c, result: (c.st ? stAnswers : jwtAnswers).shift() as CloudFrontResult }));
}

test('njs is the Debian njs 0.7.9 feature floor', () => {
  expect(execFileSync(NJS, ['-v'], { encoding: 'utf8' }).trim()).toMatch(/^0\.7\./);
});

describe.each([
  { name: 'keys inline', kvs: false },
  { name: 'keys in a KeyValueStore', kvs: true },
])('hostile table through CloudFront Functions in njs ($name)', ({ kvs }) => {
  const runs = runTable(kvs);
  test.each(runs.map((run) => [run.hostile.name, run] as [string, Run]))('%s', (_name, run) => {
    checkCloudFrontResult(run.hostile, run.ctx, run.request, run.result, run.hostile.njs);
  });
});

describe.each([
  { name: 'keys inline', kvs: false },
  { name: 'keys in a KeyValueStore', kvs: true },
])('hostile table through the both-schemes CloudFront Function in njs ($name)', ({ kvs }) => {
  const both = buildCloudFrontFunction({ keyring: KEYRING_JSON, scheme: 'both', kvs });
  const store = Object.fromEntries((both.kvsData ?? []).map((entry) => [entry.key, entry.value]));
  const cases = CASES.map((hostile) => {
    const ctx = new Ctx();
    const request = hostile.build(ctx);
    return { hostile, ctx, request, event: cloudFrontEvent(request, CLIENT_IP) };
  });
  const answers = runInNjs(kvs ? 'kvs-both' : 'inline-both', both.code, cases.map((c) => c.event), store);
  const runs: Run[] = cases.map((c, i) => ({ hostile: c.hostile, ctx: c.ctx, request: c.request, result: answers[i] as CloudFrontResult }));
  test.each(runs.map((run) => [run.hostile.name, run] as [string, Run]))('%s', (_name, run) => {
    checkCloudFrontResult(run.hostile, run.ctx, run.request, run.result, run.hostile.njs);
  });
});
