// Running the CLI in tests, env URLSEAL_KEYRING removed unless given, and keyring
// files made mode 0600: `urlseal` runs the built bin as a child process (npm test
// builds first), `urlsealHere` runs the same `main(argv)` in this process (~100×
// faster) for cases where a subprocess adds nothing: no server, no signal, no exit
// status of the bin itself.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const BIN = new URL('../../bin/urlseal.js', import.meta.url).pathname;

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `urlseal …args`, env as the test's without URLSEAL_KEYRING, plus `env`. */
export function urlseal(args: string[], env: Record<string, string> = {}): Ran {
  const { URLSEAL_KEYRING: _drop, ...base } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], { env: { ...base, ...env }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes a keyring (JSON, or text as given) to `dir/name` with mode 0600 and returns the path. */
export function keyringFile(dir: string, name: string, json: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json), { mode: 0o600 });
  return file;
}

const text = (chunk: string | Uint8Array): string => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));

/**
 * `urlseal …args` through `main(argv)` in this process: its exit code and what it
 * wrote to stdout and stderr, apart. `env` is set for the call (a value of
 * `undefined` unsets), URLSEAL_KEYRING unset unless given; both restored after.
 */
export async function urlsealHere(args: string[], env: Record<string, string | undefined> = {}): Promise<Ran> {
  const names = ['URLSEAL_KEYRING', ...Object.keys(env)];
  const saved = names.map((name) => [name, process.env[name]] as const);
  const set = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  set('URLSEAL_KEYRING', undefined);
  for (const [name, value] of Object.entries(env)) set(name, value);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += text(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += text(chunk)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const [name, value] of saved.reverse()) set(name, value);
  }
}
