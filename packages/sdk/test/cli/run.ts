// Running the built CLI in tests (npm test builds first): a child process with
// env URLSEAL_KEYRING removed unless given, and keyring files made mode 0600.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
