// The hostile table over HTTP through real nginx with the njs module `urlseal build nginx`
// writes (nginx-runtime.ts), in front of a recording node:http origin. Every protected
// request runs js_content; a grant goes to the origin through the generated named
// location. njs has HMAC-SHA256 and md5 only (A19) and its own JSON nesting limit (A22);
// nginx itself answers some targets before the module runs (A25).
// scripts/test-deps.sh installs nginx and libnginx-mod-http-js.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SeenByOrigin } from './assertions.js';
import { CASES, Ctx, KEYRING_JSON, type HostileCase } from './cases.js';
import { NOW } from './helpers.js';
import { checkAnswer, sendRaw, startRecordingOrigin, type RecordingOrigin } from './http.js';
import { startNginx, type RunningNginx } from './nginx-runtime.js';

let origin: RecordingOrigin | undefined;
let nginx: RunningNginx;
const seen: SeenByOrigin[] = [];

beforeAll(async () => {
  origin = await startRecordingOrigin(seen);
  nginx = await startNginx({ keyring: KEYRING_JSON, origin: origin.url }, NOW * 1000);
});

afterAll(async () => {
  await nginx?.stop();
  await origin?.close();
});

describe('hostile table over HTTP (nginx + njs, urlseal build nginx)', () => {
  test.each(CASES.map((c) => [c.name, c] as [string, HostileCase]))('%s', async (_name, hostile) => {
    const ctx = new Ctx();
    const request = hostile.build(ctx);
    seen.length = 0;
    const answer = await sendRaw(nginx.port, request);
    if ((hostile.oversize && (answer.status === 400 || answer.status === 414)) || (hostile.nginxRefuses && answer.status === 400)) {
      // nginx answered before the module ran (A13, A25): never granted.
      expect(answer.headers['x-urlseal-error']).toBeUndefined();
      expect(seen).toHaveLength(0);
      return;
    }
    checkAnswer(hostile, ctx, request, answer, seen, hostile.njs ?? hostile.hs256Only ?? hostile.expect);
  });
});
