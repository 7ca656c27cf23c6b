import { listFlag, onePositional, parseCommand, stringFlag } from './args.js';
import { decide } from './decide.js';
import { VERIFY_HELP } from './help.js';
import { KEYRING_FLAG, keyringFromFlag, printLine, unixFlag } from './options.js';
import { cliRequest } from './request.js';

const FLAGS = {
  ...KEYRING_FLAG,
  now: { type: 'string' },
  header: { type: 'string', multiple: true },
  ip: { type: 'string' },
  country: { type: 'string' },
} as const;

/**
 * `urlseal verify URL [-k FILE] [--now UNIX] [--header 'Name: v']… [--ip ADDR] [--country CC]`: runs the
 * edge's checks on one URL and prints `{"ok","status","code","claims"}` on one line.
 * Resolves to 0 granted, 1 denied; bad input throws (main prints it, exit 2).
 *
 * @example
 * ```sh
 * urlseal verify "https://cdn.example.com/_token/eyJ…/videos/a.mp4" --keyring keyring.json
 * # {"ok":true,"status":200,"code":null,"claims":{"exp":1767225600,"path":"/videos/*"}}
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('verify', args, FLAGS, VERIFY_HELP, 1);
  if (parsed === undefined) return 0;
  const request = cliRequest(onePositional(parsed, 'verify', 'URL'), 'verify', listFlag(parsed, 'header'));
  const now = unixFlag(stringFlag(parsed, 'now'), '--now');
  const verdict = await decide(keyringFromFlag(parsed), now, request, stringFlag(parsed, 'ip'), stringFlag(parsed, 'country'));
  printLine(JSON.stringify(verdict));
  return verdict.ok ? 0 : 1;
}
