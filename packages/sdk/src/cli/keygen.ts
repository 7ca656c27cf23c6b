import { KEYGEN_ALGS, defaultKid, generateKeyring } from '../keygen.js';
import { parseCommand, stringFlag } from './args.js';
import { KEYGEN_HELP } from './help.js';
import { choiceFlag, printLine } from './options.js';
import { UsageError } from './usage.js';

/** `urlseal keygen`: prints a new keyring JSON. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('keygen', args, {
    kid: { type: 'string' },
    alg: { type: 'string' },
    'secure-token': { type: 'boolean' },
  }, KEYGEN_HELP, 0);
  if (parsed === undefined) return 0;
  const kid = stringFlag(parsed, 'kid') ?? defaultKid(new Date());
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(kid)) throw new UsageError('--kid must be 1 to 64 characters of A-Z a-z 0-9 . _ -');
  const alg = choiceFlag(stringFlag(parsed, 'alg'), '--alg', KEYGEN_ALGS) ?? 'HS256';
  printLine(JSON.stringify(generateKeyring({ kid, alg, secureToken: parsed.values['secure-token'] === true }), null, 2));
  return 0;
}
