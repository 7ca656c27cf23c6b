import { createVerifier } from '@urlseal/edge';
import { loadKeyring } from '../keyring.js';
import { listFlag, onePositional, parseCommand, stringFlag } from './args.js';
import { UsageError } from './usage.js';

const HELP = `Usage: urlseal verify URL [--keyring FILE] [--now UNIX] [--header 'Name: v']… [--ip ADDR]

Runs the edge's checks (SPEC §6–7) on one URL, as a GET, and prints one JSON line:
  {"ok":true,"status":200,"code":null,"claims":{…}}   exit 0
  {"ok":false,"status":403,"code":"ERR_…","claims":null}   exit 1
The path is checked exactly as typed (no URL normalisation).

  --keyring FILE     keyring JSON (default: env URLSEAL_KEYRING)
  --now UNIX         the time to verify at (default: now)
  --header 'N: v'    a request header, e.g. 'Authorization: Bearer …' or 'Cookie: urlseal=…'
  --ip ADDR          the client address for tokens with an ip claim`;

/** The raw request-target of a URL argument, without WHATWG normalisation (`%2e%2e` stays as typed). */
export function rawTarget(url: string): string {
  const rest = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/, '');
  if (rest === url && !url.startsWith('/')) throw new UsageError('expected an http(s) URL or a path starting with /');
  const target = rest.split('#')[0] ?? '';
  return target === '' ? '/' : target.startsWith('?') ? `/${target}` : target;
}

function readHeaders(lines: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon < 1 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw new UsageError(`--header takes 'Name: value'`);
    const value = line.slice(colon + 1).trim();
    const prior = headers.get(name);
    headers.set(name, prior === undefined ? value : `${prior}${name === 'cookie' ? '; ' : ', '}${value}`);
  }
  return headers;
}

/**
 * `urlseal verify URL --keyring FILE [--now UNIX] [--header 'Name: v']… [--ip ADDR]`:
 * runs the edge's checks on one URL and prints `{"ok","status","code","claims"}` on
 * one line. Resolves to 0 granted, 1 denied; bad input throws (main prints it, exit 2).
 *
 * @example
 * ```sh
 * urlseal verify "https://cdn.example.com/_token/eyJ…/videos/a.mp4" --keyring keyring.json
 * # {"ok":true,"status":200,"code":null,"claims":{"exp":1767225600,"path":"/videos/*"}}
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const flags = { keyring: { type: 'string' }, now: { type: 'string' }, header: { type: 'string', multiple: true }, ip: { type: 'string' } } as const;
  const parsed = parseCommand('verify', args, flags, HELP, 1);
  if (parsed === undefined) return 0;
  const target = rawTarget(onePositional(parsed, 'verify', 'URL'));
  const nowFlag = stringFlag(parsed, 'now');
  if (nowFlag !== undefined && !/^\d{1,12}$/.test(nowFlag)) throw new UsageError('--now takes Unix seconds');
  const headers = readHeaders(listFlag(parsed, 'header'));
  const verifier = createVerifier({
    keyring: loadKeyring(stringFlag(parsed, 'keyring')),
    ...(nowFlag === undefined ? {} : { currentDate: new Date(Number(nowFlag) * 1000) }),
  });
  const result = await verifier.decide({ method: 'GET', target, header: (name) => headers.get(name), clientIp: stringFlag(parsed, 'ip') });
  const out = result.ok
    ? { ok: true, status: 200, code: null, claims: result.claims }
    : { ok: false, status: result.status, code: result.code, claims: null };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  return result.ok ? 0 : 1;
}
