import { readFileSync } from 'node:fs';
import { UrlsealError } from '@urlseal/edge/contract';
import { MAIN_HELP } from './help.js';
import { UsageError, cliMessage } from './usage.js';

type Run = (args: string[]) => Promise<number>;

// Loaded on demand so `urlseal sign` never pays for the proxy behind `serve`.
const COMMANDS: Readonly<Record<string, () => Promise<{ run: Run }>>> = {
  keygen: () => import('./keygen.js'),
  sign: () => import('./sign.js'),
  verify: () => import('./verify.js'),
  inspect: () => import('./inspect.js'),
  serve: () => import('./serve.js'),
  build: () => import('./build.js'),
  'check-manifest': () => import('./check-manifest.js'),
  revoke: () => import('./revoke.js'),
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** One stderr line for any failure: expected errors say what to fix, the rest say what broke. */
function report(command: string, error: unknown): number {
  const expected = error instanceof UsageError || error instanceof UrlsealError || error instanceof TypeError || error instanceof RangeError;
  const message = error instanceof Error ? error.message : String(error);
  const line = expected ? cliMessage(message) : `unexpected error: ${message}`;
  process.stderr.write(`urlseal${command ? ` ${command}` : ''}: ${line.replace(/\s*\n\s*/g, ' ')}\n`);
  return 2;
}

/**
 * Runs the urlseal CLI and resolves to its exit code: 0 done, 1 denied
 * (`verify`), 2 bad input or failure (one line on stderr, never a stack trace).
 *
 * @example
 * ```sh
 * urlseal sign /videos/a.mp4 -k keyring.local.json; echo "exit $?"   # the signed URL, then: exit 0
 * urlseal sign /videos/a.mp4; echo "exit $?"                         # urlseal sign: no keyring: …, then: exit 2
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) return report('', new UsageError('missing command; run urlseal --help'));
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${MAIN_HELP}\n`);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  // Echoed only when it looks like a command word: what was typed there may be anything, a secret too.
  const shown = /^[A-Za-z][A-Za-z-]{0,19}$/.test(command) ? ` "${command}"` : '';
  if (load === undefined) return report('', new UsageError(`unknown command${shown}; run urlseal --help`));
  // serve's start-up begins here, with loading its modules: a SIGHUP meanwhile must not end it.
  const ignore = () => {};
  if (command === 'serve') process.on('SIGHUP', ignore);
  try {
    return await (await load()).run(args);
  } catch (error) {
    return report(command, error);
  } finally {
    process.off('SIGHUP', ignore);
  }
}
