// The README's CLI quick start, pasted into bash as a new user would, runs to the end on its
// own: keygen → a folder behind `urlseal serve --root` → sign → curl (200, 401, 403, 410) →
// the edge stopped. It runs in a fresh temp project whose node_modules is this repo's
// (what `npm install` gives a clone), under `bash -e` so every line must succeed, and each
// `# comment` after a curl or verify line is checked against what that line printed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { groupAlive } from '../interop/helpers.js';
import { REPO_ROOT, markdownSnippets, matchesPromise } from './snippets.js';

const dir = mkdtempSync(join(tmpdir(), 'urlseal-quickstart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const block = markdownSnippets(REPO_ROOT, 'README.md').find((s) => s.heading === 'Quick start (CLI)' && s.lang === 'sh');

/** What each checked line of the block says it prints: the text after its `# `. */
function promises(code: string): string[] {
  return code
    .split('\n')
    .filter((line) => /^(curl|urlseal verify) /.test(line))
    .map((line) => /\s#\s(.+)$/.exec(line)?.[1]?.trim() ?? '');
}

function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => resolve(Boolean(socket.destroy()) && false));
    socket.once('error', () => resolve(true));
  });
}

describe('README quick start', () => {
  it('is in the README, as a sh block under "Quick start (CLI)"', () => {
    expect(block?.code).toContain('urlseal serve --root');
    expect(promises(block?.code ?? '')).toHaveLength(5);
  });

  it('runs to the end in bash, prints what its comments say, and stops the edge', async () => {
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
    const { URLSEAL_KEYRING: _none, ...env } = process.env;
    const bash = spawn('bash', ['-e', '-c', block?.code ?? 'exit 1'], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    bash.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    bash.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const pgid = bash.pid as number;
    const timer = setTimeout(() => groupAlive(pgid) && process.kill(-pgid, 'SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => bash.once('close', resolve));
    clearTimeout(timer);
    try {
      expect({ code, stderr }, stdout).toEqual({
        code: 0,
        // keygen says what it wrote (never the secret); sign warns about the expired link.
        stderr: expect.stringMatching(
          /^urlseal keygen: wrote kid "demo-1" \(HS256, active\) to \/.*\/keyring\.local\.json, mode 0600\nurlseal sign: warning: the link expired 1 minute ago \(.*\): the edge answers 410 ERR_TOKEN_EXPIRED\n$/,
        ),
      });
      const lines = stdout.split('\n');
      let from = 0;
      for (const promise of promises(block?.code ?? '')) {
        // `...` or `…` in a comment stands for any text (a token, a time).
        const at = lines.findIndex((line, i) => i >= from && matchesPromise(line, promise));
        expect(at, `"${promise}" in:\n${stdout}`).toBeGreaterThanOrEqual(from);
        from = at + 1;
      }
      expect(stdout).toContain('NOT VERIFIED');
      // `kill $EDGE_PID` stopped the edge: nothing is left in the script's process group
      // and its port is closed.
      const deadline = Date.now() + 15_000;
      while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(groupAlive(pgid)).toBe(false);
      const edge = /http:\/\/127\.0\.0\.1:\d+/.exec(readFileSync(join(dir, 'edge.log'), 'utf8'))?.[0] as string;
      expect(await refused(edge)).toBe(true);
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  }, 90_000);
});
