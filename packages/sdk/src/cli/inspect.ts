import { DEFAULT_LEEWAY, extractToken, isSealedToken, matchesGrant, type Keyring, type TokenSource } from '@urlseal/edge/contract';
import { openSealed } from '../seal-node.js';
import { listFlag, onePositional, parseCommand, stringFlag } from './args.js';
import { expiryVerdict } from './expiry.js';
import { INSPECT_HELP } from './help.js';
import { KEYRING_FLAG, keyringFromFlag, nowFlag, printLine } from './options.js';
import { cliRequest } from './request.js';
import { relativeWords } from './time-words.js';
import { UsageError } from './usage.js';

const FLAGS = { ...KEYRING_FLAG, now: { type: 'string' }, header: { type: 'string', multiple: true } } as const;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const SEALED_SHAPE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;
const NOT_VERIFIED = 'NOT VERIFIED: decoded only, the signature was not checked (use urlseal verify)';
const CARRIER_WORDS = { path: 'the path (/_token/…)', query: 'the query (?token=)', header: 'the Authorization: Bearer header', cookie: 'the urlseal cookie' };

/** What inspect found: a token source as the edge reads it, and the path it must grant. */
interface Found {
  readonly source: Exclude<TokenSource, 'missing' | 'malformed'>;
  readonly where: string;
  /** The canonical path the token must grant; `false` when not canonical; absent for a bare token. */
  readonly path?: string | false;
}

