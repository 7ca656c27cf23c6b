// What npm would publish, checked without publishing: `npm pack --dry-run` of each package
// (license, readme, no build caches, source maps that resolve, every export present),
// CommonJS consumers on the Node versions `engines` allows, and an install that runs no
// dependency install scripts and prints no warning about them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const json = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, unknown>;

interface Packed {
  name: string;
  files: Array<{ path: string }>;
}

let packed: Packed[] | undefined;
/** What `npm pack` would put in the package of `folder`: one `npm pack --dry-run` of every package (one npm start-up, not three). */
function pack(folder: string): Set<string> {
  packed ??= JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', ...PACKAGES.flatMap(([f]) => ['--workspace', f])], { cwd: ROOT, encoding: 'utf8' }),
  ) as Packed[];
  const name = json(`${folder}/package.json`).name;
  const entry = packed.find((p) => p.name === name);
  if (entry === undefined) throw new Error(`npm pack listed no ${String(name)}`);
  return new Set(entry.files.map((f) => f.path));
}

/** Every file an `exports` map (or `bin`) points at. */
function exportTargets(pkg: Record<string, unknown>): string[] {
  const targets: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') targets.push(normalize(value));
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  walk(pkg.bin);
  return targets;
}

const PACKAGES: ReadonlyArray<readonly [folder: string, required: readonly string[]]> = [
  ['packages/sdk', ['LICENSE', 'README.md', 'package.json']],
  ['packages/edge', ['LICENSE', 'README.md', 'package.json']],
  ['packages/player', ['LICENSE', 'README.md', 'package.json']],
];

describe.each(PACKAGES)('npm pack %s', (folder, required) => {
  const files = pack(folder);
  const pkg = json(`${folder}/package.json`);

  it('ships the license and readme, MIT as package.json says', () => {
    for (const file of required) expect(files, file).toContain(file);
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(ROOT, folder, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
  });

  it('ships no build cache', () => {
    expect([...files].filter((f) => f.includes('tsbuildinfo'))).toEqual([]);
  });

  it('ships every file its exports and bin name', () => {
    for (const target of exportTargets(pkg)) expect(files, target).toContain(target);
  });

  it('ships the source every source map points at', () => {
    const maps = [...files].filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(ROOT, folder, map), 'utf8')) as { sources: string[] };
      for (const source of sources) expect(files, `${map} → ${source}`).toContain(normalize(join(dirname(map), source)));
    }
  });

  it('asks for the Node versions it works on: require(esm) needs 20.19', () => {
    expect(pkg.engines).toEqual({ node: '>=20.19.0' });
  });
});

it('the monorepo asks for the same Node versions', () => {
  expect(json('package.json').engines).toEqual({ node: '>=20.19.0' });
});

describe('consumers and installs', () => {
  it('CommonJS code can require every entry point (Node ≥ 20.19 loads ESM through require)', () => {
    const script = [
      "const sdk = require('@urlseal/sdk');",
      "const web = require('@urlseal/sdk/web');",
      "const edge = require('@urlseal/edge');",
      "const contract = require('@urlseal/edge/contract');",
      "const url = sdk.createSigner({ keyring: { kids: { k: 'k'.repeat(32) } } }).signUrl('/a.mp4');",
      "console.log(typeof web.createSigner, typeof edge.createVerifier, typeof contract.createKeyring, url.startsWith('/a.mp4?token='));",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('function function function true\n');
  });

  it('every dependency install script is reviewed in allowScripts, so npm install warns about none', () => {
    // npm (11+) runs a dependency's install scripts only when allowScripts approves it, and
    // warns about every one it has no entry for. Find them as npm does: an install,
    // preinstall or postinstall script, or a binding.gyp (an implicit node-gyp build).
    const withScripts = new Set<string>();
    const visit = (modules: string): void => {
      for (const entry of readdirSync(modules, { withFileTypes: true })) {
        if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
        const dir = join(modules, entry.name);
        if (entry.name.startsWith('@')) {
          visit(dir);
          continue;
        }
        if (!existsSync(join(dir, 'package.json')) || lstatSync(dir).isSymbolicLink()) continue; // workspaces are ours
        const { name, scripts = {} } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; scripts?: Record<string, string> };
        if (['preinstall', 'install', 'postinstall'].some((s) => s in scripts) || existsSync(join(dir, 'binding.gyp'))) withScripts.add(name);
        if (existsSync(join(dir, 'node_modules'))) visit(join(dir, 'node_modules'));
      }
    };
    visit(join(ROOT, 'node_modules'));
    expect(withScripts.size).toBeGreaterThan(0);
    const reviewed = Object.keys((json('package.json').allowScripts ?? {}) as Record<string, boolean>).map((key) => key.replace(/(.)@.*$/, '$1'));
    expect([...withScripts].filter((name) => !reviewed.includes(name))).toEqual([]);
  });

  it('the root and the demo carry the MIT license too', () => {
    for (const file of ['LICENSE', 'examples/lms/LICENSE']) expect(readFileSync(join(ROOT, file), 'utf8')).toMatch(/^MIT License\n/);
  });
});
