// The packages as a user gets them (issue 14 item 1): `npm pack` the three workspaces, install
// the tarballs into a new project outside the repository (no node_modules above it, so nothing
// resolves from the monorepo), then use them the documented ways: ESM and CommonJS sign → verify,
// the installed `urlseal` bin, an Express app with the middleware, `tsc --strict` under the
// TypeScript settings docs/install.md supports (and the ones it says fail, failing as it says),
// `npm ls` clean, and prom-client as the optional peer it is. Needs `npm run build` first.
// Registry packages come from the npm cache (`--prefer-offline`): after `npm ci` at the root
// only their metadata may need the network, once.
import { execFile, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const PACKAGES = ['@urlseal/edge', '@urlseal/sdk', '@urlseal/player'] as const;
const run = promisify(execFile);

/** The version the repository's own install has, so the npm cache already holds its tarball. */
const rootVersion = (name: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

// npm hands its scripts npm_config_* variables (local_prefix, workspace flags…) that a child npm
// would take as its own configuration: the installs below see only what a user's shell has.
const ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || /^npm_config_(cache|registry|userconfig)$/i.test(key)),
);

let dir = '';
let app = '';

function inApp(command: string, args: string[], options: { timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: app, env: ENV, encoding: 'utf8', timeout: options.timeout ?? 30_000 });
}

function write(name: string, text: string): string {
  writeFileSync(join(app, name), text);
  return name;
}

