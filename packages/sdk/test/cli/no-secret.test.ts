// SPEC v1.2 "Messages" (issue 14 item 3): no message the CLI, the SDK or the edge's
// keyring sources print or throw holds a secret or any 8-character piece of one,
// whatever the user passed where. Distinctive secrets go into every slip we know
// of (keyring JSON as a path, a secret as a path or as env, kid and secret swapped,
// a kid twice, JSON cut inside a secret, a secret as `active`, as a member name, as a
// command or flag, as a URL…); every error path is provoked through the CLI's own
// `main` (in process: the subprocess adds nothing here), the library calls, and the
// reload log lines of `keyringFile`, `keyringUrl` and a running `urlseal serve`.
import { spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createKeyring } from '@urlseal/edge/contract';
import { createVerifier } from '@urlseal/edge';
import { buildCloudFrontFunction } from '@urlseal/edge/build';
import { keyringFile, keyringUrl } from '@urlseal/edge/keyring-source';
import { createSigner, generateKeyring, loadKeyring, type KeyringJson } from '../../src/index.js';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'urlseal-nosecret-'));
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

// Fixed and distinctive (43 base64url characters each, as keygen makes them).
const S1 = 'Qx7vT2mK9pL4wR8nB3cF6hJ1dS5gA0zYeUiOoPlMnBv';
const S2 = 'Zr4tY8uI2oP6aS0dF3gH7jK1lZ5xC9vB2nM4qW8eRtY';
const ED = generateKeyring({ kid: 'e1', alg: 'EdDSA' });
const ED_D = (ED.keys?.[0] as { d: string }).d;
const SECRETS = [S1, S2, ED_D];

/** Every 8-character piece of every secret (the secret itself included) found in `text`. */
function leaks(text: string): string[] {
  const found = new Set<string>();
  for (const secret of SECRETS) {
    for (let i = 0; i + 8 <= secret.length; i++) if (text.includes(secret.slice(i, i + 8))) found.add(secret.slice(i, i + 8));
  }
  return [...found];
}

const good = JSON.stringify({ active: 'k1', kids: { k1: S1 }, secureToken: [S2] });
// Keyring texts, each wrong in its own way, each holding a secret.
const BAD_TEXTS: Record<string, string> = {
  'kid and secret swapped': JSON.stringify({ active: 'k1', kids: { [S1]: 'k1' } }),
  'a kid twice (JSON keeps the last)': `{"active":"k1","kids":{"k1":"${S1}","k1":"${S2}"}}`,
  'cut inside a secret': `{"active":"k1","kids":{"k1":"${S1.slice(0, 20)}`,
  'a secret unquoted after valid members': `{"kids":{"k1":"${S1}"},"x":${S2}}`,
  'a secret as active': JSON.stringify({ active: S2, kids: { k1: S1 } }),
  'a secret as a member name': JSON.stringify({ [S2]: S1, kids: { k1: S1 } }),
  'a secret as a kid in kids and keys': JSON.stringify({ kids: { [S2]: S1 }, keys: [{ kty: 'oct', kid: S2, k: Buffer.from(S1).toString('base64url') }] }),
  'a secret too short next to a good one': JSON.stringify({ active: 'k1', kids: { k1: S1, k2: 'short' } }),
  'an asymmetric keyring with a bad x': JSON.stringify({ active: 'e1', keys: [{ ...(ED.keys?.[0] as object), x: 'AAAA' }] }),
  'a stale active (signers refuse it)': JSON.stringify({ active: 'gone', kids: { k1: S1 } }),
};

const STALE_ACTIVE = ['a secret as active', 'a stale active (signers refuse it)'];
const files: Record<string, string> = {};
for (const [name, text] of Object.entries(BAD_TEXTS)) {
  files[name] = join(dir, `${name.replace(/\W+/g, '-')}.json`);
  writeFileSync(files[name] as string, text, { mode: 0o600 });
}
const goodFile = join(dir, 'good.json');
writeFileSync(goodFile, good, { mode: 0o600 });

/** The keyring JSON a text parses to (last-wins, as JSON.parse does), or the text itself when it is not JSON. */
function parsed(text: string): KeyringJson | string {
  try {
    return JSON.parse(text) as KeyringJson;
  } catch {
    return text;
  }
}

/** Runs the CLI in process: its exit code and everything it wrote. */
async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string }> {
  const saved = process.env.URLSEAL_KEYRING;
  delete process.env.URLSEAL_KEYRING;
  if (env.URLSEAL_KEYRING !== undefined) process.env.URLSEAL_KEYRING = env.URLSEAL_KEYRING;
  let out = '';
  const capture = (chunk: string | Uint8Array) => ((out += String(chunk)), true);
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    return { code: await main(args), out };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    if (saved === undefined) delete process.env.URLSEAL_KEYRING;
    else process.env.URLSEAL_KEYRING = saved;
  }
}

