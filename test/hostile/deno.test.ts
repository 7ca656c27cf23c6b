// The hostile table over real HTTP through examples/deno/main.ts (Deno.serve) run by Deno,
// in front of a recording node:http origin. The client address is the socket peer.
import { afterAll, beforeAll } from 'vitest';
import type { SeenByOrigin } from './assertions.js';
import { KEYRING_JSON } from './cases.js';
import { startDenoExample, type DenoEdge } from './deno-runtime.js';
import { NOW } from './helpers.js';
import { hostileTableOverHttp, startRecordingOrigin, type RecordingOrigin } from './http.js';

let origin: RecordingOrigin | undefined;
let edge: DenoEdge | undefined;
const seen: SeenByOrigin[] = [];

beforeAll(async () => {
  origin = await startRecordingOrigin(seen);
  edge = await startDenoExample(
    { URLSEAL_KEYRING: JSON.stringify(KEYRING_JSON), URLSEAL_ORIGIN: origin.url },
    NOW * 1000,
  );
});

afterAll(async () => {
  await edge?.stop();
  await origin?.close();
});

hostileTableOverHttp('hostile table over HTTP (examples/deno/main.ts in Deno)', {
  port: () => edge!.port,
  seen,
  // Deno's HTTP server refuses the 1 MB header with 400, where Node's says 431 (A13).
  refusedBeforeEdge: (hostile, answer) => hostile.oversize === true && answer.status === 400,
});
