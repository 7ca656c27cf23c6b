import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLOUDFRONT_MAX_BYTES, buildCloudFrontFunction, buildNginxModule, buildWorkerKeyring } from '@urlseal/edge/build';
import { describeNotAPath } from '@urlseal/edge/contract';
import { parseCommand, stringFlag, type ParsedArgs } from './args.js';
import { BUILD_HELP } from './help.js';
import { KEYRING_FLAG, choiceFlag, keyringFromFlag, pathWords, warn } from './options.js';
import { UsageError } from './usage.js';
import { KEYRING_ENV } from '../keyring.js';

const FLAGS = {
  ...KEYRING_FLAG,
  out: { type: 'string', short: 'o' },
  scheme: { type: 'string' },
  kvs: { type: 'boolean' },
  'kvs-data': { type: 'string' },
  revocations: { type: 'string' },
  'on-store-error': { type: 'string' },
  preset: { type: 'string' },
  origin: { type: 'string' },
  location: { type: 'string' },
  'access-log': { type: 'string' },
} as const;

const TARGETS = ['cloudfront', 'nginx', 'worker'] as const;
// The flags each target takes: any other, given to it, says so instead of being ignored.
const TAKES: Readonly<Record<(typeof TARGETS)[number], readonly string[]>> = {
  cloudfront: ['keyring', 'out', 'preset', 'scheme', 'kvs', 'kvs-data', 'revocations', 'on-store-error'],
  nginx: ['keyring', 'out', 'preset', 'origin', 'location', 'access-log'],
  worker: ['keyring', 'out'],
};

/** Writes a file that may hold secrets: mode 0600, also when it already existed (a rebuild). */
function writePrivateFile(file: string, text: string, mode = 0o600): void {
  try {
    writeFileSync(file, text, { mode });
    chmodSync(file, mode);
  } catch (error) {
    throw new UsageError(`cannot write ${pathWords(file)}: ${(error as NodeJS.ErrnoException).code ?? 'unwritable'}`);
  }
}

function presetFlag(parsed: ParsedArgs): 'cloudfront' | undefined {
  return choiceFlag(stringFlag(parsed, 'preset'), '--preset', ['cloudfront'] as const);
}

/**
 * A flag naming a file or folder to write, refused in one line that describes
 * the value, never echoes it, when it is plainly not a path (keyring JSON or a
 * secret pasted in its place): it would be written to, and printed.
 */
function outputFlag(parsed: ParsedArgs, name: 'out' | 'kvs-data'): string | undefined {
  const value = stringFlag(parsed, name);
  const looks = value === undefined ? undefined : describeNotAPath(value);
  if (looks !== undefined) throw new UsageError(`the value given as --${name} looks like ${looks}, not a path: pass the path to write to`);
  return value;
}

/**
 * `--revocations kvs` with its required `--on-store-error` (no silent default, as for `serve`):
 * the function looks revocation entries up in its KeyValueStore.
 */
function revocationFlags(parsed: ParsedArgs, kvs: boolean): { onStoreError: 'deny' | 'allow' } | undefined {
  const where = stringFlag(parsed, 'revocations');
  const mode = stringFlag(parsed, 'on-store-error');
  if (where === undefined) {
    if (mode !== undefined) throw new UsageError('--on-store-error goes with --revocations kvs');
    return undefined;
  }
  if (where !== 'kvs') throw new UsageError('--revocations: a CloudFront Function reads revocations from its KeyValueStore only: give --revocations kvs (with --kvs)');
  if (!kvs) throw new UsageError('--revocations kvs reads the entries from the function\'s KeyValueStore: add --kvs');
  if (mode === undefined) throw new UsageError('--revocations needs --on-store-error deny (a store fault answers 503) or --on-store-error allow (it passes): choose one');
  return { onStoreError: choiceFlag(mode, '--on-store-error', ['deny', 'allow'] as const) as 'deny' | 'allow' };
}

/** `urlseal build cloudfront`: the function on stdout or --out, the KeyValueStore entries to --kvs-data. */
function buildCloudFront(parsed: ParsedArgs): number {
  const kvs = parsed.values.kvs === true;
  const revocation = revocationFlags(parsed, kvs);
  const kvsDataFile = outputFlag(parsed, 'kvs-data');
  if (kvsDataFile !== undefined && !kvs) throw new UsageError('--kvs-data takes the KeyValueStore entries of a --kvs build; add --kvs');
  // With a KeyValueStore the function holds no secret: the keyring only fills --kvs-data.
  const hasKeyring = stringFlag(parsed, 'keyring') !== undefined || (process.env[KEYRING_ENV] ?? '').trim() !== '';
  if (kvsDataFile !== undefined && !hasKeyring) throw new UsageError('--kvs-data needs the keyring: pass --keyring FILE (-k FILE)');
  const keyring = kvs && !hasKeyring ? undefined : keyringFromFlag(parsed);
  const built = buildCloudFrontFunction({
    keyring,
    kvs,
    scheme: choiceFlag(stringFlag(parsed, 'scheme'), '--scheme', ['jwt', 'secure-token', 'both'] as const),
    preset: presetFlag(parsed),
    revocation,
  });
  const out = outputFlag(parsed, 'out');
  if (out === undefined) process.stdout.write(built.code);
  else writePrivateFile(out, built.code);
  if (kvsDataFile !== undefined) writePrivateFile(kvsDataFile, `${JSON.stringify({ data: built.kvsData ?? [] }, null, 2)}\n`);
  for (const note of built.notes) warn('build', note);
  const where = kvs ? `secrets${built.revocation === undefined ? '' : ' and revocations'} in the KeyValueStore` : 'secrets inline';
  const written = out === undefined ? '' : ` → ${out}`;
  process.stderr.write(`urlseal build: cloudfront function (${built.scheme}, ${where}) ${built.bytes} of ${CLOUDFRONT_MAX_BYTES} bytes${written}\n`);
  if (kvsDataFile !== undefined) process.stderr.write(`urlseal build: ${built.kvsData?.length ?? 0} KeyValueStore entries → ${kvsDataFile}\n`);
  return 0;
}