const URL_ = 'https://cdn.example/videos/a.mp4';
const KEYRING_COMMANDS: string[][] = [
  ['sign', URL_],
  ['verify', URL_],
  ['inspect', `${URL_}?token=x.y.z`],
  ['build', 'cloudfront'],
  ['build', 'nginx', '--origin', 'http://127.0.0.1:9', '--out', join(dir, 'nginx-out')],
  ['build', 'worker'],
  ['serve', '--origin', 'http://127.0.0.1:9', '--port', '0'],
];

type CliCase = [string, string[], Record<string, string>?];
const CLI_CASES: CliCase[] = [];
for (const command of KEYRING_COMMANDS) {
  const name = command.slice(0, 2).join(' ');
  CLI_CASES.push(
    [`${name} -k <keyring JSON text>`, [...command, '-k', good]],
    [`${name} -k <the secret itself>`, [...command, '-k', S1]],
    [`${name} -k <an asymmetric keyring's JSON>`, [...command, '-k', JSON.stringify(ED)]],
    [`${name} with URLSEAL_KEYRING=<the secret itself>`, command, { URLSEAL_KEYRING: S1 }],
    [`${name} with URLSEAL_KEYRING=<JSON cut inside a secret>`, command, { URLSEAL_KEYRING: BAD_TEXTS['cut inside a secret'] as string }],
    [`${name} with URLSEAL_KEYRING=<a path>`, command, { URLSEAL_KEYRING: goodFile }],
  );
  // A stale `active` is a good edge keyring: serve would run with it and build would print the
  // function (its secrets inside, by design). The serve subprocess below covers it instead.
  const edge = command[0] === 'serve' || command[0] === 'build';
  for (const [what, text] of Object.entries(BAD_TEXTS)) {
    if (edge && STALE_ACTIVE.includes(what)) continue;
    CLI_CASES.push([`${name} -k <${what}>`, [...command, '-k', files[what] as string]], [`${name} with URLSEAL_KEYRING=<${what}>`, command, { URLSEAL_KEYRING: text }]);
  }
}
CLI_CASES.push(
  ['a secret as the command', [S1]],
  ['a secret as an unknown flag', ['sign', URL_, `--${S1}`]],
  ['a secret as an unknown flag with a value', ['sign', URL_, `--${S1}=${S2}`]],
  ['keyring JSON as the URL to sign', ['sign', good, '-k', goodFile]],
  ['keyring JSON as the URL to verify', ['verify', good, '-k', goodFile]],
  ['keyring JSON as the URL to inspect', ['inspect', good]],
  ['keygen -k <keyring JSON text>', ['keygen', '-k', good]],
  ['keygen --kid <a secret> -k FILE', ['keygen', '--kid', S1, '-k', join(dir, 'keygen-out.json')]],
  ['keygen --kid <a secret with a bad character>', ['keygen', '--kid', `${S1}!`]],
  ['keygen -k <an existing file>', ['keygen', '-k', goodFile]],
  ['serve --keyring-url <keyring JSON text>', ['serve', '--origin', 'http://127.0.0.1:9', '--keyring-url', good]],
  ['serve --keyring-url <a secret>', ['serve', '--origin', 'http://127.0.0.1:9', '--keyring-url', S1]],
  ['serve --root <keyring JSON text>', ['serve', '--root', good, '-k', goodFile]],
  ['serve --cors <keyring JSON text>', ['serve', '--origin', 'http://127.0.0.1:9', '-k', goodFile, '--cors', good]],
  ['serve --origin <keyring JSON text>', ['serve', '--origin', good, '-k', goodFile]],
  ['build cloudfront --out <keyring JSON text>', ['build', 'cloudfront', '-k', goodFile, '--out', join(dir, good)]],
  ['build cloudfront --kvs-data <keyring JSON text>', ['build', 'cloudfront', '-k', goodFile, '--kvs', '--kvs-data', join(dir, good)]],
  ['build cloudfront --out <keyring JSON text> (one scheme)', ['build', 'cloudfront', '-k', goodFile, '--scheme', 'jwt', '--out', join(dir, good)]],
  ['sign --sub <a secret> with a bad keyring', ['sign', URL_, '--sub', S2, '-k', files['kid and secret swapped'] as string]],
);

