// docs/key-rotation.md walked end to end against `urlseal serve --keyring FILE`
// while requests flow: keys made by `urlseal keygen`, the edge keyring file
// replaced atomically at each step (the edge re-reads it on its own), links
// signed by the SDK from the origin keyring of the moment. No valid request is
// ever denied; a retired kid (and a retired legacy secret) is denied right
// after its removal.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSigner, type KeyringJson } from '@urlseal/sdk';
import { freePort, startChild, waitForOutput, waitForPort, type Child } from './helpers.js';

const BIN = fileURLToPath(new URL('../../packages/sdk/bin/urlseal.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'urlseal-rotation-'));
const edgeFile = join(dir, 'edge-keyring.json');

const keygen = (...args: string[]): KeyringJson => JSON.parse(execFileSync(process.execPath, [BIN, 'keygen', ...args], { encoding: 'utf8' })) as KeyringJson;

/** Replaces a file the atomic way: write a sibling, rename it over. */
function publish(file: string, json: KeyringJson): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(json), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

let origin: Server | undefined;
let edge: Child | undefined;
afterAll(async () => {
  await edge?.stop();
  origin?.closeAllConnections();
  await new Promise((resolve) => (origin ? origin.close(resolve) : resolve(undefined)));
  rmSync(dir, { recursive: true, force: true });
});

/** Waits until the edge has logged `count` keyring reloads on stderr (the load at start is not logged: the listening line says it). */
async function loads(child: Child, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((child.stderr().match(/"result":"loaded"/g) ?? []).length < count) {
    if (Date.now() > deadline) throw new Error(`the edge logged no keyring load #${count}: ${child.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('key rotation runbook (docs/key-rotation.md) under traffic', () => {
  it('publishes, switches and retires JWT kids and legacy secrets without denying a valid request', async () => {
    origin = createServer((req, res) => res.end(`ok ${req.url}`));
    await new Promise<void>((resolve) => origin?.listen(0, '127.0.0.1', resolve));
    const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;

    // Day 0: one key of each scheme, the same keyring at the origin and the edge.
    const day0 = keygen('--kid', '2026-10', '--secure-token');
    const oldSecret = day0.secureToken?.[0] as string;
    let originKeyring: KeyringJson = day0;
    publish(edgeFile, day0);
    const port = await freePort();
    edge = startChild(process.execPath, [BIN, 'serve', '--origin', originUrl, '--keyring', edgeFile, '--port', String(port)]);
    await waitForPort(port, 20_000, () => edge?.exited());
    await waitForOutput(edge, 'urlseal edge listening on');
    const base = `http://127.0.0.1:${port}`;

    // Traffic: four clients, each link signed just now by the origin's keyring of the moment.
    const wrong: string[] = [];
    const served: Record<string, number> = {};
    let phase = 'both-old';
    let running = true;
    const inFlight = new Set<Promise<void>>();
    const client = async (n: number): Promise<void> => {
      for (let i = 0; running; i++) {
        const signer = createSigner({ keyring: originKeyring });
        const scheme = (n + i) % 2 === 0 ? 'jwt' : 'secure-token';
        const at = phase;
        const url = await signer.signUrl(`${base}/media/${n}-${i}.mp4`, { ttl: 300, scheme });
        const request = fetch(url).then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) wrong.push(`${at} ${scheme}: ${res.status} ${res.headers.get('x-urlseal-error')}`);
          else served[at] = (served[at] ?? 0) + 1;
        });
        inFlight.add(request);
        await request.finally(() => inFlight.delete(request));
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
    await settle();

    // A link made before the rotation and still within its ttl, to check retirement with.
    const oldSigner = createSigner({ keyring: day0 });
    const oldJwtUrl = await oldSigner.signUrl(`${base}/media/old.mp4`, { ttl: 600 });
    const oldLegacyUrl = await oldSigner.signUrl(`${base}/media/old.mp4`, { ttl: 600, scheme: 'secure-token' });

    // 1. Publish: the new kid and the new legacy secret verify at the edge; the origin still signs with the old ones.
    const next = keygen('--kid', '2026-11', '--secure-token');
    const newSecret = next.secureToken?.[0] as string;
    publish(edgeFile, { active: '2026-10', kids: { ...day0.kids, ...next.kids }, secureToken: [oldSecret, newSecret] });
    await loads(edge, 1);
    phase = 'edge-both';
    await settle();

    // 2. Sign with the new key: the origin keyring names it active, its new legacy secret first.
    originKeyring = { active: '2026-11', kids: { ...day0.kids, ...next.kids }, secureToken: [newSecret, oldSecret] };
    phase = 'origin-new';
    await settle();

    // 3. Retire: once the old keys' links have expired (max ttl + leeway; here, once no request
    //    signed with them is still in flight), the old kid and secret leave both keyrings.
    await Promise.all([...inFlight]);
    originKeyring = { active: '2026-11', kids: next.kids, secureToken: [newSecret] };
    publish(edgeFile, { kids: next.kids, secureToken: [newSecret] });
    await loads(edge, 2);
    // Right after the removal, the retired key's links are denied.
    const oldJwt = await fetch(oldJwtUrl);
    expect(oldJwt.status).toBe(401);
    expect(oldJwt.headers.get('x-urlseal-error')).toBe('ERR_KID_UNKNOWN');
    const oldLegacy = await fetch(oldLegacyUrl);
    expect(oldLegacy.status).toBe(403);
    expect(oldLegacy.headers.get('x-urlseal-error')).toBe('ERR_SIGNATURE_INVALID');
    phase = 'retired';
    await settle();

    running = false;
    await Promise.all(clients);
    expect(wrong).toEqual([]);
    for (const step of ['both-old', 'edge-both', 'origin-new', 'retired']) expect(served[step] ?? 0, step).toBeGreaterThan(10);
    // The edge's keyring lines never hold a secret.
    for (const secret of [oldSecret, newSecret, ...Object.values(day0.kids ?? {}), ...Object.values(next.kids ?? {})]) {
      expect(edge.stderr()).not.toContain(secret);
      expect(edge.stdout()).not.toContain(secret);
    }
  });
});