/** `urlseal build nginx`: the njs module (0600) and the two config snippets, written to --out DIR. */
function buildNginx(parsed: ParsedArgs): number {
  const out = outputFlag(parsed, 'out');
  if (out === undefined) throw new UsageError('missing --out DIR: the folder for urlseal.js and its two nginx config snippets');
  const origin = stringFlag(parsed, 'origin');
  if (origin === undefined) throw new UsageError('missing --origin URL: the server nginx proxies granted requests to (e.g. http://127.0.0.1:8080)');
  const dir = resolve(out);
  const accessLog = stringFlag(parsed, 'access-log');
  if (accessLog !== undefined && accessLog !== 'off' && (!accessLog.startsWith('/') || /["'\s;{}$]/.test(accessLog))) {
    throw new UsageError('--access-log must be "off" or an absolute file path without quotes, spaces, "$", ";" or braces (e.g. /var/log/nginx/access.log)');
  }
  const built = buildNginxModule({ keyring: keyringFromFlag(parsed), origin, location: stringFlag(parsed, 'location'), accessLog, dir, preset: presetFlag(parsed) });
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new UsageError(`cannot create ${pathWords(dir)}: ${(error as NodeJS.ErrnoException).code ?? 'unwritable'}`);
  }
  for (const [name, text] of Object.entries(built.files)) writePrivateFile(join(dir, name), text, name.endsWith('.js') ? 0o600 : 0o644);
  for (const note of built.notes) warn('build', note);
  process.stderr.write(
    `urlseal build: nginx module → ${join(dir, 'urlseal.js')}; include ${join(dir, 'urlseal.http.conf')} in http {} and ${join(dir, 'urlseal.server.conf')} in your server {}, then nginx -t && nginx -s reload\n`,
  );
  return 0;
}

/** `urlseal build worker`: the built keyring (one line, for the Worker's URLSEAL_KEYRING secret) on stdout or --out. */
function buildWorker(parsed: ParsedArgs): number {
  const built = buildWorkerKeyring(keyringFromFlag(parsed));
  const out = outputFlag(parsed, 'out');
  if (out === undefined) process.stdout.write(`${built.text}\n`);
  else writePrivateFile(out, `${built.text}\n`);
  for (const note of built.notes) warn('build', note);
  const then = out === undefined ? '' : ` → ${out}; then npx wrangler secret put URLSEAL_KEYRING < ${out}`;
  process.stderr.write(`urlseal build: worker keyring (${built.keys} JWT keys, ${built.secureToken} secure-token secrets)${then}\n`);
  return 0;
}

/**
 * `urlseal build cloudfront [-k FILE] [--out FILE] [--scheme jwt|secure-token|both] [--kvs
 * [--kvs-data FILE] [--revocations kvs --on-store-error deny|allow]] [--preset cloudfront]`: validates the keyring and writes the
 * CloudFront Function (stdout, or `--out`), with its size and notes on stderr.
 * `urlseal build nginx [-k FILE] --out DIR --origin URL [--location PREFIX] [--access-log FILE|off]`: writes
 * the njs module and its nginx config snippets to DIR.
 * `urlseal build worker [-k FILE] [--out FILE]`: the keyring as the Worker reads it without
 * its JSON validator (one line, for `wrangler secret put URLSEAL_KEYRING`).
 *
 * @example
 * ```sh
 * urlseal build cloudfront -k keyring.json --out urlseal-edge.js
 * # urlseal build: cloudfront function (jwt, secrets inline) 9817 of 10240 bytes → urlseal-edge.js
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('build', args, FLAGS, BUILD_HELP, 1);
  if (parsed === undefined) return 0;
  const target = choiceFlag(parsed.positionals[0], 'the target', TARGETS);
  if (target === undefined) throw new UsageError(`missing target (${TARGETS.join(', ')}); run urlseal build --help`);
  for (const flag of Object.keys(FLAGS)) {
    if (parsed.values[flag as keyof typeof FLAGS] === undefined || TAKES[target].includes(flag)) continue;
    const others = TARGETS.filter((other) => TAKES[other].includes(flag));
    throw new UsageError(`--${flag} is for urlseal build ${others.join(' and ')}, not ${target}`);
  }
  return target === 'cloudfront' ? buildCloudFront(parsed) : target === 'nginx' ? buildNginx(parsed) : buildWorker(parsed);
}
