// The hostile table over real HTTP through examples/cloudflare-worker (dist/worker.js, bundled
// as wrangler does) running in real
// workerd (npm), in front of a recording node:http origin. Cloudflare's CF-Connecting-IP
// is sent as the platform would (127.0.0.1, the suite's client address); no CF-IPCountry
// unless a case sends one (A30).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { bundleExampleWorker } from '../interop/example-worker.js';
import { freePort, startChild, waitForPort, type Child } from '../interop/helpers.js';
import { workerdBinary } from '../interop/binaries.js';
import type { SeenByOrigin } from './assertions.js';
import { KEYRING_JSON } from './cases.js';
import { CLIENT_IP, NOW } from './helpers.js';
import { hostileTableOverHttp, startRecordingOrigin, type RecordingOrigin } from './http.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir = '';
let origin: RecordingOrigin | undefined;
let workerd: Child | undefined;
let port = 0;
const seen: SeenByOrigin[] = [];

beforeAll(async () => {
  origin = await startRecordingOrigin(seen);
  dir = mkdtempSync(join(tmpdir(), 'urlseal-hostile-workerd-'));
  port = await freePort();
  await bundleExampleWorker(join(dir, 'worker.js'));
  writeFileSync(join(dir, 'clock.js'), `Date.now = () => ${NOW * 1000};\nexport { default } from './worker.js';\n`);
  writeFileSync(join(dir, 'keyring.txt'), JSON.stringify(KEYRING_JSON));
  writeFileSync(join(dir, 'origin.txt'), origin.url);
  const template = readFileSync(join(ROOT, 'test/hostile/fixtures/workerd.capnp'), 'utf8');
  writeFileSync(join(dir, 'config.capnp'), template.replaceAll('@PORT@', String(port)));
  workerd = startChild(workerdBinary(), ['serve', join(dir, 'config.capnp')], { cwd: dir });
  await waitForPort(port, 30_000, () => workerd?.exited());
});

afterAll(async () => {
  await workerd?.stop();
  await origin?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

hostileTableOverHttp('hostile table over HTTP (dist/worker.js in workerd)', {
  port: () => port,
  seen,
  headers: { 'cf-connecting-ip': CLIENT_IP },
  expectation: (hostile) => hostile.workerCountry ?? hostile.worker ?? hostile.expect,
});
