// The hostile table over real HTTP through examples/vercel/middleware.ts, bundled as Vercel
// bundles Edge middleware (esbuild, env inlined) and served by npm `edge-runtime` (Vercel's
// Edge Runtime in Node), in front of a recording node:http origin. Vercel's edge sets
// x-real-ip; the runner sends it as the platform would (the suite's client address). The
// middleware reads the country from x-vercel-ip-country, which Vercel sets; the runner sends
// none, but a case may (A30).
import { EdgeRuntime, runServer } from 'edge-runtime';
import { afterAll, beforeAll } from 'vitest';
import type { SeenByOrigin } from './assertions.js';
import { KEYRING_JSON } from './cases.js';
import { CLIENT_IP, NOW } from './helpers.js';
import { hostileTableOverHttp, startRecordingOrigin, type RecordingOrigin } from './http.js';
import { bundleVercelMiddleware } from './vercel-runtime.js';

let origin: RecordingOrigin | undefined;
let edge: Awaited<ReturnType<typeof runServer>> | undefined;
let port = 0;
const seen: SeenByOrigin[] = [];

beforeAll(async () => {
  origin = await startRecordingOrigin(seen);
  const code = await bundleVercelMiddleware({
    URLSEAL_KEYRING: JSON.stringify(KEYRING_JSON),
    URLSEAL_ORIGIN: origin.url,
  });
  const runtime = new EdgeRuntime({ initialCode: `Date.now = () => ${NOW * 1000};\n${code}` });
  edge = await runServer({ runtime, port: 0, host: '127.0.0.1' });
  port = Number(new URL(edge.url).port);
});

afterAll(async () => {
  await edge?.close();
  await origin?.close();
});

hostileTableOverHttp('hostile table over HTTP (examples/vercel/middleware.ts in edge-runtime)', {
  port: () => port,
  seen,
  headers: { 'x-real-ip': CLIENT_IP },
  expectation: (hostile) => hostile.vercel ?? hostile.whatwg ?? hostile.firstAuthorizationLine ?? hostile.expect,
});
