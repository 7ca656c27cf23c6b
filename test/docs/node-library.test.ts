// docs/deploy/node.md "As a library", run as written: the block is taken from the doc
// (not a copy), its two placeholders (the keyring path and the ports) become a keyring
// made by the CLI and free ports, and it runs under node. It must serve, serve metrics,
// and exit on its own after SIGTERM (issue 14: it never exited, its metrics server stayed open).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startChild, waitForPort, type Child } from '../interop/helpers.js';
import { REPO_ROOT, markdownSnippets } from './snippets.js';

// Inside the repository, so `@urlseal/edge/*` resolves through its node_modules as for a user's app.
const dir = mkdtempSync(join(REPO_ROOT, 'test/docs/.run-'));
let child: Child | undefined;
afterAll(async () => {
  await child?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('docs/deploy/node.md: the library example', () => {
  it('serves, serves metrics apart, and exits 0 on SIGTERM', async () => {
    const block = markdownSnippets(REPO_ROOT, 'docs/deploy/node.md').find((s) => s.lang === 'ts' && s.code.includes('createEdgeServer({'));
    if (!block) throw new Error('docs/deploy/node.md has no createEdgeServer example');
    const keyring = join(dir, 'keyring.json');
    writeFileSync(keyring, execFileSync(process.execPath, [join(REPO_ROOT, 'packages/sdk/bin/urlseal.js'), 'keygen', '--kid', 'k1'], { encoding: 'utf8' }));
    chmodSync(keyring, 0o600);
    const [port, metricsPort] = [await freePort(), await freePort()];
    // The doc's placeholders: its keyring path and its two ports.
    const code = block.code
      .replace("'/etc/urlseal/keyring.json'", JSON.stringify(keyring))
      .replace('listen(8080,', `listen(${port},`)
      .replace('listen(9464,', `listen(${metricsPort},`);
    expect(code).not.toContain('/etc/urlseal');
    const file = join(dir, 'edge.mjs');
    writeFileSync(file, code);
    child = startChild(process.execPath, [file], { cwd: dir });
    await waitForPort(port);
    await waitForPort(metricsPort);
    expect((await fetch(`http://127.0.0.1:${port}/videos/a.mp4`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
    child.proc.kill('SIGTERM');
    const exited = await Promise.race([new Promise<number | null>((resolve) => child?.proc.once('exit', (c) => resolve(c))), new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 8000))]);
    expect(exited).toBe(0);
  });
});
