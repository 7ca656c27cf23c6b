// scripts/build-bundles.js, the bundle step of `npm run build`: a workspace's bundles are built
// again whenever anything they are built from changed or an output is not what was built, and
// only then skipped. On a scratch root with a stand-in for `npm run build --workspace …`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

interface Workspace {
  name: string;
  dir: string;
}
type Run = (args: string[]) => { status: number | null; stdout: string };
interface BuildBundles {
  WORKSPACES: readonly Workspace[];
  inputFiles(root: string, workspace: Workspace): string[];
  upToDate(root: string, workspace: Workspace): boolean;
  buildWorkspace(root: string, workspace: Workspace, run?: Run): { status: number; stdout: string };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/build-bundles.js');
const { WORKSPACES, inputFiles, upToDate, buildWorkspace } = (await import(SCRIPT)) as BuildBundles;

const scratch = mkdtempSync(join(tmpdir(), 'urlseal-build-bundles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const PKG: Workspace = { name: '@fixture/pkg', dir: 'packages/pkg' };
let root = '';
let builds = 0;
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
};

/** The stand-in build: dist/out.js and dist/out.min.js from src/index.ts, as the real ones bundle src into dist. */
const bundle: Run = (args) => {
  expect(args).toEqual(['run', 'build', '--workspace', PKG.name, '--if-present']);
  builds++;
  const source = readFileSync(join(root, 'packages/pkg/src/index.ts'), 'utf8');
  write('packages/pkg/dist/out.js', `/* built */ ${source}`);
  write('packages/pkg/dist/out.min.js', source.replace(/\s+/g, ''));
  return { status: 0, stdout: `> build\n${PKG.name}: dist/out.js built\n` };
};

beforeEach(() => {
  root = mkdtempSync(join(scratch, 'root-'));
  builds = 0;
  write('package-lock.json', '{"lockfileVersion":3}\n');
  write('tsconfig.base.json', '{}\n');
  write('scripts/build-bundles.js', readFileSync(SCRIPT, 'utf8'));
  write('packages/pkg/package.json', '{"name":"@fixture/pkg"}\n');
  write('packages/pkg/src/index.ts', 'export const a = 1;\n');
  write('packages/pkg/dist/index.js', 'export const a = 1; // tsc\n');
});

describe('scripts/build-bundles.js', () => {
  it('builds when there is no record (a clean checkout, npm ci), then skips while nothing changed', () => {
    expect(upToDate(root, PKG)).toBe(false);
    expect(buildWorkspace(root, PKG, bundle)).toEqual({ status: 0, stdout: `> build\n${PKG.name}: dist/out.js built\n` });
    expect(builds).toBe(1);
    expect(upToDate(root, PKG)).toBe(true);
  });

  it.each([
    ['a source file changed', () => write('packages/pkg/src/index.ts', 'export const a = 2;\n')],
    ['a source file added', () => write('packages/pkg/src/more.ts', 'export {};\n')],
    ['a build script changed', () => write('packages/pkg/scripts/build.js', '// new\n')],
    ["the workspace's package.json changed", () => write('packages/pkg/package.json', '{"name":"@fixture/pkg","version":"2"}\n')],
    ['the lock file changed (esbuild, terser)', () => write('package-lock.json', '{"lockfileVersion":3,"x":1}\n')],
    ['tsconfig.base.json changed', () => write('tsconfig.base.json', '{"compilerOptions":{}}\n')],
    ['this script changed', () => write('scripts/build-bundles.js', `${readFileSync(SCRIPT, 'utf8')}\n// changed\n`)],
    ['an output changed', () => write('packages/pkg/dist/out.js', 'edited by hand')],
    ['an output removed', () => unlinkSync(join(root, 'packages/pkg/dist/out.js'))],
  ])('builds again when %s', (_what, change) => {
    buildWorkspace(root, PKG, bundle);
    change();
    expect(upToDate(root, PKG)).toBe(false);
    buildWorkspace(root, PKG, bundle);
    expect(upToDate(root, PKG)).toBe(true);
  });

  it('does not count tests, or dist files the bundle build did not write, as inputs', () => {
    buildWorkspace(root, PKG, bundle);
    write('packages/pkg/test/a.test.ts', 'export {};\n');
    write('packages/pkg/dist/index.js', 'export const a = 3; // tsc again\n');
    expect(upToDate(root, PKG)).toBe(true);
  });

  it('keeps no record of a failed build, so the next one runs again', () => {
    buildWorkspace(root, PKG, bundle);
    const failed = buildWorkspace(root, PKG, () => ({ status: 1, stdout: '' }));
    expect(failed.status).toBe(1);
    expect(upToDate(root, PKG)).toBe(false);
  });

  it("the edge's and the player's inputs: their sources, scripts and package files, not dist/ or test/", () => {
    expect(WORKSPACES.map((w) => w.name)).toEqual(['@urlseal/edge', '@urlseal/player']);
    const [edge, player] = WORKSPACES.map((w) => inputFiles(ROOT, w));
    for (const file of ['package-lock.json', 'tsconfig.base.json', 'scripts/build-bundles.js', 'packages/edge/package.json', 'packages/edge/tsconfig.json', 'packages/edge/src/runtimes/worker/worker.ts', 'packages/edge/src/runtimes/cloudfront/cloudfront-jwt.ts', 'packages/edge/scripts/floor.js']) {
      expect(edge, file).toContain(file);
    }
    for (const file of ['packages/player/src/index.ts', 'packages/player/scripts/build.js', 'packages/player/package.json']) expect(player, file).toContain(file);
    expect([...(edge ?? []), ...(player ?? [])].filter((file) => /^packages\/[^/]+\/(dist|test|node_modules)\//.test(file))).toEqual([]);
  });
});
