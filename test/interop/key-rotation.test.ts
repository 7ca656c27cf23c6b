// docs/key-rotation.md, run as written: each section's shell block is taken from the doc,
// split at its "# N." step comments, and run step by step with bash (PATH holding the built
// `urlseal`, the doc's own `jq`) in a fresh folder, against `urlseal serve --keyring
// edge-keyring.json` while requests flow. The origin signs with what `origin-keyring.json`
// holds, re-read after each step (the doc's "restart or reload your origin app"). No valid
// request is ever denied; the retired kid (or legacy secret) is denied right after step 4
// reaches the edge; every file the steps write is mode 0600; no secret reaches the edge's output.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner, loadKeyring, type Signer } from '@urlseal/sdk';
import { markdownSnippets } from '../docs/snippets.js';
import { freePort, startChild, waitForOutput, waitForPort, type Child } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'packages/sdk/bin/urlseal.js');
const dirs: string[] = [];
const shims = mkdtempSync(join(tmpdir(), 'urlseal-rotation-bin-'));
dirs.push(shims);
writeFileSync(join(shims, 'urlseal'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
chmodSync(join(shims, 'urlseal'), 0o755);

/** A section's shell block as steps: the lines under each `# N.` comment (what precedes `# 0.` belongs to step 0). */
function runbook(heading: string): string[][] {
  const block = markdownSnippets(ROOT, 'docs/key-rotation.md').find((s) => s.lang === 'sh' && s.heading === heading);
  if (block === undefined) throw new Error(`docs/key-rotation.md has no sh block under "${heading}"`);
  const steps: string[][] = [[]];
  for (const line of block.code.split('\n')) {
    const step = /^# (\d)\./.exec(line);
    if (step !== null && Number(step[1]) > 0) {
      expect(Number(step[1]), `${heading}: steps in order`).toBe(steps.length);
      steps.push([]);
    }
    (steps[steps.length - 1] as string[]).push(line);
  }
  expect(steps, `${heading}: steps 0 to 4`).toHaveLength(5);
  return steps;
}

/** Runs step `n` as written; `umask` and variables set by earlier steps are set again first. */
function runStep(dir: string, steps: string[][], n: number): void {
  const sticky = steps.slice(0, n).flat().filter((line) => /^(umask |[A-Z_]+=)/.test(line));
  const script = ['set -euo pipefail', ...sticky, ...(steps[n] as string[])].join('\n');
  const { URLSEAL_KEYRING: _drop, ...env } = process.env;
  execFileSync('bash', ['-c', script], { cwd: dir, env: { ...env, PATH: `${shims}:${env.PATH ?? ''}` }, stdio: ['ignore', 'ignore', 'pipe'] });
  // Every file the runbook leaves holds secrets: 0600, as umask 077 makes them.
  for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777, `${name} after step ${n}`).toBe(0o600);
}

/** Every secret a keyring file holds (kids' secrets, private JWK members, legacy secrets). */
function secretsOf(file: string): string[] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { kids?: Record<string, string>; keys?: Array<{ d?: string }>; secureToken?: string[] };
  return [...Object.values(json.kids ?? {}), ...(json.keys ?? []).flatMap((key) => (key.d ? [key.d] : [])), ...(json.secureToken ?? [])];
}

