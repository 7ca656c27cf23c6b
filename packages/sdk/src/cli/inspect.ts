import { matchesGrant, tryCanonicalPath } from '@urlseal/edge/contract';
import { splitUrl } from '../url.js';
import { onePositional, parseCommand, stringFlag } from './args.js';
import { INSPECT_HELP } from './help.js';
import { printLine, unixFlag } from './options.js';
import { relativeWords } from './time-words.js';
import { UsageError } from './usage.js';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const NOT_VERIFIED = 'NOT VERIFIED: decoded only, the signature was not checked (use urlseal verify)';

/** What inspect found: a JWT (and where it travelled) or a secure-token pair. */
type Found =
  | { scheme: 'jwt'; where: string; token: string; path?: string }
  | { scheme: 'secure-token'; st: string; e: string; path: string };

function findToken(input: string): Found {
  if (!input.includes('/') && JWT_SHAPE.test(input)) return { scheme: 'jwt', where: 'bare token', token: input };
  let parts;
  try {
    parts = splitUrl(input);
  } catch {
    throw new UsageError('expected a signed URL (absolute or starting with "/") or a JWT');
  }
  const inPath = /^\/_token\/([^/]+)(\/.*)$/.exec(parts.path);
  if (inPath) return { scheme: 'jwt', where: 'the path (/_token/…)', token: inPath[1] as string, path: inPath[2] as string };
  const query = new URLSearchParams(parts.query);
  const token = query.get('token');
  if (token !== null) return { scheme: 'jwt', where: 'the query (?token=)', token, path: parts.path };
  const st = query.get('st');
  const e = query.get('e');
  if (st !== null && e !== null) return { scheme: 'secure-token', st, e, path: parts.path };
  throw new UsageError(`no token found: expected /_token/<jwt>/…, ?token=<jwt> or ?st=…&e=…`);
}

function decodeJson(segment: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the one error below
  }
  throw new UsageError(`the token's ${what} is not base64url JSON; it is not a JWT urlseal would accept`);
}

function row(label: string, value: string): string {
  return `${`${label}:`.padEnd(12)}${value}`;
}

function timeRows(claims: Record<string, unknown>, now: number): string[] {
  const rows: string[] = [];
  const time = (name: string, label: string, future: string, past: string): void => {
    const value = claims[name];
    if (value === undefined) return;
    rows.push(row(label, typeof value === 'number' ? relativeWords(value, now, future, past) : `not a number (${JSON.stringify(value)})`));
  };
  time('iat', 'issued', 'in the future, in', 'issued');
  time('nbf', 'not before', 'valid from in', 'valid since');
  time('exp', 'expires', 'expires in', 'expired');
  return rows;
}

function resourceRows(path: string | undefined, patterns: string[]): string[] {
  if (path === undefined) return [];
  const decoded = tryCanonicalPath(path);
  if (decoded === undefined) return [row('resource', 'path is NOT canonical: the edge denies it (ERR_PATH_NONCANONICAL)')];
  const covered = matchesGrant(decoded, patterns) ? 'covered by the grant' : 'NOT covered by the grant';
  return [row('resource', `${decoded} (${covered})`)];
}

function describeJwt(found: Extract<Found, { scheme: 'jwt' }>, now: number): string[] {
  if (!JWT_SHAPE.test(found.token)) throw new UsageError('the token is not a compact JWT (three base64url segments)');
  const [head, body] = found.token.split('.') as [string, string];
  const header = decodeJson(head, 'header');
  const claims = decodeJson(body, 'claims');
  const grant = claims.path;
  const patterns = typeof grant === 'string' ? [grant] : Array.isArray(grant) ? grant.map(String) : [];
  const optional = (['sub', 'jti', 'ip', 'aud', 'iss'] as const)
    .filter((name) => claims[name] !== undefined)
    .map((name) => row(name, JSON.stringify(claims[name])));
  return [
    row('scheme', `jwt, in ${found.where}`),
    row('kid', typeof header.kid === 'string' ? header.kid : '(none: the edge denies it)'),
    row('alg', typeof header.alg === 'string' ? header.alg : '(none)'),
    row('grant', patterns.length ? patterns.join(', ') : '(no path claim: the edge denies it)'),
    ...resourceRows(found.path, patterns),
    ...timeRows(claims, now),
    ...optional,
    row('claims', JSON.stringify(claims)),
  ];
}

function describeSecureToken(found: Extract<Found, { scheme: 'secure-token' }>, now: number): string[] {
  const decoded = tryCanonicalPath(found.path);
  const e = /^[0-9]{10}$/.test(found.e) ? Number(found.e) : undefined;
  return [
    row('scheme', 'secure-token (legacy md5: st and e in the query)'),
    row('path', decoded ?? 'NOT canonical: the edge denies it (ERR_PATH_NONCANONICAL)'),
    row('expires', e === undefined ? 'e is not 10 digits: the edge denies it' : relativeWords(e, now, 'expires in', 'expired')),
    row('note', 'the legacy format holds only the expiry: no kid, subject or prefix'),
  ];
}

/** `urlseal inspect URL|TOKEN`: decodes and explains without verifying. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('inspect', args, { now: { type: 'string' } }, INSPECT_HELP, 1);
  if (parsed === undefined) return 0;
  const found = findToken(onePositional(parsed, 'inspect', 'URL or token to inspect'));
  const now = unixFlag(stringFlag(parsed, 'now'), '--now') ?? Math.floor(Date.now() / 1000);
  const rows = found.scheme === 'jwt' ? describeJwt(found, now) : describeSecureToken(found, now);
  printLine([NOT_VERIFIED, ...rows].join('\n'));
  return 0;
}
