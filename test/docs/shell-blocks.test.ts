// The docs' shell blocks, run as written (issue 14, "docs that run"): every `sh`/`bash`/`shell`
// block that inventory.ts gives to this runner, in document order, each in `bash -e` in one
// fresh folder per document (a project whose node_modules is this repo's, so `npx urlseal`
// resolves to the built CLI as after `npm install`, and `node_modules/.bin` on PATH, as the
// README quick start puts it), in its own process group. The doc's own marks say what is
// changed (`placeholder: OLD => NEW`, `{port}` a free port), made first (`setup: CMD`), written
// as a file (`file: NAME`) or is a server (`runs until stopped: ready once …`: stopped, its
// whole group, once ready). A block must exit 0, print each `# <output>` line that follows one
// of its commands (that command's first stdout lines, or its stderr when it prints nothing on
// stdout), and leave no process behind. A `transcript: run in DIR` block has each `$ command`
// run in that folder of the repo and must print exactly the lines shown under it (`…` for any text).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, groupAlive, waitForPort } from '../interop/helpers.js';
import { RUNNER, classify, docBlocks, runMarks, where } from './inventory.js';
import { REPO_ROOT, matchesPromise, outputExamples, type Snippet } from './snippets.js';

/** The runner's blocks (and the files they use), by document, in order. */
const byDoc = new Map<string, Snippet[]>();
for (const block of docBlocks()) {
  const c = classify(block);
  if (typeof c === 'string' || !((c.kind === 'run' && c.by === RUNNER) || c.kind === 'file' || c.kind === 'output-checked')) continue;
  byDoc.set(block.file, [...(byDoc.get(block.file) ?? []), block]);
}

const dirs: string[] = [];

