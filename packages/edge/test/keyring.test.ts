import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UrlsealError, activeProblem, createKeyring, describeKid, type KeyringJson } from '../src/contract/index.js';
import { scanJson } from '../src/lib/json-scan.js';

const SECRET = 'an-obviously-fake-test-secret-32b'; // 33 bytes
const OTHER = 'another-obviously-fake-secret-32b';
const octK = randomBytes(32).toString('base64url');

function jwkPair(type: 'ec' | 'ed25519') {
  const { privateKey } =
    type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return privateKey.export({ format: 'jwk' }) as Record<string, string>;
}

function rejection(input: unknown): UrlsealError {
  try {
    createKeyring(input as KeyringJson);
  } catch (error) {
    expect(error).toBeInstanceOf(UrlsealError);
    expect((error as UrlsealError).code).toBe('ERR_KEYRING_INVALID');
    return error as UrlsealError;
  }
  throw new Error('expected the keyring to be rejected');
}

describe('createKeyring accepts every key kind (SPEC §3)', () => {
  it('reads Azion kids, a JWK Set and legacy secrets together', () => {
    const ec = jwkPair('ec');
    const ed = jwkPair('ed25519');
    const keyring = createKeyring({
      active: '2026-11',
      kids: { '2026-11': SECRET, '2026-10': OTHER },
      keys: [
        { kty: 'oct', kid: 'h1', k: octK, alg: 'HS512' },
        { kty: 'EC', crv: 'P-256', kid: 'p1', x: ec.x, y: ec.y, d: ec.d },
        { kty: 'OKP', crv: 'Ed25519', kid: 'e1', x: ed.x },
      ],
      secureToken: [SECRET, OTHER],
    });
    expect(keyring.active?.kid).toBe('2026-11');
    expect([...keyring.keys.keys()]).toEqual(['2026-11', '2026-10', 'h1', 'p1', 'e1']);
    expect(keyring.keys.get('2026-10')?.alg).toBe('HS256');
    expect(Buffer.from(keyring.keys.get('2026-11')!.secret!).toString()).toBe(SECRET);
    expect(keyring.keys.get('h1')?.alg).toBe('HS512');
    expect(keyring.keys.get('p1')).toMatchObject({ alg: 'ES256', canSign: true });
    expect(keyring.keys.get('e1')).toMatchObject({ alg: 'EdDSA', canSign: false });
    expect(keyring.keys.get('e1')?.jwk).not.toHaveProperty('d');
    expect(keyring.secureToken).toHaveLength(2);
    expect(Object.isFrozen(keyring)).toBe(true);
  });

  it('accepts JSON text and a keyring with only secureToken', () => {
    const keyring = createKeyring(JSON.stringify({ secureToken: [SECRET] }));
    expect(keyring.keys.size).toBe(0);
    expect(keyring.active).toBeUndefined();
    expect(keyring.secureToken).toHaveLength(1);
  });

  it('defaults active to the only signing key, else the first listed', () => {
    const ed = jwkPair('ed25519');
    const only = createKeyring({ keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'pub', x: ed.x }, { kty: 'oct', kid: 'h', k: octK }] });
    expect(only.active?.kid).toBe('h');
    const first = createKeyring({ kids: { b: SECRET, a: OTHER } });
    expect(first.active?.kid).toBe('b');
    const verifyOnly = createKeyring({ keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'pub', x: ed.x }] });
    expect(verifyOnly.active).toBeUndefined();
  });

  it('defaults an oct key without alg to HS256 and takes HS384', () => {
    const keyring = createKeyring({ keys: [{ kty: 'oct', kid: 'a', k: octK }, { kty: 'oct', kid: 'b', k: octK, alg: 'HS384' }] });
    expect(keyring.keys.get('a')?.alg).toBe('HS256');
    expect(keyring.keys.get('b')?.alg).toBe('HS384');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'kid %s resolves to nothing unless defined',
    (kid) => {
      const keyring = createKeyring({ kids: { k1: SECRET } });
      expect(keyring.keys.get(kid)).toBeUndefined();
      expect(keyring.keys.has(kid)).toBe(false);
    },
  );

  it('a kid named constructor or __proto__ is held as data', () => {
    const keyring = createKeyring('{"kids":{"__proto__":"' + SECRET + '","constructor":"' + OTHER + '"}}');
    expect(keyring.keys.get('__proto__')?.kid).toBe('__proto__');
    expect(keyring.keys.get('constructor')?.kid).toBe('constructor');
  });
});