let origin: Server;
let originUrl: string;
const edges: Child[] = [];
beforeAll(async () => {
  origin = createServer((req, res) => res.end(`ok ${req.url}`));
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const edge of edges) await edge.stop();
  origin.closeAllConnections();
  await new Promise((resolve) => origin.close(resolve));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Waits until the edge has logged `count` keyring reloads on stderr (the load at start is not logged: the listening line says it). */
async function loads(child: Child, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((child.stderr().match(/"result":"loaded"/g) ?? []).length < count) {
    if (Date.now() > deadline) throw new Error(`the edge logged no keyring load #${count}: ${child.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Scenario {
  heading: string;
  /** Day 0 made by the test, for a section whose step 0 only describes it. */
  before?: string;
  scheme: 'jwt' | 'secure-token';
  retired: [number, string];
  /** Whether the edge file keeps an `active` naming the retired kid (loaded with a warning). */
  staleActive: boolean;
}

const SCENARIOS: Scenario[] = [
  { heading: 'JWT keys (`kids`, HS256)', scheme: 'jwt', retired: [401, 'ERR_KID_UNKNOWN'], staleActive: true },
  { heading: 'Asymmetric keys (`keys`, ES256 or EdDSA)', scheme: 'jwt', retired: [401, 'ERR_KID_UNKNOWN'], staleActive: false },
  {
    heading: 'Legacy `secureToken`',
    // The quick start's keyring, with the legacy secret this section rotates.
    before: 'umask 077 && urlseal keygen --kid 2026-10 --secure-token -k origin-keyring.json && cp origin-keyring.json edge-keyring.json',
    scheme: 'secure-token',
    retired: [403, 'ERR_SIGNATURE_INVALID'],
    staleActive: false,
  },
];

describe('key rotation runbook (docs/key-rotation.md), run as written under traffic', () => {
  it.each(SCENARIOS)('$heading', async ({ heading, before, scheme, retired, staleActive }) => {
    const steps = runbook(heading);
    const dir = mkdtempSync(join(tmpdir(), 'urlseal-rotation-'));
    dirs.push(dir);
    const originFile = join(dir, 'origin-keyring.json');
    if (before !== undefined) runStep(dir, [[before]], 0);
    runStep(dir, steps, 0);
    const secrets = new Set(secretsOf(originFile));

    const port = await freePort();
    const edge = startChild(process.execPath, [BIN, 'serve', '--origin', originUrl, '--keyring', join(dir, 'edge-keyring.json'), '--port', String(port)]);
    edges.push(edge);
    await waitForPort(port, 20_000, () => edge.exited());
    await waitForOutput(edge, 'urlseal edge listening on');
    const base = `http://127.0.0.1:${port}`;

    // The origin app: it reads its keyring at start, and again when "restarted" after a step.
    let generation = 0;
    let signer: Signer = createSigner({ keyring: loadKeyring(originFile) });
    const restartOrigin = () => {
      for (const secret of secretsOf(originFile)) secrets.add(secret);
      signer = createSigner({ keyring: loadKeyring(originFile) });
      generation++;
    };
    const pending = new Map<number, number>(); // generation → requests signed with it, not yet answered
    const wrong: string[] = [];
    const served: Record<string, number> = {};
    let phase = 'day 0';
    let running = true;
    const client = async (n: number): Promise<void> => {
      for (let i = 0; running; i++) {
        const [at, mine, by] = [phase, generation, signer];
        pending.set(mine, (pending.get(mine) ?? 0) + 1);
        try {
          const url = await by.signUrl(`${base}/media/${n}-${i}.mp4`, { ttl: 300, ...(i % 2 === 0 ? { scheme } : {}) });
          const res = await fetch(url);
          await res.arrayBuffer();
          if (res.status !== 200) wrong.push(`${at}: ${res.status} ${res.headers.get('x-urlseal-error')}`);
          else served[at] = (served[at] ?? 0) + 1;
        } catch (error) {
          if (running) wrong.push(`${at}: ${String(error)}`);
        } finally {
          pending.set(mine, (pending.get(mine) ?? 0) - 1);
        }
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    const flow = async (count = 20) => {
      const goal = (served[phase] ?? 0) + count;
      const deadline = Date.now() + 10_000;
      while ((served[phase] ?? 0) < goal && wrong.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    try {
      await flow();

      // A link made before the rotation and still within its ttl, to check retirement with.
      const oldUrl = await signer.signUrl(`${base}/media/old.mp4`, { ttl: 600, scheme });
      expect((await fetch(oldUrl)).status).toBe(200);

      runStep(dir, steps, 1); // publish at the edge
      await loads(edge, 1);
      phase = 'published';
      await flow();

      runStep(dir, steps, 2); // sign with the new key
      restartOrigin();
      phase = 'signing with the new key';
      await flow();

      // 3. Wait out the old links: here, until no request signed before the switch is in flight.
      runStep(dir, steps, 3);
      const deadline = Date.now() + 10_000;
      while ([...pending].some(([g, count]) => g < generation && count > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));

      runStep(dir, steps, 4); // retire
      await loads(edge, 2);
      const denied = await fetch(oldUrl);
      expect([denied.status, denied.headers.get('x-urlseal-error')]).toEqual(retired);
      restartOrigin();
      phase = 'retired';
      await flow();
    } finally {
      running = false;
      await Promise.all(clients);
    }
    expect(wrong).toEqual([]);
    for (const step of ['day 0', 'published', 'signing with the new key', 'retired']) expect(served[step] ?? 0, step).toBeGreaterThanOrEqual(20);
    const loadedLines = edge.stderr().split('\n').filter((line) => line.includes('"result":"loaded"'));
    expect(loadedLines).toHaveLength(2);
    // An edge file whose active names the retired kid loads, saying why that is fine.
    expect(loadedLines[1]?.includes('"warning":"keyring.active: \\"2026-10\\" names no key this keyring holds')).toBe(staleActive);
    for (const secret of secrets) {
      expect(edge.stderr()).not.toContain(secret);
      expect(edge.stdout()).not.toContain(secret);
    }
    await edge.stop();
  });
});