// `npx NAME …` for a NAME the project has installed runs node_modules/.bin/NAME (the nearest
// one up the tree), which is what npx itself resolves it to; this shim does that without npm's
// second of start-up per call, and hands anything else to the real npx (offline: nothing is
// downloaded). The first test checks the real npx picks the same CLI.
const REAL_NPX = spawnSync('sh', ['-c', 'command -v npx'], { encoding: 'utf8' }).stdout.trim();
const shims = mkdtempSync(join(tmpdir(), 'urlseal-doc-bin-'));
dirs.push(shims);
writeFileSync(
  join(shims, 'npx'),
  `#!/bin/sh
case "$1" in -*|'') exec "${REAL_NPX}" "$@";; esac
d=$PWD
while :; do
  if [ -x "$d/node_modules/.bin/$1" ]; then name=$1; shift; exec "$d/node_modules/.bin/$name" "$@"; fi
  [ "$d" = / ] && break
  d=$(dirname "$d")
done
exec "${REAL_NPX}" "$@"
`,
  { mode: 0o755 },
);
const { URLSEAL_KEYRING: _keyring, URLSEAL_REVOCATIONS: _revocations, ...base } = process.env;
const ENV = {
  ...base,
  PATH: `${shims}:${join(REPO_ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
  NPM_CONFIG_OFFLINE: 'true',
  NPM_CONFIG_UPDATE_NOTIFIER: 'false',
};
const groups = new Set<number>();
afterAll(() => {
  for (const pgid of groups) if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function gone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return !groupAlive(pgid);
}

/** A document's folder: a private project using this repo's node_modules. */
function project(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), `urlseal-doc-${file.replace(/\W+/g, '-')}-`));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** The block's text with the doc's placeholders replaced; `{port}`-style names get a free port, one per name per document. */
async function substitute(text: string, block: Snippet, ports: Map<string, number>): Promise<string> {
  let out = text;
  for (const [from, to] of runMarks(block).placeholders) out = out.replaceAll(from, await withPorts(to, ports));
  return out;
}

/** `{port}`, `{port2}`… in a text, each a free port (the same one for the same name within a document). */
async function withPorts(text: string, ports: Map<string, number>): Promise<string> {
  let out = text;
  for (const name of text.match(/\{port\d*\}/g) ?? []) {
    if (!ports.has(name)) ports.set(name, await freePort());
    out = out.replaceAll(name, String(ports.get(name)));
  }
  return out;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a script in its own process group; `ready` resolves once the server is up, then the group is stopped. */
async function runScript(dir: string, script: string, ready?: (out: () => string) => Promise<void>): Promise<Ran> {
  const bash = spawn('bash', ['-e', '-c', script], { cwd: dir, env: ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = bash.pid as number;
  groups.add(pgid);
  let stdout = '';
  let stderr = '';
  bash.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  bash.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => bash.once('close', resolve));
  const timer = setTimeout(() => groupAlive(pgid) && process.kill(-pgid, 'SIGKILL'), 30_000);
  try {
    if (ready) {
      const exited = closed.then((code) => {
        throw new Error(`exited (${code}) before it was ready:\n${stdout}\n${stderr}`);
      });
      await Promise.race([ready(() => stdout + stderr), exited]);
      process.kill(-pgid, 'SIGTERM');
    }
    const code = await closed;
    // Whatever the block started must be gone with it (a server it left would fail the run).
    expect(await gone(pgid, 5000), `a process of this block outlived it:\n${script}`).toBe(true);
    return { code: ready ? 0 : code, stdout, stderr };
  } finally {
    clearTimeout(timer);
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  }
}

/** Resolves once the output holds a line containing `text` and a line matching each promise. */
async function printed(out: () => string, text: string | undefined, promises: readonly string[], ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  const missing = () => [
    ...(text === undefined || out().includes(text) ? [] : [text]),
    ...promises.filter((p) => !out().split('\n').some((line) => matchesPromise(line, p))),
  ];
  while (missing().length > 0) {
    if (Date.now() > deadline) throw new Error(`never printed ${JSON.stringify(missing())}:\n${out()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const MARK = '@@urlseal-doc-command-';

/** The script with a marker line on stdout and stderr before each command at `starts` (0-based lines), to tell their output apart. */
function instrument(code: string, starts: readonly number[]): string {
  return code
    .split('\n')
    .map((line, i) => (starts.includes(i) ? `printf '\\n${MARK}${i}@@\\n'; printf '\\n${MARK}${i}@@\\n' >&2\n${line}` : line))
    .join('\n');
}

/** The output after each marker (up to the next), by the command's line. */
function segments(output: string): Map<number, string[]> {
  const by = new Map<number, string[]>();
  let current: string[] | undefined;
  for (const line of output.split('\n')) {
    const mark = new RegExp(`^${MARK}(\\d+)@@$`).exec(line);
    if (mark) by.set(Number(mark[1]), (current = []));
    else current?.push(line);
  }
  // The empty line each marker starts with belongs to no command.
  for (const lines of by.values()) if (lines[lines.length - 1] === '') lines.pop();
  return by;
}

/** A transcript's commands (`$ ` lines) and the lines each prints (up to a blank line or the next `$ `). */
function transcript(code: string): Array<{ command: string; output: string[] }> {
  const steps: Array<{ command: string; output: string[] }> = [];
  let open = false;
  for (const line of code.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('$ ')) {
      steps.push({ command: line.slice(2), output: [] });
      open = true;
    } else if (line.trim() === '') open = false;
    else if (open) steps[steps.length - 1]?.output.push(line);
    else throw new Error(`a transcript line that follows no command: ${line}`);
  }
  return steps;
}

describe('the runner', () => {
  it('finds the blocks it is meant to run', () => {
    for (const file of ['docs/cli.md', 'docs/install.md', 'docs/deploy/node.md', 'docs/deploy/workers.md', 'packages/sdk/README.md']) expect([...byDoc.keys()]).toContain(file);
    expect([...byDoc.values()].flat().length).toBeGreaterThanOrEqual(15);
  });

  it('runs the CLI that `npx urlseal` runs in a project that installed it (this repo\'s), as `urlseal` on PATH does', () => {
    const dir = project('npx');
    const help = (cmd: string, env: NodeJS.ProcessEnv) => spawnSync('sh', ['-c', cmd], { cwd: dir, env, encoding: 'utf8' });
    const real = help(`"${REAL_NPX}" urlseal sign --help`, { ...ENV, PATH: process.env.PATH ?? '' });
    const bin = help(`"${process.execPath}" "${join(REPO_ROOT, 'packages/sdk/bin/urlseal.js')}" sign --help`, ENV);
    expect(real.status, real.stderr).toBe(0);
    expect(real.stdout).toContain('urlseal sign URL');
    for (const cmd of ['npx urlseal sign --help', 'urlseal sign --help']) expect(help(cmd, ENV).stdout, cmd).toBe(bin.stdout);
    expect(real.stdout).toBe(bin.stdout);
  }, 30_000);
});

describe.each([...byDoc.keys()])('%s: shell blocks, run as written', (file) => {
  const dir = project(file);
  const ports = new Map<string, number>();
  const blocks = byDoc.get(file) ?? [];

  it.each(blocks.map((b) => [where(b), b] as const))('%s', async (_where, block) => {
    const c = classify(block);
    const marks = runMarks(block);
    const code = await substitute(block.code, block, ports);
    if (typeof c !== 'string' && c.kind === 'file') {
      writeFileSync(join(dir, c.name), code);
      return;
    }
    if (typeof c !== 'string' && c.kind === 'output-checked') {
      for (const { command, output } of transcript(code)) {
        const ran = spawnSync('bash', ['-c', command], { cwd: join(REPO_ROOT, c.cwd), env: ENV, encoding: 'utf8', timeout: 20_000 });
        const lines = `${ran.stdout}${ran.stderr}`.replace(/\n$/, '').split('\n');
        const matches = lines.length === output.length && output.every((line, i) => matchesPromise(lines[i] as string, line));
        expect(matches, `$ ${command}\nthe doc shows:\n${output.join('\n')}\nit printed:\n${lines.join('\n')}`).toBe(true);
      }
      return;
    }
    for (const setup of marks.setup) {
      const made = spawnSync('bash', ['-e', '-c', setup], { cwd: dir, env: ENV, encoding: 'utf8' });
      expect(made.status, `setup: ${setup}\n${made.stderr}`).toBe(0);
    }
    if (marks.commonJs) {
      writeFileSync(join(dir, 'block.cjs'), code);
      const ran = spawnSync(process.execPath, ['block.cjs'], { cwd: dir, env: ENV, encoding: 'utf8' });
      expect(ran.status, ran.stderr).toBe(0);
      return;
    }
    const examples = outputExamples({ ...block, code });
    const promises = examples.map((e) => e.expected);
    const { ready } = marks;
    const readyPort = ready !== undefined && 'port' in ready ? Number(await withPorts(ready.port, ports)) : undefined;
    const readyText = ready !== undefined && 'text' in ready ? await withPorts(await substitute(ready.text, block, ports), ports) : undefined;
    const ran = await runScript(
      dir,
      instrument(code, examples.map((e) => e.line - block.line)),
      ready === undefined
        ? undefined
        : async (out) => {
            if (readyPort !== undefined) await waitForPort(readyPort, 20_000);
            await printed(out, readyText, promises);
          },
    );
    expect(ran.code, `${ran.stderr}\n${ran.stdout}`).toBe(0);
    // What each command that shows its output printed: its stdout starts with the lines the
    // doc shows; a command that prints nothing on stdout must show them on stderr.
    const [stdout, stderr] = [segments(ran.stdout), segments(ran.stderr)];
    const byCommand = new Map<number, typeof examples>();
    for (const e of examples) byCommand.set(e.line - block.line, [...(byCommand.get(e.line - block.line) ?? []), e]);
    for (const [start, shown] of byCommand) {
      const [out, err] = [stdout.get(start) ?? [], stderr.get(start) ?? []];
      const ok =
        out.length > 0
          ? shown.every((e, i) => matchesPromise(out[i] ?? '', e.expected))
          : shown.every((e) => err.some((line) => matchesPromise(line, e.expected)));
      expect(ok, `${shown[0]?.command}\nthe doc says it prints:\n${shown.map((e) => e.expected).join('\n')}\nit printed:\n${out.join('\n')}\n(stderr:)\n${err.join('\n')}`).toBe(true);
    }
  }, 40_000);
});
