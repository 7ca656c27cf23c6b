#!/usr/bin/env node
// `npm run build` after `tsc -b`: each workspace's bundle build (`npm run build --workspace …`:
// esbuild and terser, ~7 s of CPU for the edge and the player together) runs only when
// something it could read changed since the last build of it. What it could read: every file
// of the workspace but dist/, test/ and node_modules/, the root package-lock.json (esbuild's and
// terser's versions), tsconfig.base.json, this script, and the Node version; a content hash of
// those is recorded with a hash of each file the build wrote (in the workspace's dist/), in
// node_modules/.cache/urlseal-bundles/ (so a clean checkout or `npm ci` builds everything).
// The build is skipped only when the inputs hash the same and every recorded output is there
// with the same content; a failed build leaves no record. `--all` builds every bundle.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The workspaces with a bundle build, in the order they are built. */
export const WORKSPACES = Object.freeze([
  { name: '@urlseal/edge', dir: 'packages/edge' },
  { name: '@urlseal/player', dir: 'packages/player' },
]);

/** Read by every bundle build besides the workspace's own files. */
const SHARED = ['package-lock.json', 'tsconfig.base.json', 'scripts/build-bundles.js'];
/** Folders of a workspace no bundle is built from. */
const NOT_INPUTS = new Set(['dist', 'test', 'node_modules']);

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** Every file under `dir` (relative to `root`), sorted; `skip` names folders left out at the top. */
function filesUnder(root, dir, skip = new Set()) {
  const found = [];
  const walk = (rel, top) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = join(rel, entry.name);
      if (entry.isDirectory()) {
        if (!(top && skip.has(entry.name))) walk(path, false);
      } else found.push(path);
    }
  };
  walk(dir, true);
  return found.sort();
}

/** The files the workspace's bundle build could read (relative to root). */
export function inputFiles(root, workspace) {
  return [...SHARED, ...filesUnder(root, workspace.dir, NOT_INPUTS)];
}

/** The content hash of what the workspace's bundle build could read. */
export function inputsHash(root, workspace) {
  const hash = createHash('sha256').update(`node ${process.version}\n`);
  for (const file of inputFiles(root, workspace)) {
    hash.update(`${file}\n`).update(sha256(readFileSync(join(root, file)))).update('\n');
  }
  return hash.digest('hex');
}

const recordFile = (root, workspace) => join(root, 'node_modules/.cache/urlseal-bundles', `${workspace.name.replace(/\W+/g, '-')}.json`);

function readRecord(root, workspace) {
  try {
    return JSON.parse(readFileSync(recordFile(root, workspace), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether the last recorded build of the workspace is still what a build would make. */
export function upToDate(root, workspace) {
  const record = readRecord(root, workspace);
  if (record === undefined || record.inputs !== inputsHash(root, workspace)) return false;
  const outputs = Object.entries(record.outputs ?? {});
  if (outputs.length === 0) return false;
  return outputs.every(([file, hash]) => {
    try {
      return sha256(readFileSync(join(root, file))) === hash;
    } catch {
      return false;
    }
  });
}

/** Each file under `dir` with its mtime and content hash (a file written again shows a new one or the other). */
const versions = (root, dir) => {
  try {
    return new Map(filesUnder(root, dir).map((file) => [file, `${statSync(join(root, file)).mtimeMs} ${sha256(readFileSync(join(root, file)))}`]));
  } catch {
    return new Map(); // no dist/ yet
  }
};

const npm = (root) => (args) => spawnSync('npm', args, { cwd: root, stdio: ['inherit', 'pipe', 'inherit'], encoding: 'utf8' });

/**
 * Runs the workspace's bundle build (`run` is given npm's arguments) and, when it succeeds,
 * records it; returns its exit status and what it printed on stdout.
 */
export function buildWorkspace(root, workspace, run = npm(root)) {
  rmSync(recordFile(root, workspace), { force: true });
  const inputs = inputsHash(root, workspace);
  const dist = join(workspace.dir, 'dist');
  const before = versions(root, dist);
  const result = run(['run', 'build', '--workspace', workspace.name, '--if-present']);
  const stdout = result.stdout ?? '';
  if (result.status !== 0) return { status: result.status ?? 1, stdout };
  // What the build wrote: the files of dist/ that are new or were written again.
  const outputs = {};
  for (const [file, version] of versions(root, dist)) {
    if (before.get(file) !== version && !file.endsWith('.tsbuildinfo')) outputs[file] = version.split(' ')[1];
  }
  // Inputs changed while it ran: no record, so the next build runs again.
  if (inputsHash(root, workspace) !== inputs) return { status: 0, stdout };
  const summary = stdout.split('\n').filter((line) => line.startsWith(`${workspace.name}:`));
  mkdirSync(join(root, 'node_modules/.cache/urlseal-bundles'), { recursive: true });
  writeFileSync(recordFile(root, workspace), `${JSON.stringify({ inputs, outputs, summary }, null, 2)}\n`);
  return { status: 0, stdout };
}

/**
 * What a test or the bench reads from a workspace's dist/ as `npm run build` left it: builds the
 * workspace's bundles first only when they are not up to date (nothing is written otherwise, so
 * readers running at the same time never see a file half rewritten); throws when that build fails.
 */
export function ensureBuilt(root, name) {
  const workspace = WORKSPACES.find((w) => w.name === name);
  if (workspace === undefined) throw new Error(`no bundle build for ${name}`);
  if (upToDate(root, workspace)) return;
  const { status, stdout } = buildWorkspace(root, workspace);
  if (status !== 0) throw new Error(`the bundle build of ${name} failed (${status}):\n${stdout}`);
}

function main(args) {
  const all = args.includes('--all');
  for (const workspace of WORKSPACES) {
    if (!all && upToDate(ROOT, workspace)) {
      const { summary = [] } = readRecord(ROOT, workspace) ?? {};
      console.log(`${workspace.name}: bundles up to date (nothing they are built from changed):${summary.map((line) => `\n  ${line}`).join('')}`);
      continue;
    }
    const { status, stdout } = buildWorkspace(ROOT, workspace);
    process.stdout.write(stdout);
    if (status !== 0) return status;
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
