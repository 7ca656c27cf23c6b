// The relay plan (relay.ts, docs/spec.md §9 "Relaying the origin's answer"): the one rule
// every adapter translates. Through the adapters: test/adapters/one-table.test.ts.
import { describe, expect, it } from 'vitest';
import { connectionNames, relayPlan } from '../src/core/relay.js';

const plain = { path: '/v/a.mp4', manifest: undefined };
const manifest = { path: '/v/index.m3u8', manifest: { token: 'eyJ.a.b', grant: ['/v/*'] } };

describe('relayPlan', () => {
  it('answers 502 for a status outside 200–599 or not a whole number', () => {
    for (const status of [0, 100, 101, 199, 600, 999, 200.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const plan = relayPlan(plain, 'GET', status, null);
      expect(plan.relay, String(status)).toBe(false);
      expect(plan.add, String(status)).toEqual([]);
    }
  });

  it('relays 200–599, replacing Referrer-Policy and dropping hop-by-hop headers', () => {
    for (const status of [200, 206, 302, 404, 503, 599]) {
      const plan = relayPlan(plain, 'GET', status, 'text/plain');
      expect([plan.relay, plan.body, plan.rewrite], String(status)).toEqual([true, true, false]);
      expect(plan.add).toEqual(['referrer-policy', 'no-referrer']);
      expect(plan.remove).toEqual(['referrer-policy']);
      for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection', 'referrer-policy']) {
        expect(plan.drop.has(name), name).toBe(true);
      }
      expect(plan.drop.has('content-length')).toBe(false);
    }
  });

  it('sends no body for HEAD, 204 and 304, and 205 with Content-Length: 0', () => {
    expect(relayPlan(plain, 'HEAD', 200, null).body).toBe(false);
    expect(relayPlan(plain, 'GET', 204, null).body).toBe(false);
    expect(relayPlan(plain, 'GET', 304, null).drop.has('content-length')).toBe(false);
    const reset = relayPlan(plain, 'GET', 205, null);
    expect([reset.relay, reset.body]).toEqual([true, false]);
    expect(reset.drop.has('content-length')).toBe(true);
    expect(reset.add).toEqual(['referrer-policy', 'no-referrer', 'content-length', '0']);
  });

  it('rewrites a 200 HLS manifest to a grant that carries one, by path or content type', () => {
    const rewrite = relayPlan(manifest, 'GET', 200, 'text/plain');
    expect(rewrite.rewrite).toBe(true);
    expect(rewrite.add).toEqual(['referrer-policy', 'no-referrer', 'cache-control', 'no-store']);
    for (const name of ['content-length', 'content-encoding', 'cache-control']) expect(rewrite.drop.has(name), name).toBe(true);
    expect(rewrite.untouched).toBe(relayPlan(plain, 'GET', 200, null)); // the origin's bytes as they are: the stream plan
    expect(relayPlan({ ...manifest, path: '/v/typed' }, 'GET', 200, 'application/vnd.apple.mpegurl; charset=utf-8').rewrite).toBe(true);
    expect(relayPlan({ ...manifest, path: '/v/typed' }, 'GET', 200, 'text/plain').rewrite).toBe(false);
    expect(relayPlan(plain, 'GET', 200, 'application/vnd.apple.mpegurl').rewrite).toBe(false); // no manifest grant
    expect(relayPlan(manifest, 'GET', 206, 'application/vnd.apple.mpegurl').rewrite).toBe(false); // only a 200
  });

  it('chooses among constants: the same plan object for the same class (nothing allocated)', () => {
    expect(relayPlan(plain, 'GET', 200, null)).toBe(relayPlan(plain, 'GET', 404, 'text/html'));
    expect(relayPlan(plain, 'HEAD', 200, null)).toBe(relayPlan(plain, 'GET', 204, null));
    expect(relayPlan(plain, 'GET', 600, null)).toBe(relayPlan(plain, 'GET', 101, null));
  });
});

describe('connectionNames', () => {
  it('lists the names a Connection header names, none for keep-alive and close', () => {
    expect(connectionNames(undefined)).toBeUndefined();
    expect(connectionNames(null)).toBeUndefined();
    expect(connectionNames('keep-alive')).toBeUndefined();
    expect(connectionNames('close')).toBeUndefined();
    expect([...(connectionNames('X-Hop, keep-alive') ?? [])]).toEqual(['x-hop', 'keep-alive']);
  });
});
