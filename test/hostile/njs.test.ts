// The hostile table through the CloudFront Functions that `urlseal build cloudfront`
// writes, run by Debian's njs 0.7.9 (the engine nginx embeds, and a feature floor below
// CloudFront's cloudfront-js-2.0): one njs process per function runs every event the
// table builds, with njs's own crypto and Buffer, and the answers are checked as
// cloudfront.test.ts checks them (A19–A21). scripts/test-deps.sh installs njs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCloudFrontFunction } from '@urlseal/edge/build';
import { afterAll, describe, expect, test } from 'vitest';
import { CASES, Ctx, KEYRING_JSON, type HostileCase, type HostileRequest } from './cases.js';
import { carriesSecureToken, checkCloudFrontResult, cloudFrontEvent, type CloudFrontEvent, type CloudFrontResult } from './cloudfront-runtime.js';
import { CLIENT_IP, NOW } from './helpers.js';

const NJS = '/usr/bin/njs';
const dir = mkdtempSync(join(tmpdir(), 'urlseal-njs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The function, then a driver: Date frozen at NOW, every event through `handler`
 * (settled when it answers with a promise), the answers printed as one JSON array. A
 * KeyValueStore function's `import cf from 'cloudfront'` becomes a store over `kvs`.
 */
function runInNjs(name: string, code: string, events: CloudFrontEvent[], kvs: Record<string, string>): CloudFrontResult[] {
  const importLine = "import cf from 'cloudfront';\n";
  const store = `var STORE = ${JSON.stringify(kvs)};
var cf = { kvs: function () { return { get: function (key) {
  return Object.prototype.hasOwnProperty.call(STORE, key) ? Promise.resolve(STORE[key]) : Promise.reject(new Error('The key was not found'));
} }; } };\n`;
  const body = code.startsWith(importLine) ? store + code.slice(importLine.length) : code;
  const driver = `
Date.now = function () { return ${NOW * 1000}; };
var events = JSON.parse(require('fs').readFileSync(${JSON.stringify(join(dir, `${name}.events.json`))}));
Promise.all(events.map(function (event) { return handler(event); })).then(function (answers) {
  require('fs').writeFileSync(${JSON.stringify(join(dir, `${name}.answers.json`))}, JSON.stringify(answers));
});
`;
  writeFileSync(join(dir, `${name}.events.json`), JSON.stringify(events));
  writeFileSync(join(dir, `${name}.js`), body + driver);
  // njs's console.log breaks long lines: the answers go through a file.
  execFileSync(NJS, [join(dir, `${name}.js`)], { encoding: 'utf8' });
  return JSON.parse(readFileSync(join(dir, `${name}.answers.json`), 'utf8')) as CloudFrontResult[];
}

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