describe('createKeyring rejects with a message naming the member and the fix', () => {
  const ec = jwkPair('ec');
  const ed = jwkPair('ed25519');
  it.each<[string, unknown, RegExp]>([
    ['not JSON', '{kids:', /^keyring: is not valid JSON/],
    ['an array', [], /^keyring: must be a JSON object/],
    ['null', null, /^keyring: must be a JSON object/],
    ['no key at all', {}, /^keyring: holds no key/],
    ['unknown member', { kids: { a: SECRET }, secure_token: [SECRET] }, /^keyring\.secure_token: unknown member/],
    ['short kids secret', { kids: { k1: 'mysecret' } }, /^keyring\.kids\["k1"\]: secret is 8 bytes; use at least 32 bytes \(urlseal keygen makes one\)/],
    ['31-byte secret', { kids: { k1: 'x'.repeat(31) } }, /secret is 31 bytes/],
    ['non-string secret', { kids: { k1: 42 } }, /^keyring\.kids\["k1"\]: secret must be a string/],
    ['kids as array', { kids: [SECRET] }, /^keyring\.kids: must be an object/],
    ['kid with a space', { kids: { 'k 1': SECRET } }, /^keyring\.kids\["k 1"\]: kid must be 1 to 64 characters/],
    ['kid with a slash', { kids: { 'k/1': SECRET } }, /kid must be 1 to 64/],
    ['empty kid', { kids: { '': SECRET } }, /kid must be 1 to 64/],
    ['65-char kid', { kids: { ['a'.repeat(65)]: SECRET } }, /kid must be 1 to 64/],
    ['non-ASCII kid', { kids: { 'kíd': SECRET } }, /kid must be 1 to 64/],
    ['keys not an array', { keys: {} }, /^keyring\.keys: must be an array/],
    ['JWK not an object', { keys: ['x'] }, /^keyring\.keys\[0\]: must be a JWK object/],
    ['JWK without kid', { keys: [{ kty: 'oct', k: octK }] }, /^keyring\.keys\[0\]\.kid: kid must be/],
    ['unknown kty', { keys: [{ kty: 'XYZ', kid: 'r', n: 'x', e: 'AQAB' }] }, /^keyring\.keys\[0\]\.kty: unknown key type/],
    ['RSA key with a broken n', { keys: [{ kty: 'RSA', kid: 'r', n: 'x', e: 'AQAB' }] }, /^keyring\.keys\[0\]\.n\/e \(kid "r"\): the public key has n or e that is not unpadded base64url/],
    ['short oct key', { keys: [{ kty: 'oct', kid: 'h', k: randomBytes(16).toString('base64url') }] }, /^keyring\.keys\[0\]\.k: secret is 16 bytes; use at least 32/],
    ['padded oct key', { keys: [{ kty: 'oct', kid: 'h', k: randomBytes(32).toString('base64') + '=' }] }, /^keyring\.keys\[0\]\.k: must be unpadded base64url/],
    ['unknown oct alg', { keys: [{ kty: 'oct', kid: 'h', k: octK, alg: 'none' }] }, /^keyring\.keys\[0\]\.alg: an "oct" key takes HS256, HS384 or HS512/],
    ['oct with RS256', { keys: [{ kty: 'oct', kid: 'h', k: octK, alg: 'RS256' }] }, /keys\[0\]\.alg/],
    ['unknown EC curve', { keys: [{ kty: 'EC', crv: 'P-384', kid: 'p', x: ec.x, y: ec.y }] }, /^keyring\.keys\[0\]\.crv: an "EC" key must be P-256/],
    ['EC with wrong alg', { keys: [{ kty: 'EC', crv: 'P-256', kid: 'p', x: ec.x, y: ec.y, alg: 'HS256' }] }, /^keyring\.keys\[0\]\.alg: a P-256 key takes ES256/],
    ['EC without y', { keys: [{ kty: 'EC', crv: 'P-256', kid: 'p', x: ec.x }] }, /^keyring\.keys\[0\]\.y: must be 32 bytes/],
    ['unknown OKP curve', { keys: [{ kty: 'OKP', crv: 'X25519', kid: 'e', x: ed.x }] }, /^keyring\.keys\[0\]\.crv: an "OKP" key must be Ed25519/],
    ['OKP short x', { keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'e', x: 'AAAA' }] }, /^keyring\.keys\[0\]\.x: must be 32 bytes/],
    ['duplicate kid across members', { kids: { h1: SECRET }, keys: [{ kty: 'oct', kid: 'h1', k: octK }] }, /^keyring\.keys\[0\]: duplicate kid "h1"/],
    ['duplicate kid in keys', { keys: [{ kty: 'oct', kid: 'a', k: octK }, { kty: 'oct', kid: 'a', k: octK }] }, /^keyring\.keys\[1\]: duplicate kid "a"/],
    ['short secureToken', { secureToken: ['mysecret'] }, /^keyring\.secureToken\[0\]: secret is 8 bytes; use at least 32/],
    ['short old secureToken', { secureToken: [SECRET, 'short'] }, /^keyring\.secureToken\[1\]: secret is 5 bytes/],
    ['secureToken as string', { secureToken: SECRET }, /^keyring\.secureToken: must be an array/],
    ['empty secureToken', { kids: { a: SECRET }, secureToken: [] }, /^keyring\.secureToken: is empty/],
    ['active not a string', { active: 1, kids: { a: SECRET } }, /^keyring\.active: must be a kid string/],
    ['not JSON, with its place', '{\n  "kids": {"a": "x" "b"}}', /^keyring: is not valid JSON at line 2, column 21: expected "," or "}"$/],
    ['JSON that ends early', '{"kids": {"a": "' + SECRET, /^keyring: is not valid JSON: it ends early at line 1, column 50, expected a closing quote/],
    ['empty text', ' \n', /^keyring: is empty; it must hold keyring JSON/],
    ['a byte-order mark', '\uFEFF{"kids":{"a":"' + SECRET + '"}}', /^keyring: starts with a byte-order mark/],
    ['a kid twice in kids (JSON keeps the last)', '{"kids":{"a":"' + SECRET + '",\n"a":"' + OTHER + '"}}', /^keyring\.kids: "a" appears twice \(line 2\); JSON would keep only the last/],
    ['a member twice', '{"active":"a","active":"a","kids":{"a":"' + SECRET + '"}}', /^keyring: "active" appears twice/],
    ['kid and secret swapped', { kids: { [SECRET]: 'k1' } }, /^keyring\.kids entry 1, a 33-character kid \(not shown: as long as a secret\): looks swapped: its name is 33 characters and its value 2/],
    ['a secret-long kid repeated across kids and keys', { kids: { [octK]: SECRET }, keys: [{ kty: 'oct', kid: octK, k: octK }] }, /^keyring\.keys\[0\]: duplicate kid a 43-character kid \(not shown/],
    ['a secret as a member name', { [SECRET]: SECRET, kids: { a: OTHER } }, /^keyring \(a member with a 33-character name, not shown: as long as a secret\): unknown member/],
  ])('%s', (_name, input, message) => {
    const error = rejection(input);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(octK);
    expect(error.message).not.toContain('mysecret');
  });

  it('never quotes JSON.parse (which echoes the text around the error)', () => {
    const error = rejection('{"kids":{"a":"' + SECRET + '"},"x":' + SECRET + '}');
    expect(error.message).toBe('keyring: is not valid JSON at line 1, column 55: expected a value (true, false, null, a number, a string, an object or an array)');
  });

  it('bounds the JSON text before parsing', () => {
    expect(rejection(' '.repeat((1 << 20) + 1)).message).toMatch(/larger than/);
  });
});

