// The hostile table over real HTTP through examples/deno/main.ts (Deno.serve) run by Deno,
// in front of a recording node:http origin. The client address is the socket peer.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SeenByOrigin } from './assertions.js';
import { CASES, Ctx, KEYRING_JSON, type HostileCase } from './cases.js';
import { startDenoExample, type DenoEdge } from './deno-runtime.js';
import { NOW } from './helpers.js';
import { checkAnswer, sendRaw, startRecordingOrigin, type RecordingOrigin } from './http.js';

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

describe('hostile table over HTTP (examples/deno/main.ts in Deno)', () => {
  test.each(CASES.map((c) => [c.name, c] as [string, HostileCase]))('%s', async (_name, hostile) => {
    const ctx = new Ctx();
    const request = hostile.build(ctx);
    seen.length = 0;
    const answer = await sendRaw(edge!.port, request);
    if (hostile.oversize && answer.status === 400) {
      // Deno's HTTP server refuses the 1 MB header with 400, where Node's says 431 (A13).
      expect(seen).toHaveLength(0);
      return;
    }
    checkAnswer(hostile, ctx, request, answer, seen, hostile.expect);
  });
});
