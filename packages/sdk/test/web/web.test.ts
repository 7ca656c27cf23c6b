// The web signer (@urlseal/sdk/web, jose on crypto.subtle) run on Node next to the Node
// signer: same results, byte for byte where the algorithm is deterministic.
import { describe, expect, it } from 'vitest';
import { createVerifier } from '@urlseal/edge';
import { createSigner as createNodeSigner } from '@urlseal/sdk';
import { createSigner as createWebSigner } from '../../src/web.js';
import { CALLS, KEYRINGS, MISUSES, NOW, jwtOf, privateJwk, toJson, type Call } from './cases.js';

const currentDate = new Date(NOW * 1000);

function callNode(keyring: string, call: Call): unknown {
  const signer = createNodeSigner({ keyring: KEYRINGS[keyring]!.json, currentDate }) as unknown as Record<string, (...a: unknown[]) => unknown>;
  return toJson(signer[call.method]!(...call.args));
}

async function callWeb(keyring: string, call: Call): Promise<unknown> {
  const signer = createWebSigner({ keyring: KEYRINGS[keyring]!.json, currentDate }) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  return toJson(await signer[call.method]!(...call.args));
}

const table = Object.keys(KEYRINGS).flatMap((keyring) =>
  CALLS.filter((call) => !call.legacy || KEYRINGS[keyring]!.json.secureToken).map((call) => [keyring, call.name, call] as const),
);

describe('@urlseal/sdk/web next to the Node signer', () => {
  it.each(table.filter(([keyring]) => KEYRINGS[keyring]!.deterministic))('%s, %s: identical bytes', async (keyring, _name, call) => {
    expect(await callWeb(keyring, call)).toEqual(callNode(keyring, call));
  });

  it.each(table.filter(([keyring]) => !KEYRINGS[keyring]!.deterministic))('%s, %s: same claims, and the edge accepts both', async (keyring, _name, call) => {
    const web = await callWeb(keyring, call);
    const node = callNode(keyring, call);
    if (typeof web === 'object') expect((web as { claims: unknown }).claims).toEqual((node as { claims: unknown }).claims);
    const verifier = createVerifier({ keyring: KEYRINGS[keyring]!.json, currentDate });
    for (const result of [web, node]) {
      expect(await verifier.verifyToken(jwtOf(result), call.granted, { clientIp: '203.0.113.7' }), call.name).toMatchObject({ ok: true });
    }
  });

  it.each(MISUSES.map((m) => [m.call.name, m] as const))('%s: the same TypeError, as a rejected promise', async (_name, { call, message }) => {
    expect(() => callNode('HS256', call)).toThrow(message);
    const pending = callWeb('HS256', call);
    await expect(pending).rejects.toThrow(TypeError);
    await expect(pending).rejects.toThrow(message);
  });

  it('refuses a key pair whose private part belongs to another key, with the Node signer\'s error (at the first signature)', async () => {
    for (const alg of ['EdDSA', 'ES256'] as const) {
      const kid = alg === 'EdDSA' ? 'e1' : 'p1';
      const [one, other] = [KEYRINGS[alg]!.json.keys![0]!, privateJwk(alg, kid)];
      const keyring = { keys: [{ ...one, d: other.d }] };
      const message = `keyring: key "${kid}" is not a usable ${alg} key pair: its "d" does not match its public part`;
      expect(() => createNodeSigner({ keyring })).toThrow(message);
      const web = createWebSigner({ keyring });
      for (let i = 0; i < 2; i++) await expect(web.signToken('/a')).rejects.toThrow(expect.objectContaining({ code: 'ERR_KEYRING_INVALID', message }) as Error);
    }
  });

  it('validates its options at once, synchronously, like the Node signer', () => {
    expect(() => createWebSigner({ keyring: KEYRINGS.HS256!.json, ttl: 0 })).toThrow(/^createSigner: option "ttl"/);
    expect(() => createWebSigner({ keyring: '{"kids":{"k":"short"}}' })).toThrow(expect.objectContaining({ code: 'ERR_KEYRING_INVALID' }) as Error);
  });
});
