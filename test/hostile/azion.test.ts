// The hostile table through packages/edge/dist/azion.js, the Azion Edge Firewall function,
// in @edge-runtime/vm with firewall events of Azion's shape (azion-runtime.ts), the
// keyring as the function's JSON Args. Grants are `continue()` (A23).
import { beforeAll, describe, expect, test } from 'vitest';
import { assertDenial } from './assertions.js';
import { loadAzion } from './azion-runtime.js';
import { CASES, Ctx, KEYRING_JSON, type HostileCase } from './cases.js';

let send: Awaited<ReturnType<typeof loadAzion>>;
beforeAll(async () => {
  send = await loadAzion();
});

describe('hostile table through dist/azion.js in @edge-runtime/vm (firewall events)', () => {
  test.each(CASES.map((c) => [c.name, c] as [string, HostileCase]))('%s', async (_name, hostile) => {
    const ctx = new Ctx();
    const request = hostile.build(ctx);
    const outcome = await send(request, KEYRING_JSON);
    const want = hostile.expect;
    if (want.code === null) {
      expect(outcome.calls).toEqual(['continue']);
      return;
    }
    expect(outcome.continued, 'a denied request never continues').toBe(false);
    if (outcome.continued) return;
    const headers: Record<string, string> = {};
    outcome.response.headers.forEach((value, name) => (headers[name] = value));
    assertDenial({ status: outcome.response.status, headers, body: await outcome.response.text(), method: request.method }, want, ctx.secrets);
  });
});