describe('no message holds a secret (SPEC v1.2 "Messages")', () => {
  it.each(CLI_CASES)('CLI: %s', async (_name, args, env) => {
    const { code, out } = await cli(args, env);
    expect(leaks(out), out).toEqual([]);
    // A refusal is one line that says what to fix.
    if (code === 2) expect(out.trim().split('\n'), out).toHaveLength(1);
  });

  type LibraryCase = [string, () => unknown];
  const library: LibraryCase[] = [
    ['loadKeyring(<keyring JSON text>)', () => loadKeyring(good)],
    ['loadKeyring(<the secret itself>)', () => loadKeyring(S1)],
    ['loadKeyring() with env <the secret itself>', () => loadKeyring(undefined, { URLSEAL_KEYRING: S1 })],
    ['keyringFile(<keyring JSON text>)', () => keyringFile(good, { log: false })],
    ['keyringUrl(<keyring JSON text>)', () => keyringUrl(good, { log: false })],
    ['keyringUrl(<a secret>)', () => keyringUrl(S1, { log: false })],
    ['createVerifier({ keyring: <a secret> })', () => createVerifier({ keyring: S1 })],
    ['createSigner({ keyring: <a secret> })', () => createSigner({ keyring: S1 })],
  ];
  for (const [what, text] of Object.entries(BAD_TEXTS)) {
    library.push(
      [`createKeyring(<${what}>)`, () => createKeyring(text)],
      [`createSigner(<${what}>)`, () => createSigner({ keyring: text })],
      [`createSigner(<${what}, parsed>)`, () => createSigner({ keyring: parsed(text) })],
      [`createVerifier(<${what}>)`, () => createVerifier({ keyring: text })],
      [`loadKeyring(<file: ${what}>)`, () => loadKeyring(files[what])],
      [`loadKeyring() with env <${what}>`, () => loadKeyring(undefined, { URLSEAL_KEYRING: text })],
    );
  }
  it.each(library)('library: %s', (_name, call) => {
    let message = '';
    try {
      call();
    } catch (error) {
      message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    expect(leaks(message), message).toEqual([]);
  });

  it('build notes name a kid as long as a secret by its length only', () => {
    const k = Buffer.from(`${S1}${S1}`).toString('base64url');
    const built = buildCloudFrontFunction({ keyring: { active: 'k1', kids: { k1: S1 }, keys: [{ kty: 'oct', kid: S2, k, alg: 'HS512' }] } });
    expect(built.notes.join('\n')).toMatch(/kid a 43-character kid \(not shown: as long as a secret\) \(HS512\): CloudFront Functions cannot verify HS512/);
    expect(leaks(built.notes.join('\n'))).toEqual([]);
  });

  it("keyringFile's and keyringUrl's reload lines and problems", async () => {
    const lines: string[] = [];
    const log = (line: string) => void lines.push(line);
    const file = join(dir, 'watched.json');
    writeFileSync(file, good, { mode: 0o600 });
    const source = keyringFile(file, { log, pollInterval: 0 });
    let body = good;
    const server = createServer((_req, res) => res.end(body));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const remote = keyringUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/k.json`, { log, refreshInterval: 60_000 });
    await remote.reload();
    const problems: string[] = [];
    for (const text of Object.values(BAD_TEXTS)) {
      writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      await source.reload();
      body = text;
      await remote.reload();
      problems.push(source.problem ?? '', remote.problem ?? '');
    }
    source.close();
    remote.close();
    expect(lines.filter((line) => line.includes('"result":"invalid"')).length).toBeGreaterThanOrEqual(2 * 8);
    expect(lines.some((line) => line.includes('"warning"'))).toBe(true); // the stale active loads, with a warning
    expect(leaks([...lines, ...problems].join('\n'))).toEqual([]);
  });

  it("a running `urlseal serve`: every reload line, the SIGHUP re-reads included", async () => {
    const file = join(dir, 'served.json');
    writeFileSync(file, good, { mode: 0o600 });
    const bin = new URL('../../bin/urlseal.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'serve', '--origin', 'http://127.0.0.1:9', '-k', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const waitFor = async (count: number, pattern: RegExp) => {
      const deadline = Date.now() + 10_000;
      while ((out.match(pattern) ?? []).length < count) {
        if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) throw new Error(`no ${pattern} #${count} (exit ${child.exitCode} ${child.signalCode}): ${out}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    try {
      await waitFor(1, /listening on/);
      let events = 0;
      for (const text of Object.values(BAD_TEXTS)) {
        writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
        renameSync(`${file}.tmp`, file);
        child.kill('SIGHUP');
        events++;
        // Each text differs, so each is one line: invalid, or (a stale active) loaded with a warning.
        await waitFor(events, /"event":"keyring"/g);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(undefined)));
    }
    expect(leaks(out), out).toEqual([]);
  }, 60_000);
});

