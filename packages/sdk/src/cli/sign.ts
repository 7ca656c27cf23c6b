import { DEFAULT_MAX_TTL, MAX_GEO_COUNTRIES, isGeoClaim } from '@urlseal/edge/contract';
import type { SignOptions } from '../claims.js';
import { createSigner } from '../signer.js';
import { listFlag, onePositional, parseCommand, stringFlag } from './args.js';
import { expiryVerdict } from './expiry.js';
import { SIGN_HELP } from './help.js';
import { KEYRING_FLAG, choiceFlag, keyringFromFlag, printLine, ttlFlag, unixFlag, warn } from './options.js';
import { UsageError } from './usage.js';

const FLAGS = {
  ...KEYRING_FLAG,
  ttl: { type: 'string' },
  expires: { type: 'string' },
  grant: { type: 'string', multiple: true },
  scheme: { type: 'string' },
  transport: { type: 'string' },
  sub: { type: 'string' },
  sid: { type: 'string' },
  jti: { type: 'string' },
  ip: { type: 'string' },
  'grant-all': { type: 'boolean' },
  seal: { type: 'boolean' },
  country: { type: 'string' },
  'block-country': { type: 'string' },
} as const;

/** `--country BR,PT` / `--block-country US`: the geo claim (upper-cased; the signer checks the codes). */
function geoFlag(allow: string | undefined, block: string | undefined): SignOptions['geo'] {
  if (allow !== undefined && block !== undefined) throw new UsageError('use --country or --block-country, not both');
  const list = allow ?? block;
  if (list === undefined) return undefined;
  const codes = list.split(',').map((code) => code.trim().toUpperCase());
  const rule = allow !== undefined ? { allow: codes } : { block: codes };
  if (!isGeoClaim(rule)) {
    throw new UsageError(`${allow !== undefined ? '--country' : '--block-country'} takes 1 to ${MAX_GEO_COUNTRIES} distinct two-letter country codes (ISO 3166-1 alpha-2), comma-separated, e.g. BR,PT`);
  }
  return rule;
}

/** `urlseal sign URL …`: prints the signed URL on one line. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('sign', args, FLAGS, SIGN_HELP, 1);
  if (parsed === undefined) return 0;
  const url = onePositional(parsed, 'sign', 'URL to sign');
  const ttl = ttlFlag(stringFlag(parsed, 'ttl'), 'sign');
  const expires = unixFlag(stringFlag(parsed, 'expires'), '--expires');
  if (ttl !== undefined && expires !== undefined) throw new UsageError('use --ttl or --expires, not both');
  const scheme = choiceFlag(stringFlag(parsed, 'scheme'), '--scheme', ['jwt', 'secure-token'] as const);
  const transport = choiceFlag(stringFlag(parsed, 'transport'), '--transport', ['path', 'query'] as const);
  if (scheme === 'secure-token' && expires !== undefined && !/^[0-9]{10}$/.test(stringFlag(parsed, 'expires') ?? '')) {
    throw new UsageError('--expires must be exactly 10 digits for --scheme secure-token');
  }
  const grant = listFlag(parsed, 'grant');
  const signer = createSigner({ keyring: keyringFromFlag(parsed), ...(scheme ? { scheme } : {}) });
  const options: SignOptions = {
    ...(grant.length > 0 ? { grant } : {}),
    ...(ttl === undefined ? {} : { ttl }),
    ...(expires === undefined ? {} : { expires }),
    ...(transport ? { transport } : {}),
    ...(parsed.values['grant-all'] === true ? { grantAll: true } : {}),
    ...(parsed.values.seal === true ? { seal: true } : {}),
  };
  const geo = geoFlag(stringFlag(parsed, 'country'), stringFlag(parsed, 'block-country'));
  if (geo !== undefined) options.geo = geo;
  for (const name of ['sub', 'sid', 'jti', 'ip'] as const) {
    const value = stringFlag(parsed, name);
    if (value !== undefined) options[name] = value;
  }
  const signed = signer.sign(url, options);
  const now = Math.floor(Date.now() / 1000);
  if (expires !== undefined && (expires <= now || expires - now > DEFAULT_MAX_TTL)) {
    // Allowed on purpose (tests, vectors), but say what the edge will do with it.
    warn('sign', `the link ${expiryVerdict(signed.scheme, signed.expires, now).words}`);
  }
  printLine(signed.url);
  return 0;
}