beforeAll(async () => {
  dir = mkdtempSync(join(realpathSync(tmpdir()), 'urlseal-install-'));
  app = join(dir, 'app');
  mkdirSync(app);
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir, ...PACKAGES.flatMap((p) => ['--workspace', p])], {
    cwd: ROOT,
    env: ENV,
  });
  const tarballs = (JSON.parse(packed.stdout) as Array<{ name: string; filename: string }>).map((t) => [t.name, `file:../${t.filename}`]);
  expect(tarballs.map(([name]) => name).sort()).toEqual([...PACKAGES].sort());
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'urlseal-install-check',
      private: true,
      dependencies: { ...Object.fromEntries(tarballs), express: rootVersion('express'), '@types/node': rootVersion('@types/node') },
    }),
  );
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, env: ENV });
}, 180_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('installed from the packed tarballs, outside the repository', () => {
  it('is a project of its own: outside the repository, no node_modules above it', () => {
    expect(relative(ROOT, app).startsWith(`..${sep}`)).toBe(true);
    for (let up = dirname(app); up !== dirname(up); up = dirname(up)) expect(existsSync(join(up, 'node_modules')), up).toBe(false);
  });

  it('npm ls is clean, the sdk takes the edge by range, and prom-client is not forced on it', () => {
    const ls = inApp('npm', ['ls', '--all']);
    expect(ls.stderr).toBe('');
    expect(ls.status).toBe(0);
    const sdk = JSON.parse(readFileSync(join(app, 'node_modules/@urlseal/sdk/package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(sdk.dependencies).toEqual({ '@urlseal/edge': '^0.1.0', jose: expect.any(String) });
    expect(existsSync(join(app, 'node_modules/prom-client'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/ioredis'))).toBe(false);
    // Both optional peers: prom-client for serve --metrics, ioredis for a Redis revocation source.
    for (const pkg of [sdk, JSON.parse(readFileSync(join(app, 'node_modules/@urlseal/edge/package.json'), 'utf8')) as typeof sdk]) {
      expect(pkg.peerDependencies).toEqual({ 'prom-client': '^15.1.3', ioredis: '^5.4.0' });
      expect(pkg.peerDependenciesMeta).toEqual({ 'prom-client': { optional: true }, ioredis: { optional: true } });
    }
  });

  const program = [
    "const keyring = sdk.generateKeyring({ kid: 'k1', alg: 'HS256' });",
    "const url = sdk.createSigner({ keyring, ttl: '5m' }).signUrl('https://cdn.example/videos/a.mp4');",
    'const verifier = edge.createVerifier({ keyring });',
    'const good = await verifier.verify(new Request(url));',
    "const bad = await verifier.verify(new Request('https://cdn.example/videos/a.mp4'));",
    'console.log(JSON.stringify({ good: good.ok, bad: bad.ok ? 200 : bad.status, from: [where("@urlseal/sdk"), where("@urlseal/edge"), where("jose")] }));',
  ].join('\n');
  const expected = () => ({ good: true, bad: 401, from: ['@urlseal/sdk', '@urlseal/edge', 'jose'].map((name) => expect.stringContaining(join(app, 'node_modules', name) + sep)) });

  it('ESM: signs with @urlseal/sdk, verifies with @urlseal/edge, every module from the project', () => {
    const file = write('check.mjs', [
      "import * as sdk from '@urlseal/sdk';",
      "import * as edge from '@urlseal/edge';",
      "import { fileURLToPath } from 'node:url';",
      'const where = (name) => fileURLToPath(import.meta.resolve(name));',
      program,
    ].join('\n'));
    const out = inApp(process.execPath, [file]);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual(expected());
  });

  it('CommonJS: the same through require (Node ≥ 20.19 loads ES modules with require)', () => {
    const file = write('check.cjs', [
      "const sdk = require('@urlseal/sdk');",
      "const edge = require('@urlseal/edge');",
      "const where = (name) => require.resolve(name);",
      `(async () => {\n${program}\n})();`,
    ].join('\n'));
    const out = inApp(process.execPath, [file]);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual(expected());
  });

  it('the installed urlseal bin: npx urlseal keygen, sign, verify', () => {
    const keygen = inApp('npx', ['--no-install', 'urlseal', 'keygen', '-k', 'keyring.json']);
    expect(keygen.status, keygen.stderr).toBe(0);
    expect(statSync(join(app, 'keyring.json')).mode & 0o777).toBe(0o600);
    const sign = inApp('npx', ['--no-install', 'urlseal', 'sign', 'https://cdn.example/videos/a.mp4', '-k', 'keyring.json', '--ttl', '10m']);
    expect(sign.status, sign.stderr).toBe(0);
    const url = sign.stdout.trim();
    expect(url).toMatch(/^https:\/\/cdn\.example\/\S*eyJ\S+$/);
    const verify = inApp('npx', ['--no-install', 'urlseal', 'verify', url, '-k', 'keyring.json']);
    expect(verify.status, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, status: 200 });
    const unsigned = inApp('npx', ['--no-install', 'urlseal', 'verify', 'https://cdn.example/videos/a.mp4', '-k', 'keyring.json']);
    expect(unsigned.status).toBe(1);
    expect(JSON.parse(unsigned.stdout)).toMatchObject({ ok: false, status: 401 });
  });

  it('urlseal serve --metrics without the optional prom-client says in one line how to install it', () => {
    write('serve.json', JSON.stringify({ active: 'k1', kids: { k1: 'a-test-secret-of-at-least-32-bytes!!' } }));
    const serve = inApp(join(app, 'node_modules/.bin/urlseal'), ['serve', '--root', '.', '-k', 'serve.json', '--port', '0', '--metrics', '127.0.0.1:0'], { timeout: 15_000 });
    expect(serve.status).toBe(2);
    expect(serve.stdout).toBe('');
    expect(serve.stderr).toBe('urlseal serve: --metrics needs the optional package prom-client, which is not installed: run npm install prom-client@15 in your project, or drop --metrics\n');
  });

  it('an Express app with @urlseal/edge/express answers 200 to a signed link and 401 without one', () => {
    const file = write('express-app.mjs', [
      "import express from 'express';",
      "import { urlseal } from '@urlseal/edge/express';",
      "import { createSigner, generateKeyring } from '@urlseal/sdk';",
      "const keyring = generateKeyring({ kid: 'k1', alg: 'HS256' });",
      'const app = express();',
      "app.use('/videos', urlseal({ keyring }), (req, res) => res.send('video bytes'));",
      "const server = app.listen(0, '127.0.0.1', async () => {",
      '  const base = `http://127.0.0.1:${server.address().port}`;',
      "  const signed = createSigner({ keyring }).signUrl(`${base}/videos/a.mp4`);",
      '  const good = await fetch(signed);',
      '  const bad = await fetch(`${base}/videos/a.mp4`);',
      '  console.log(good.status, await good.text(), bad.status);',
      '  server.closeAllConnections();',
      '  server.close();',
      '});',
    ].join('\n'));
    const out = inApp(process.execPath, [file], { timeout: 15_000 });
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('200 video bytes 401\n');
  });
});

describe('TypeScript, tsc --strict (library checks on) against the installed declarations', () => {
  const imports = [
    "import { createSigner, generateKeyring, type Signer } from '@urlseal/sdk';",
    "import { createSigner as createWebSigner } from '@urlseal/sdk/web';",
    "import { createVerifier, type VerifyResult } from '@urlseal/edge';",
    "import { createKeyring } from '@urlseal/edge/contract';",
    "import { urlseal } from '@urlseal/edge/express';",
    "import { createEdgeServer } from '@urlseal/edge/node-server';",
    "import { staticKeyring } from '@urlseal/edge/keyring-source';",
    "import { createTokenSource, renewFrom } from '@urlseal/player';",
  ];
  const body = [
    "const keyring = generateKeyring({ kid: 'k1', alg: 'HS256' });",
    "const signer: Signer = createSigner({ keyring, ttl: '5m' });",
    "export const url: string = signer.signUrl('https://cdn.example/videos/a.mp4');",
    'export const web: Promise<string> = createWebSigner({ keyring }).signUrl(url);',
    'export const result: Promise<VerifyResult> = createVerifier({ keyring: createKeyring(keyring) }).verify(new Request(url));',
    'export const middleware = urlseal({ keyring: staticKeyring(keyring) });',
    "export const server = createEdgeServer({ origin: 'http://127.0.0.1:3000', keyring });",
    "export const source = createTokenSource({ token: url, refresh: renewFrom('/lessons/7/link') });",
  ];
  const compilerOptions = { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: ['node'] };

  async function tsc(name: string, options: Record<string, unknown>, files: string[]): Promise<{ code: number; out: string }> {
    write(`tsconfig.${name}.json`, JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, files }));
    try {
      const { stdout } = await run(process.execPath, [TSC, '-p', `tsconfig.${name}.json`], { cwd: app, env: ENV });
      return { code: 0, out: stdout };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string };
      return { code: failed.code ?? -1, out: failed.stdout ?? String(error) };
    }
  }

  let results: Record<string, { code: number; out: string }> = {};
  beforeAll(async () => {
    write('check.mts', [...imports, ...body].join('\n'));
    write('check.ts', [...imports, ...body].join('\n'));
    write('check.cts', [...imports, ...body].join('\n'));
    const runs = {
      nodenext: tsc('nodenext', { module: 'nodenext' }, ['check.mts', 'check.cts']),
      bundler: tsc('bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['check.ts']),
      node16: tsc('node16', { module: 'node16' }, ['check.cts']),
      node10: tsc('node10', { module: 'commonjs', moduleResolution: 'node10' }, ['check.ts']),
    };
    results = Object.fromEntries(await Promise.all(Object.entries(runs).map(async ([name, done]) => [name, await done] as const)));
  }, 120_000);

  it('module: nodenext, ESM and CommonJS files (TypeScript ≥ 5.8 models require(esm))', () => {
    expect(results.nodenext).toEqual({ code: 0, out: '' });
  });

  it('moduleResolution: bundler', () => {
    expect(results.bundler).toEqual({ code: 0, out: '' });
  });

  it('module: node16 in a CommonJS file fails with TS1479, as docs/install.md says (ES modules only; use nodenext)', () => {
    expect(results.node16!.code).not.toBe(0);
    const codes = new Set(results.node16!.out.match(/error TS\d+/g));
    expect([...codes]).toEqual(['error TS1479']);
  });

  it('moduleResolution: node10 fails with TS2307, as docs/install.md says (it ignores package.json exports)', () => {
    expect(results.node10!.code).not.toBe(0);
    expect(results.node10!.out).toContain('error TS2307');
  });
});

describe('with the optional peer prom-client installed', () => {
  beforeAll(async () => {
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `prom-client@${rootVersion('prom-client')}`], { cwd: app, env: ENV });
  }, 120_000);

  it('npm ls stays clean (the peer range is satisfied) and urlseal serve --metrics serves /metrics', async () => {
    const ls = inApp('npm', ['ls', '--all']);
    expect(ls.stderr).toBe('');
    expect(ls.status).toBe(0);
    const child = spawn(join(app, 'node_modules/.bin/urlseal'), ['serve', '--root', '.', '-k', 'serve.json', '--port', '0', '--metrics', '127.0.0.1:0'], {
      cwd: app,
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const found = /urlseal metrics on (\S+)\n/.exec(stdout);
          if (found !== null) resolve(found[1]!);
        });
        void exited.then((code) => reject(new Error(`urlseal serve exited ${code}: ${stderr}`)));
      });
      const metrics = await fetch(address);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('# TYPE');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
