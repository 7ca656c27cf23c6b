// The platform binaries of the npm packages `workerd` and `deno`. Their
// `node_modules/.bin` entries are Node wrapper scripts that spawn the binary as a
// child: stopping the wrapper leaves the binary running (and listening). Tests start
// the binary itself, so stopping what they started stops the server.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

function found(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`${what} is not installed at ${path}: run npm ci`);
  return path;
}

/** `@cloudflare/workerd-<platform>-<arch>/bin/workerd`, as the `workerd` package resolves it. */
export function workerdBinary(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = process.arch === 'x64' ? '64' : process.arch;
  return found(join(MODULES, `@cloudflare/workerd-${platform}-${arch}/bin/workerd${platform === 'windows' ? '.exe' : ''}`), 'the workerd binary');
}

/** `@deno/<platform>-<arch>[-libc]/deno`, the binary the `deno` package's wrapper runs. */
export function denoBinary(): string {
  const prefix = `${process.platform}-${process.arch}`;
  const dir = existsSync(join(MODULES, '@deno')) ? readdirSync(join(MODULES, '@deno')).find((name) => name.startsWith(prefix)) : undefined;
  return found(join(MODULES, '@deno', dir ?? prefix, process.platform === 'win32' ? 'deno.exe' : 'deno'), 'the deno binary');
}
