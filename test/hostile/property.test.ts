// Property tests: random mutations of valid signed URLs are never granted unless every
// verified part is unchanged, and random garbage never passes nor produces a 5xx.
//
// What "verified parts" means, precisely (the oracle; anything else must be denied):
//  - JWT via ?token: the decoded canonical path (SPEC §2, checked by the independent
//    oracleCanonical) equals the signed one, the request holds exactly one `token` parameter
//    whose URLSearchParams-decoded value is the original token, and the path does not start
//    with `/_token/` (an earlier source). Mutations of the unrelated `x` parameter keep access.
//  - JWT via /_token/<jwt>/<rest>: the target still starts with `/_token/<original jwt>/`
//    and the decoded canonical rest lies inside the grant `/videos/course-1/*` (a mutation
//    that moves to another file inside the prefix legitimately keeps access).
//  - secure-token: decoded canonical path equal, exactly one `st` and one `e`, both equal to
//    the originals, no `token` parameter, no `/_token/` path.
//  - Bearer: the header still reads `Bearer <original jwt>` (scheme case-insensitive, 1*SP).
// Percent-encoding an unreserved character of the path, or of a query value, is therefore an
// allowed no-op (the decoded parts are identical).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createVerifier, handle } from '@urlseal/edge';
import { KEYRING_JSON, STATUS_OF } from './cases.js';
import { CLIENT_IP, NOW, NOW_DATE, mintJwt, oracleCanonical, secureToken, ST_SECRET } from './helpers.js';

const verifier = createVerifier({ keyring: KEYRING_JSON, currentDate: () => NOW_DATE });
const KNOWN = new Set(Object.keys(STATUS_OF));

const VID = '/videos/a.mp4';
const JWT = mintJwt({ claims: { path: VID, sub: 'prop' } });
const PREFIX_JWT = mintJwt({ claims: { path: '/videos/course-1/*' } });
const E = String(NOW + 600);
const ST = secureToken(ST_SECRET, VID, E);

const BASE = {
  query: `${VID}?x=1&token=${JWT}`,
  path: `/_token/${PREFIX_JWT}/videos/course-1/seg-1.ts?x=1`,
  st: `${VID}?st=${ST}&e=${E}&x=1`,
};

// Characters a mutation may write: the token alphabets, URL delimiters, escapes, hostile bytes.
const CHARS = [
  ...'ABCDEFabcdef0123456789-_./%?&=;\\+~!$\'()*,:@'.split(''),
  ...'Zz9Ee'.split(''),
];

type Op = { kind: 'flip' | 'insert' | 'delete' | 'swap' | 'case'; pos: number; pos2: number; char: string; sep: string };

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<Op['kind']>('flip', 'insert', 'delete', 'swap', 'case'),
  pos: fc.nat(),
  pos2: fc.nat(),
  char: fc.constantFrom(...CHARS),
  sep: fc.constantFrom('/', '.', '&', '=', '?'),
});

function apply(input: string, op: Op): string {
  if (input.length === 0) return op.char;
  const i = op.pos % input.length;
  switch (op.kind) {
    case 'flip':
      return input.slice(0, i) + op.char + input.slice(i + 1);
    case 'insert':
      return input.slice(0, i) + op.char + input.slice(i);
    case 'delete':
      return input.slice(0, i) + input.slice(i + 1);
    case 'case': {
      const c = input[i]!;
      const t = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
      return input.slice(0, i) + t + input.slice(i + 1);
    }
    case 'swap': {
      const parts = input.split(op.sep);
      if (parts.length < 2) return input;
      const a = op.pos % parts.length;
      const b = op.pos2 % parts.length;
      [parts[a], parts[b]] = [parts[b]!, parts[a]!];
      return parts.join(op.sep);
    }
  }
}

const mutate = (base: string, ops: Op[]): string => ops.reduce(apply, base);
const opsArb = fc.array(opArb, { minLength: 1, maxLength: 4 });

