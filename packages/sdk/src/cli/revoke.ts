import { listRevocations, revokeSession, revokeUser } from '../revoke.js';
import { REVOKE_HELP } from './help.js';
import { parseCommand, stringFlag } from './args.js';
import { printLine } from './options.js';
import { ttlSeconds } from '../ttl.js';
import { UsageError } from './usage.js';

const FLAGS = {
  file: { type: 'string' },
  sub: { type: 'string' },
  sid: { type: 'string' },
  before: { type: 'string' },
  until: { type: 'string' },
  list: { type: 'boolean' },
  'max-ttl': { type: 'string' },
} as const;

/** TIME: `now`, `now+DUR`, a Unix time in seconds, or an ISO 8601 date-time with a zone (2026-12-03T20:00:00Z). */
export function timeFlag(value: string | undefined, flag: string, now: number): number | undefined {
  if (value === undefined) return undefined;
  if (value === 'now') return now;
  const relative = /^now\+(.+)$/.exec(value);
  if (relative) {
    const seconds = ttlSeconds(relative[1] as string);
    if (typeof seconds === 'number') return now + seconds;
  } else if (/^[0-9]{1,15}$/.test(value)) {
    return Number(value);
  } else if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return Math.floor(ms / 1000);
  }
  throw new UsageError(`${flag} takes now, now+DUR (now+1h), a Unix time in seconds or an ISO 8601 time such as 2026-12-03T20:00:00Z`);
}

/** `urlseal revoke --file FILE (--sub USER [--before TIME] | --sid ID [--until TIME] | --list)`. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('revoke', args, FLAGS, REVOKE_HELP, 0);
  if (parsed === undefined) return 0;
  const file = stringFlag(parsed, 'file') ?? process.env.URLSEAL_REVOCATIONS;
  if (file === undefined || file === '') throw new UsageError('give --file FILE (the revocation file urlseal serve --revocations reads) or set URLSEAL_REVOCATIONS');
  const sub = stringFlag(parsed, 'sub');
  const sid = stringFlag(parsed, 'sid');
  const list = parsed.values.list === true;
  if ([sub !== undefined, sid !== undefined, list].filter(Boolean).length !== 1) throw new UsageError('give one of --sub USER, --sid ID or --list');
  const before = stringFlag(parsed, 'before');
  const until = stringFlag(parsed, 'until');
  if (before !== undefined && sub === undefined) throw new UsageError('--before goes with --sub');
  if (until !== undefined && sid === undefined) throw new UsageError('--until goes with --sid');
  const maxTtlText = stringFlag(parsed, 'max-ttl');
  const maxTtl = maxTtlText === undefined ? undefined : ttlSeconds(maxTtlText);
  if (maxTtl !== undefined && typeof maxTtl !== 'number') throw new UsageError('--max-ttl takes the edges\' maxTtl as a duration such as 86400, 12h or 1d');
  const now = Math.floor(Date.now() / 1000);
  const options = { now, ...(typeof maxTtl === 'number' ? { maxTtl } : {}) };
  if (list) {
    const entries = await listRevocations(file, options);
    printLine(JSON.stringify(entries, null, 2));
  } else if (sub !== undefined) {
    const at = timeFlag(before, '--before', now);
    const written = await revokeUser(file, sub, { ...options, ...(at === undefined ? {} : { before: at }) });
    printLine(`revoked tokens of that user issued before ${new Date(written.notBefore * 1000).toISOString()} (entry kept until ${new Date(written.forgetAt * 1000).toISOString()})`);
  } else {
    const at = timeFlag(until, '--until', now);
    const written = await revokeSession(file, sid as string, { ...options, ...(at === undefined ? {} : { until: at }) });
    printLine(`revoked that session's tokens until ${new Date(written.until * 1000).toISOString()}`);
  }
  return 0;
}
