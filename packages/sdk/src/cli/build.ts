import { chmodSync, writeFileSync } from 'node:fs';
import { CLOUDFRONT_MAX_BYTES, buildCloudFrontFunction } from '@urlseal/edge/build';
import { parseCommand, stringFlag } from './args.js';
import { BUILD_HELP } from './help.js';
import { KEYRING_FLAG, choiceFlag, keyringFromFlag, warn } from './options.js';
import { UsageError } from './usage.js';
import { KEYRING_ENV } from '../keyring.js';

const FLAGS = {
  ...KEYRING_FLAG,
  out: { type: 'string', short: 'o' },
  scheme: { type: 'string' },
  kvs: { type: 'boolean' },
  'kvs-data': { type: 'string' },
  preset: { type: 'string' },
} as const;

const TARGETS = ['cloudfront'] as const;

/** Writes a file that may hold secrets: mode 0600, also when it already existed (a rebuild). */
function writePrivateFile(file: string, text: string): void {
  try {
    writeFileSync(file, text, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unwritable'}`);
  }
}

/**
 * `urlseal build cloudfront [-k FILE] [--out FILE] [--scheme jwt|secure-token] [--kvs
 * [--kvs-data FILE]] [--preset cloudfront]`: validates the keyring and writes the
 * CloudFront Function (stdout, or `--out`), with its size and notes on stderr.
 *
 * @example
 * ```sh
 * urlseal build cloudfront -k keyring.json --out urlseal-edge.js
 * # urlseal build: cloudfront function (jwt, keys inline) 10014 of 10240 bytes → urlseal-edge.js
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('build', args, FLAGS, BUILD_HELP, 1);
  if (parsed === undefined) return 0;
  const target = choiceFlag(parsed.positionals[0], 'the target', TARGETS);
  if (target === undefined) throw new UsageError(`missing target (${TARGETS.join(', ')}); run urlseal build --help`);
  const kvs = parsed.values.kvs === true;
  const kvsDataFile = stringFlag(parsed, 'kvs-data');
  if (kvsDataFile !== undefined && !kvs) throw new UsageError('--kvs-data takes the KeyValueStore entries of a --kvs build; add --kvs');
  // With a KeyValueStore the function holds no secret: the keyring only fills --kvs-data.
  const hasKeyring = stringFlag(parsed, 'keyring') !== undefined || (process.env[KEYRING_ENV] ?? '').trim() !== '';
  if (kvsDataFile !== undefined && !hasKeyring) throw new UsageError('--kvs-data needs the keyring: pass --keyring FILE (-k FILE)');
  const keyring = kvs && !hasKeyring ? undefined : keyringFromFlag(parsed);
  const built = buildCloudFrontFunction({
    keyring,
    kvs,
    scheme: choiceFlag(stringFlag(parsed, 'scheme'), '--scheme', ['jwt', 'secure-token'] as const),
    preset: choiceFlag(stringFlag(parsed, 'preset'), '--preset', ['cloudfront'] as const),
  });
  const out = stringFlag(parsed, 'out');
  if (out === undefined) process.stdout.write(built.code);
  else writePrivateFile(out, built.code);
  if (kvsDataFile !== undefined) writePrivateFile(kvsDataFile, `${JSON.stringify({ data: built.kvsData ?? [] }, null, 2)}\n`);
  for (const note of built.notes) warn('build', note);
  const where = kvs ? 'secrets in the KeyValueStore' : 'secrets inline';
  const written = out === undefined ? '' : ` → ${out}`;
  process.stderr.write(`urlseal build: cloudfront function (${built.scheme}, ${where}) ${built.bytes} of ${CLOUDFRONT_MAX_BYTES} bytes${written}\n`);
  if (kvsDataFile !== undefined) process.stderr.write(`urlseal build: ${built.kvsData?.length ?? 0} KeyValueStore entries → ${kvsDataFile}\n`);
  return 0;
}