function split(target: string): { path: string; params: URLSearchParams } {
  const q = target.indexOf('?');
  return { path: q < 0 ? target : target.slice(0, q), params: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
}

function onlyOne(params: URLSearchParams, name: string, value: string): boolean {
  const all = params.getAll(name);
  return all.length === 1 && all[0] === value;
}

/** May this (mutated) target be granted? (the oracle described at the top) */
const ORACLE: Record<keyof typeof BASE, (target: string) => boolean> = {
  query: (t) => {
    const { path, params } = split(t);
    return !path.startsWith('/_token/') && oracleCanonical(path) === VID && onlyOne(params, 'token', JWT);
  },
  path: (t) => {
    const head = `/_token/${PREFIX_JWT}/`;
    if (!t.startsWith(head)) return false;
    const rest = oracleCanonical('/' + split(t.slice(head.length)).path);
    return rest !== undefined && rest.startsWith('/videos/course-1/');
  },
  st: (t) => {
    const { path, params } = split(t);
    return (
      !path.startsWith('/_token/') &&
      oracleCanonical(path) === VID &&
      onlyOne(params, 'st', ST) &&
      onlyOne(params, 'e', E) &&
      params.getAll('token').length === 0
    );
  },
};

interface Outcome {
  granted: boolean;
  built: boolean;
}

async function run(target: string, headers: Record<string, string> = {}): Promise<Outcome> {
  let request: Request;
  try {
    const safe = target.startsWith('/') && !target.startsWith('//') ? target : `/${target}`;
    request = new Request(`http://edge.test${safe}`, { headers });
  } catch {
    return { granted: false, built: false }; // not representable as a Request: nothing to test
  }
  const result = await verifier.verify(request, { clientIp: CLIENT_IP, rawPath: target });
  if (result.ok) return { granted: true, built: true };
  expect(KNOWN.has(result.code), `unknown code ${result.code}`).toBe(true);
  expect(result.status).toBe(STATUS_OF[result.code as keyof typeof STATUS_OF]);
  return { granted: false, built: true };
}

describe('property: mutated signed URLs', () => {
  test('the unmutated controls are granted (the properties can see a pass)', async () => {
    for (const base of Object.values(BASE)) expect((await run(base)).granted, base).toBe(true);
    expect((await run(VID, { authorization: `Bearer ${JWT}` })).granted).toBe(true);
  });

  for (const [kind, runs] of [
    ['query', 3000],
    ['path', 2000],
    ['st', 3000],
  ] as const) {
    test(`${kind}: ${runs} mutations, never granted unless the verified parts are unchanged`, async () => {
      let granted = 0;
      let unbuilt = 0;
      await fc.assert(
        fc.asyncProperty(opsArb, async (ops) => {
          const target = mutate(BASE[kind], ops);
          const out = await run(target);
          if (!out.built) unbuilt++;
          if (out.granted) {
            granted++;
            expect(ORACLE[kind](target), `granted a forbidden mutation: ${target}`).toBe(true);
          }
        }),
        { numRuns: runs, seed: 0x5ea1 + runs },
      );
      // Some mutations (of the x parameter) must keep access, or the oracle was never exercised.
      expect(granted).toBeGreaterThan(0);
      expect(unbuilt).toBeLessThan(runs / 10);
    });
  }

  test('Bearer header: 1000 mutations of the header value, never granted unless the token is unchanged', async () => {
    let granted = 0;
    await fc.assert(
      fc.asyncProperty(opsArb, async (ops) => {
        const value = mutate(`Bearer ${JWT}`, ops);
        const out = await run(VID, { authorization: value });
        if (out.granted) {
          granted++;
          const m = /^bearer +(\S+)$/i.exec(value.trim());
          expect(m?.[1], `granted a forbidden Authorization: ${value}`).toBe(JWT);
        }
      }),
      { numRuns: 1000, seed: 0xbea4 },
    );
  });
});

describe('property: garbage', () => {
  const garbageChar = fc.constantFrom(...CHARS, '#', '"', '<', '>', '^', '`', '{', '|', '}', '[', ']', 'é', '\u202e');
  const segment = fc.oneof(
    fc.string({ unit: garbageChar, maxLength: 24 }),
    fc.constantFrom('%2e%2e', '%2F', '%FF', '%C0%AF', '%ED%A0%80', '%zz', '%', '_token', '..', '.', ''),
  );
  const targetArb = fc
    .tuple(
      fc.array(segment, { maxLength: 6 }),
      fc.array(
        fc.tuple(fc.constantFrom('token', 'st', 'e', 'x', 'Token', ''), fc.string({ unit: garbageChar, maxLength: 60 })),
        { maxLength: 4 },
      ),
    )
    .map(([segs, params]) => `/${segs.join('/')}${params.length ? '?' + params.map(([k, v]) => `${k}=${v}`).join('&') : ''}`);

  test('1500 random targets (plus garbage headers) are never granted and never 5xx, through verify and handle', async () => {
    let handled = 0;
    await fc.assert(
      fc.asyncProperty(
        targetArb,
        fc.option(fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 80 })),
        fc.boolean(),
        async (target, header, viaHandle) => {
          const headers: Record<string, string> = {};
          if (header !== null) {
            headers.authorization = `Bearer ${header}`;
            headers.cookie = `urlseal=${header}`;
          }
          if (!viaHandle) {
            expect((await run(target, headers)).granted, target).toBe(false);
            return;
          }
          let request: Request;
          try {
            request = new Request(`http://edge.test${target.startsWith('//') ? target.slice(1) : target}`, { headers });
          } catch {
            return;
          }
          handled++;
          let originCalls = 0;
          const response = await handle(verifier, request,
            async () => {
              originCalls++;
              return new Response('origin');
            },
            { clientIp: CLIENT_IP, rawPath: target },
          );
          expect(response.status, target).toBeLessThan(500);
          expect(response.status, target).toBeGreaterThanOrEqual(400);
          expect(originCalls).toBe(0);
          expect(KNOWN.has(response.headers.get('x-urlseal-error') ?? '')).toBe(true);
        },
      ),
      { numRuns: 1500, seed: 0x9a7b },
    );
    expect(handled).toBeGreaterThan(100);
  });
});
