// The hostile table over HTTP through real nginx with the njs module `urlseal build nginx`
// writes (nginx-runtime.ts), in front of a recording node:http origin. Every protected
// request runs js_content; a grant goes to the origin through the generated named
// location. njs has HMAC-SHA256 and md5 only (A19), plus RS256/PS256 through crypto.subtle
// (A28), and its own JSON nesting limit (A22); nginx itself answers some targets before the
// module runs (A25). The config defines no $urlseal_country: the country is unknown (A29).
// scripts/test-deps.sh installs nginx and libnginx-mod-http-js.
import { afterAll, beforeAll } from 'vitest';
import type { SeenByOrigin } from './assertions.js';
import { KEYRING_JSON } from './cases.js';
import { NOW } from './helpers.js';
import { hostileTableOverHttp, startRecordingOrigin, type RecordingOrigin } from './http.js';
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

hostileTableOverHttp('hostile table over HTTP (nginx + njs, urlseal build nginx)', {
  port: () => nginx.port,
  seen,
  expectation: (hostile) => hostile.njs ?? (hostile.rsa ? undefined : hostile.hs256Only) ?? hostile.expect,
  // nginx answered before the module ran (A13, A25): never granted.
  refusedBeforeEdge: (hostile, answer) =>
    (hostile.oversize === true && (answer.status === 400 || answer.status === 414)) || (hostile.nginxRefuses === true && answer.status === 400),
});