describe('keyring errors say the source and the place (issue 14 item 4)', () => {
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '', { mode: 0o600 });
  const badJson = join(dir, 'bad-json.json');
  writeFileSync(badJson, `{\n  "active": "k1",\n  "kids": {"k1": "${S1}",}\n}\n`, { mode: 0o600 });
  const twice = files['a kid twice (JSON keeps the last)'] as string;
  const stale = files['a stale active (signers refuse it)'] as string;
  const env = { URLSEAL_KEYRING: BAD_TEXTS['cut inside a secret'] as string };
  it.each<[string, string[], Record<string, string>, string]>([
    ['an empty file', ['sign', URL_, '-k', empty], {}, `urlseal sign: keyring file ${empty} is empty; write the keyring JSON into it (urlseal keygen -k FILE makes one)`],
    ['a path in URLSEAL_KEYRING', ['sign', URL_], { URLSEAL_KEYRING: goodFile }, 'urlseal sign: env URLSEAL_KEYRING holds what looks like a file path, not keyring JSON: set it to the file\'s content (URLSEAL_KEYRING="$(cat keyring.json)"), or pass the path as the keyring file (-k FILE)'],
    ['JSON text in -k', ['verify', URL_, '-k', good], {}, 'urlseal verify: the value given as --keyring (-k) looks like keyring JSON, not a file path: pass a path, or set URLSEAL_KEYRING to the keyring JSON'],
    ['a secret in -k', ['sign', URL_, '-k', S1], {}, 'urlseal sign: the value given as --keyring (-k) looks like a secret (32 or more base64url characters), not a file path: pass a path, or set URLSEAL_KEYRING to the keyring JSON'],
    ['bad JSON in a file: line and column', ['sign', URL_, '-k', badJson], {}, `urlseal sign: keyring file ${badJson}: keyring: is not valid JSON at line 3, column 64: expected a member name in double quotes`],
    ['bad JSON in the env: line and column', ['sign', URL_], env, 'urlseal sign: env URLSEAL_KEYRING: keyring: is not valid JSON: it ends early at line 1, column 50, expected a closing quote (")'],
    ['a kid twice', ['verify', URL_, '-k', twice], {}, `urlseal verify: keyring file ${twice}: keyring.kids: "k1" appears twice (line 1); JSON would keep only the last, so remove one`],
    ['a missing file', ['sign', URL_, '-k', join(dir, 'nope.json')], {}, `urlseal sign: cannot read keyring file ${join(dir, 'nope.json')} (no such file, ENOENT)`],
    ['a directory', ['sign', URL_, '-k', dir], {}, `urlseal sign: keyring file ${dir} is a directory; give the path of the keyring JSON file`],
    ['a signer whose active is not held', ['sign', URL_, '-k', stale], {}, 'urlseal sign: keyring.active: "gone" names no key this keyring holds; a signer needs active to name a kid from kids, or a key in keys with its private part'],
    ['kid and secret swapped', ['sign', URL_, '-k', files['kid and secret swapped'] as string], {}, `urlseal sign: keyring file ${files['kid and secret swapped']}: keyring.kids entry 1, a 43-character kid (not shown: as long as a secret): looks swapped: its name is 43 characters and its value 2; "kids" maps each kid to its secret, {"KID": "SECRET"}`],
  ])('%s', async (_name, args, env, line) => {
    const { code, out } = await cli(args, env);
    expect(code).toBe(2);
    expect(out).toBe(`${line}\n`);
  });

  it('a real file is a path whatever its name: a long file name of words, or one shaped like a secret that exists', async () => {
    const words = join(dir, 'my-keyring-file-for-the-production-edge');
    writeFileSync(words, good, { mode: 0o600 });
    const shaped = join(dir, S2);
    writeFileSync(shaped, good, { mode: 0o600 });
    expect(loadKeyring(words).active?.kid).toBe('k1');
    expect((await cli(['sign', URL_, '-k', 'my-keyring-file-for-the-production-edge-missing'])).out).toMatch(/^urlseal sign: cannot read keyring file my-keyring-file-for-the-production-edge-missing \(no such file, ENOENT\)\n$/);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(loadKeyring(S2).active?.kid).toBe('k1'); // exists: read, never described
    } finally {
      process.chdir(cwd);
    }
  });

  it('an edge verifies with a keyring whose active names a kid it does not hold', async () => {
    const { code, out } = await cli(['verify', URL_, '-k', stale]);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, code: 'ERR_TOKEN_MISSING' });
    expect(() => createSigner({ keyring: loadKeyring(stale) })).toThrow(/^createSigner: keyring\.active: "gone" names no key this keyring holds/);
  });
});