function findToken(input: string, headers: readonly string[]): Found {
  if (!input.includes('/') && (JWT_SHAPE.test(input) || SEALED_SHAPE.test(input))) {
    return { source: { scheme: 'jwt', carrier: 'query', token: input }, where: 'a bare token' };
  }
  const request = cliRequest(input, 'inspect', headers);
  // The edge's own extraction (SPEC §6): the first source present, no fallback.
  const { source, path } = extractToken(request.target, request.header);
  if (source === 'missing') {
    throw new UsageError('no token found: expected /_token/<jwt>/…, ?token=<jwt>, ?st=…&e=…, or --header with a Bearer token or urlseal cookie');
  }
  if (source === 'malformed') {
    throw new UsageError('the token source is malformed (a duplicate or empty carrier, st without e, …): the edge answers 401 ERR_TOKEN_MALFORMED');
  }
  const where = source.scheme === 'jwt' ? CARRIER_WORDS[source.carrier] : 'the query (?st=&e=)';
  return { source, where, path: path ?? false };
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

const CLAIM_INVALID = 'the edge answers 401 ERR_CLAIM_INVALID';

function notWholeNumber(value: unknown): string {
  return `not a whole number (${JSON.stringify(value)}): ${CLAIM_INVALID}`;
}

/** `iat` and `nbf`: either may be ahead of now by at most the leeway. */
function startRow(claims: Record<string, unknown>, name: 'iat' | 'nbf', now: number): string[] {
  const value = claims[name];
  if (value === undefined) return [];
  const label = name === 'iat' ? 'issued' : 'not before';
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return [row(label, notWholeNumber(value))];
  const words = name === 'iat' ? relativeWords(value, now, 'in the future, in', 'issued') : relativeWords(value, now, 'valid from in', 'valid since');
  return [row(label, value > now + DEFAULT_LEEWAY ? `${words}: beyond the edge's ${DEFAULT_LEEWAY} s leeway, ${CLAIM_INVALID}` : words)];
}

function timeRows(claims: Record<string, unknown>, now: number): string[] {
  const exp = claims.exp;
  const expires =
    exp === undefined ? `(no exp claim: ${CLAIM_INVALID})`
    : typeof exp !== 'number' || !Number.isSafeInteger(exp) ? notWholeNumber(exp)
    : expiryVerdict('jwt', exp, now).words;
  return [...startRow(claims, 'iat', now), ...startRow(claims, 'nbf', now), row('expires', expires)];
}

function resourceRows(decoded: string | false | undefined, patterns: string[]): string[] {
  if (decoded === undefined) return [];
  if (decoded === false) return [row('resource', 'path is NOT canonical: the edge answers 403 ERR_PATH_NONCANONICAL')];
  const covered = matchesGrant(decoded, patterns) ? 'covered by the grant' : 'NOT covered by the grant: the edge answers 403 ERR_PATH_MISMATCH';
  return [row('resource', `${decoded} (${covered})`)];
}

function kidWords(kid: unknown, alg: unknown, keyring: Keyring | undefined): string {
  if (typeof kid !== 'string') return '(none: the edge answers 401 ERR_KID_UNKNOWN)';
  if (keyring === undefined) return kid;
  const entry = keyring.keys.get(kid);
  if (entry === undefined) return `${kid} (NOT in the keyring: the edge answers 401 ERR_KID_UNKNOWN)`;
  if (entry.alg !== alg) return `${kid} (the keyring's key is ${entry.alg}: the edge answers 401 ERR_ALG_NOT_ALLOWED)`;
  return `${kid} (in the keyring, ${entry.alg})`;
}

function describeJwt(token: string, found: Found, now: number, keyring: Keyring | undefined): string[] {
  if (!JWT_SHAPE.test(token)) throw new UsageError('the token is not a compact JWT (three base64url segments): the edge answers 401 ERR_TOKEN_MALFORMED');
  const [head, body] = token.split('.') as [string, string];
  const header = decodeJson(head, 'header');
  const claims = decodeJson(body, 'claims');
  return [
    row('scheme', `jwt, in ${found.where}`),
    row('kid', kidWords(header.kid, header.alg, keyring)),
    row('alg', typeof header.alg === 'string' ? header.alg : '(none)'),
    ...claimRows(claims, found, now),
  ];
}

/** A sealed token: only its header is readable; with a keyring holding its kid, opened here. */
function describeSealed(token: string, found: Found, now: number, keyring: Keyring | undefined): string[] {
  if (!SEALED_SHAPE.test(token)) throw new UsageError('the token is not a compact sealed token (five base64url segments, the second empty): the edge answers 401 ERR_TOKEN_MALFORMED');
  const header = decodeJson(token.slice(0, token.indexOf('.')), 'header');
  const dir = header.alg === 'dir' && header.enc === 'A256GCM';
  const rows = [
    row('scheme', `jwt, SEALED (JWE dir + A256GCM: the claims are encrypted), in ${found.where}`),
    row('kid', kidWords(header.kid, 'HS256', keyring)),
    row('alg', dir ? 'dir, enc A256GCM' : `${JSON.stringify(header.alg)}, enc ${JSON.stringify(header.enc)}: the edge answers 401 ERR_ALG_NOT_ALLOWED`),
    row('header', JSON.stringify(header)),
  ];
  const entry = typeof header.kid === 'string' ? keyring?.keys.get(header.kid) : undefined;
  if (keyring === undefined || !dir) return [...rows, row('claims', 'sealed: only the header is readable (give -k KEYRING to decrypt locally)')];
  if (entry === undefined || entry.alg !== 'HS256') return rows;
  const text = openSealed(entry, token);
  if (text === undefined) return [...rows, row('claims', 'does NOT decrypt with this keyring\'s key: the edge answers 403 ERR_SIGNATURE_INVALID')];
  let claims: unknown;
  try {
    claims = JSON.parse(text);
  } catch {
    claims = undefined;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    return [...rows, row('claims', 'decrypted locally, but not a JSON object: the edge answers 401 ERR_TOKEN_MALFORMED')];
  }
  return [...rows, row('sealed', 'decrypted locally with the keyring: the claims below are not readable in the link'), ...claimRows(claims as Record<string, unknown>, found, now)];
}

/** The rows of a token's claims: grant, resource, times, optional claims, the JSON. */
function claimRows(claims: Record<string, unknown>, found: Found, now: number): string[] {
  const grant = claims.path;
  const patterns = typeof grant === 'string' ? [grant] : Array.isArray(grant) ? grant.map(String) : [];
  const optional = (['sub', 'sid', 'jti', 'ip', 'geo', 'aud', 'iss'] as const)
    .filter((name) => claims[name] !== undefined)
    .map((name) => row(name, JSON.stringify(claims[name])));
  return [
    row('grant', patterns.length ? patterns.join(', ') : '(no path claim: the edge answers 401 ERR_CLAIM_INVALID)'),
    ...resourceRows(found.path, patterns),
    ...timeRows(claims, now),
    ...optional,
    row('claims', JSON.stringify(claims)),
  ];
}

function describeSecureToken(e: string, found: Found, now: number): string[] {
  return [
    row('scheme', `secure-token (legacy md5), in ${found.where}`),
    row('path', typeof found.path === 'string' ? found.path : 'NOT canonical: the edge answers 403 ERR_PATH_NONCANONICAL'),
    row('expires', /^[0-9]{10}$/.test(e) ? expiryVerdict('secure-token', Number(e), now).words : 'e is not 10 digits: the edge answers 401 ERR_TOKEN_MALFORMED'),
    row('note', 'the legacy format holds only the expiry: no kid, subject or prefix'),
  ];
}

/** `urlseal inspect URL|TOKEN`: decodes and explains without verifying. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('inspect', args, FLAGS, INSPECT_HELP, 1);
  if (parsed === undefined) return 0;
  const found = findToken(onePositional(parsed, 'inspect', 'URL or token to inspect'), listFlag(parsed, 'header'));
  const now = nowFlag(parsed);
  const keyring = stringFlag(parsed, 'keyring') === undefined ? undefined : keyringFromFlag(parsed);
  const { source } = found;
  const rows =
    source.scheme !== 'jwt' ? describeSecureToken(source.e, found, now)
    : isSealedToken(source.token) ? describeSealed(source.token, found, now, keyring)
    : describeJwt(source.token, found, now, keyring);
  printLine([NOT_VERIFIED, ...rows].join('\n'));
  return 0;
}
