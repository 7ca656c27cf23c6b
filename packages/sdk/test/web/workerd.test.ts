// @urlseal/sdk/web in REAL workerd (the Cloudflare Workers runtime): bundled from the
// sources without node: modules or nodejs_compat, it must answer every call exactly as the
// Node signer does (byte for byte for HS256/HS384/HS512/EdDSA), and its ES256 tokens
// must verify at the edge.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '@urlseal/edge';
import { createSigner } from '@urlseal/sdk';
import { WORKERS_BUNDLE, freePort, startChild, waitForPort, type Child } from '../../../../test/interop/helpers.js';
import { workerdBinary } from '../../../../test/interop/binaries.js';
import { CALLS, KEYRINGS, MISUSES, NOW, jwtOf, toJson, type Call } from './cases.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const WORKERD = workerdBinary();
const CONFIG = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "signer", worker = .signer) ],
  sockets = [ (name = "http", address = "127.0.0.1:@PORT@", http = (), service = "signer") ],
);
const signer :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-01-01",
);
`;

let dir = '';
let base = '';
let workerd: Child | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'urlseal-web-signer-'));
  const outfile = join(dir, 'worker.js');
  await build({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
    outfile,
    ...WORKERS_BUNDLE,
    alias: {
      '@urlseal/sdk/web': join(ROOT, 'packages/sdk/src/web.ts'),
      '@urlseal/edge/contract': join(ROOT, 'packages/edge/src/contract/index.ts'),
    },
  });
  expect(readFileSync(outfile, 'utf8')).not.toMatch(/["']node:/);
  const port = await freePort();
  writeFileSync(join(dir, 'config.capnp'), CONFIG.replace('@PORT@', String(port)));
  workerd = startChild(WORKERD, ['serve', join(dir, 'config.capnp')], { cwd: dir });
  await waitForPort(port, 30_000, () => workerd?.exited());
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await workerd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function inWorkerd(keyring: string, call: Call): Promise<{ ok: boolean; result?: unknown; name?: string; message?: string }> {
  const body = JSON.stringify({ keyring: JSON.stringify(KEYRINGS[keyring]!.json), now: NOW, method: call.method, args: call.args });
  const res = await fetch(base, { method: 'POST', body });
  expect(res.status).toBe(200);
  return (await res.json()) as { ok: boolean; result?: unknown };
}

function onNode(keyring: string, call: Call): unknown {
  const signer = createSigner({ keyring: KEYRINGS[keyring]!.json, currentDate: new Date(NOW * 1000) }) as unknown as Record<string, (...a: unknown[]) => unknown>;
  return toJson(signer[call.method]!(...call.args));
}

const table = Object.keys(KEYRINGS).flatMap((keyring) =>
  CALLS.filter((call) => !call.legacy || KEYRINGS[keyring]!.json.secureToken).map((call) => [keyring, call.name, call] as const),
);

describe('@urlseal/sdk/web in workerd', () => {
  it.each(table)('%s, %s', async (keyring, _name, call) => {
    const answer = await inWorkerd(keyring, call);
    expect(answer.ok, JSON.stringify(answer)).toBe(true);
    if (KEYRINGS[keyring]!.deterministic) {
      expect(answer.result).toEqual(onNode(keyring, call));
    } else {
      const verifier = createVerifier({ keyring: KEYRINGS[keyring]!.json, currentDate: new Date(NOW * 1000) });
      expect(await verifier.verifyToken(jwtOf(answer.result), call.granted, { clientIp: '203.0.113.7' })).toMatchObject({ ok: true });
    }
  });

  it.each(MISUSES.map((m) => [m.call.name, m] as const))('%s: the same TypeError', async (_name, { call, message }) => {
    const answer = await inWorkerd('HS256', call);
    expect(answer).toMatchObject({ ok: false, name: 'TypeError' });
    expect(answer.message?.startsWith(message), answer.message).toBe(true);
  });
});

describe('@urlseal/sdk/web seals in workerd (issue 17)', () => {
  const sealedCalls: Call[] = [
    { name: 'a sealed query link', method: 'signUrl', args: ['https://cdn.example/videos/a.mp4', { seal: true, sub: 'student-42' }], granted: '/videos/a.mp4' },
    { name: 'a sealed path link', method: 'signUrl', args: ['/videos/course-1/master.m3u8', { grant: '/videos/course-1/*', seal: true }], granted: '/videos/course-1/720p/seg-1.ts' },
    { name: 'a sealed cookie', method: 'signCookie', args: ['/videos/course-1/*', { seal: true }], granted: '/videos/course-1/a.mp4' },
  ];
  it.each(sealedCalls.map((call) => [call.name, call] as const))('%s: five segments, opened and granted by the edge', async (_name, call) => {
    const answer = await inWorkerd('HS256', call);
    expect(answer.ok, JSON.stringify(answer)).toBe(true);
    const token = jwtOf(answer.result);
    expect(token.split('.')).toHaveLength(5);
    const verifier = createVerifier({ keyring: KEYRINGS.HS256!.json, currentDate: new Date(NOW * 1000) });
    expect(await verifier.verifyToken(token, call.granted)).toMatchObject({ ok: true });
  });

  it('refuses seal with an EdDSA active key, as the Node signer does', async () => {
    const answer = await inWorkerd('EdDSA', { name: 'seal', method: 'signToken', args: ['/a.mp4', { seal: true }], granted: '/a.mp4' });
    expect(answer).toMatchObject({ ok: false, name: 'TypeError' });
    expect(answer.message).toMatch(/^signToken: option "seal" needs an HS256 active key/);
  });
});