describe('`active` at the edge (SPEC v1.2): only a signer needs it', () => {
  const ed = jwkPair('ed25519');
  it.each<[string, KeyringJson, RegExp]>([
    ['names a removed kid', { active: '2026-10', kids: { '2026-11': SECRET } }, /^keyring\.active: "2026-10" names no key this keyring holds; a signer needs/],
    ['names a public key', { active: 'e', keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'e', x: ed.x }] }, /^keyring\.active: "e" names a key held without its private part/],
    ['names __proto__', { active: '__proto__', kids: { a: SECRET } }, /^keyring\.active: "__proto__" names no key/],
    ['is a secret', { active: OTHER, kids: { a: SECRET } }, /^keyring\.active: a 33-character kid \(not shown: as long as a secret\) names no key/],
  ])('a keyring whose active %s still loads, verifies with what it holds, and says why a signer cannot use it', (_name, json, problem) => {
    const keyring = createKeyring(json);
    expect(keyring.active).toBeUndefined();
    expect(keyring.activeKid).toBe(json.active);
    expect(keyring.keys.size).toBe(1);
    expect(activeProblem(keyring)).toMatch(problem);
    expect(activeProblem(keyring)).not.toContain(OTHER);
  });

  it('has no problem when active is held, or absent', () => {
    expect(activeProblem(createKeyring({ active: 'a', kids: { a: SECRET } }))).toBeUndefined();
    expect(activeProblem(createKeyring({ kids: { a: SECRET } }))).toBeUndefined();
    expect(createKeyring({ kids: { a: SECRET } }).active?.kid).toBe('a');
  });

  it('describeKid quotes a short kid and only describes one as long as a secret', () => {
    expect(describeKid('2026-11')).toBe('"2026-11"');
    expect(describeKid(SECRET)).toBe('a 33-character kid (not shown: as long as a secret)');
  });
});

describe('scanJson agrees with JSON.parse', () => {
  it('finds no problem in any JSON.stringify output, and one wherever JSON.parse fails', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(scanJson(text)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', '-', '.', 'e', 't', 'n', ' ', '\\', 'u', 'a') }), (text) => {
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        const problem = scanJson(text);
        // Valid JSON may still hold a repeated name; a scan problem on valid JSON is only that.
        if (parses) expect(problem === undefined || problem.duplicate !== undefined).toBe(true);
        else expect(problem).toBeDefined();
      }),
      { numRuns: 5000 },
    );
  });
});
