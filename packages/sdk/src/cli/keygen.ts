import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeKid } from '@urlseal/edge/contract';
import { KEYGEN_ALGS, defaultKid, generateKeyring } from '../keygen.js';
import { parseCommand, stringFlag } from './args.js';
import { KEYGEN_HELP } from './help.js';
import { KEYRING_FLAG, checkKeyringPath, choiceFlag, printLine } from './options.js';
import { UsageError } from './usage.js';

const FLAGS = { ...KEYRING_FLAG, kid: { type: 'string' }, alg: { type: 'string' }, 'secure-token': { type: 'boolean' } } as const;

/** Writes a new secret file: mode 0600 from the start, never over an existing file. */
function writeSecretFile(file: string, text: string): void {
  try {
    writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unwritable';
    const fix = code === 'EEXIST' ? 'it exists; keygen never overwrites a keyring, so pick another name' : code;
    throw new UsageError(`cannot write ${file}: ${fix}`);
  }
}

/** `urlseal keygen`: prints a new keyring JSON, or writes it to `--keyring FILE`. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('keygen', args, FLAGS, KEYGEN_HELP, 0);
  if (parsed === undefined) return 0;
  const kid = stringFlag(parsed, 'kid') ?? defaultKid(new Date());
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(kid)) throw new UsageError('--kid must be 1 to 64 characters of A-Z a-z 0-9 . _ -');
  const alg = choiceFlag(stringFlag(parsed, 'alg'), '--alg', KEYGEN_ALGS) ?? 'HS256';
  const text = JSON.stringify(generateKeyring({ kid, alg, secureToken: parsed.values['secure-token'] === true }), null, 2);
  const file = stringFlag(parsed, 'keyring');
  if (file === undefined) {
    printLine(text);
    return 0;
  }
  checkKeyringPath(file);
  writeSecretFile(file, `${text}\n`);
  // What was written, never the secret: stderr, so stdout stays empty for scripts.
  const legacy = parsed.values['secure-token'] === true ? ' and a secureToken secret' : '';
  process.stderr.write(`urlseal keygen: wrote kid ${describeKid(kid)} (${alg}, active)${legacy} to ${resolve(file)}, mode 0600\n`);
  return 0;
}
