import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyringFile as keyringFileIn, urlsealHere } from './run.js';

// `urlseal build` end to end through the CLI's main(argv), in process (run.ts).
const dir = mkdtempSync(join(tmpdir(), 'urlseal-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const JWT_SECRET = 'build-test-jwt-secret-0123456789abcdef';
const ST_SECRET = 'build-test-st-secret-0123456789abcdefgh';

const keyringFile = (name: string, json: unknown): string => keyringFileIn(dir, name, json);

/** A usage error: exit 2, nothing on stdout, one line on stderr that says `message`. */
async function expectUsageError(args: string[], message: RegExp): Promise<void> {
  const { code, stdout, stderr } = await urlsealHere(args);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toMatch(message);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

const jwtKeyring = keyringFile('jwt.json', { kids: { k1: JWT_SECRET } });
const mixedKeyring = keyringFile('mixed.json', { kids: { k1: JWT_SECRET }, secureToken: [ST_SECRET] });

describe('urlseal build cloudfront', () => {
  it('prints the function on stdout, its size on stderr', async () => {
    const { code, stdout, stderr } = await urlsealHere(['build', 'cloudfront', '-k', jwtKeyring]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\/\/ urlseal jwt\n/);
    expect(stdout).toMatch(/\nfunction handler\(e\)\{return h\(e\)\}\n$/);
    // A printable secret is inlined as `~` and its text (fewer bytes than base64url).
    expect(stdout).toContain(JSON.stringify(`~${JWT_SECRET}`));
    expect(stderr).toMatch(new RegExp(`urlseal build: cloudfront function \\(jwt, secrets inline\\) ${Buffer.byteLength(stdout)} of 10240 bytes\\n$`));
  });

  it('writes --out with mode 0600 (the function holds the secrets), also over an older build', async () => {
    const out = join(dir, 'edge.js');
    writeFileSync(out, 'old', { mode: 0o644 });
    const { code, stdout } = await urlsealHere(['build', 'cloudfront', '-k', jwtKeyring, '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toMatch(/function handler\(e\)/);
  });

  it('builds a KeyValueStore function with no secret in it, and writes the store entries', async () => {
    const out = join(dir, 'kvs.js');
    const data = join(dir, 'kvs.json');
    const { code, stderr } = await urlsealHere(['build', 'cloudfront', '-k', mixedKeyring, '--scheme', 'secure-token', '--kvs', '--kvs-data', data, '-o', out]);
    expect(code).toBe(0);
    const fn = readFileSync(out, 'utf8');
    expect(fn).toMatch(/^import cf from 'cloudfront';\n/);
    expect(fn).toMatch(/\nasync function handler\(e\)\{return h\(e\)\}\n$/);
    expect(fn).not.toContain(Buffer.from(ST_SECRET).toString('base64url'));
    expect(JSON.parse(readFileSync(data, 'utf8'))).toEqual({ data: [{ key: 'urlseal.st.0', value: Buffer.from(ST_SECRET).toString('base64url') }] });
    expect(statSync(data).mode & 0o777).toBe(0o600);
    expect(stderr).toMatch(/warning: JWT keys are left out/);
  });

  it('builds one function for both schemes from a keyring with HS256 keys and secureToken secrets', async () => {
    const { code, stdout, stderr } = await urlsealHere(['build', 'cloudfront', '-k', mixedKeyring]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\/\/ urlseal both\n/);
    expect(stdout).toContain(JSON.stringify(`~${JWT_SECRET}`));
    expect(stdout).toContain(JSON.stringify(`~${ST_SECRET}`));
    expect(stderr).toMatch(new RegExp(`urlseal build: cloudfront function \\(both, secrets inline\\) ${Buffer.byteLength(stdout)} of 10240 bytes\\n$`));
  });

  it('builds a KeyValueStore function for both schemes, and writes the entries of both', async () => {
    const data = join(dir, 'both-kvs.json');
    const { code, stdout } = await urlsealHere(['build', 'cloudfront', '-k', mixedKeyring, '--kvs', '--kvs-data', data]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^import cf from 'cloudfront';\n\/\/ urlseal both kvs\n/);
    expect(stdout).not.toContain(JWT_SECRET);
    expect(stdout).not.toContain(Buffer.from(JWT_SECRET).toString('base64url'));
    expect(JSON.parse(readFileSync(data, 'utf8')).data.map((entry: { key: string }) => entry.key)).toEqual(['urlseal.kid.k1', 'urlseal.st.0']);
  });

  it('builds a KeyValueStore function without a keyring', async () => {
    const { code, stdout } = await urlsealHere(['build', 'cloudfront', '--kvs']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^import cf from 'cloudfront';\n\/\/ urlseal jwt kvs\n/);
  });

  it('takes the keyring from env URLSEAL_KEYRING', async () => {
    const { code, stdout } = await urlsealHere(['build', 'cloudfront'], { URLSEAL_KEYRING: JSON.stringify({ secureToken: [ST_SECRET] }) });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\/\/ urlseal secure-token\n/);
  });

  it.each([
    [['build'], /^urlseal build: missing target \(cloudfront, nginx, worker\); run urlseal build --help\n$/],
    [['build', 'fastly', '-k', jwtKeyring], /^urlseal build: the target must be one of cloudfront, nginx, worker\n$/],
    [['build', 'cloudfront'], /^urlseal build: no keyring: pass --keyring FILE/],
    [['build', 'cloudfront', '-k', mixedKeyring, '--scheme', 'es256'], /^urlseal build: --scheme must be one of jwt, secure-token, both\n$/],
    [['build', 'cloudfront', '-k', jwtKeyring, '--kvs-data', join(dir, 'x.json')], /^urlseal build: --kvs-data takes the KeyValueStore entries of a --kvs build; add --kvs\n$/],
    [['build', 'cloudfront', '-k', jwtKeyring, '--preset', '401'], /^urlseal build: --preset must be one of cloudfront\n$/],
    [['build', 'cloudfront', '-k', jwtKeyring, '--origin', 'http://127.0.0.1:8080'], /^urlseal build: --origin is for urlseal build nginx, not cloudfront\n$/],
  ])('bad input %j: one line on stderr, exit 2', expectUsageError);

  it('refuses an asymmetric-only keyring, saying what CloudFront can verify', async () => {
    const file = keyringFile('ed.json', { keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'e1', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }] });
    const { code, stderr } = await urlsealHere(['build', 'cloudfront', '-k', file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^urlseal build: CloudFront Functions verify HS256 JWTs and secure-token only \(no public-key or SHA-384\/512 verify in their runtime\)/);
  });

  it('refuses an RSA-only keyring (an identity provider\'s JWK Set), saying CloudFront has no RSA (issue 19)', async () => {
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const file = keyringFile('rsa.json', { keys: [{ ...jwk, kid: 'r1', alg: 'RS256', use: 'sig' }] });
    const { code, stderr } = await urlsealHere(['build', 'cloudfront', '-k', file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^urlseal build: CloudFront Functions cannot verify RS256 or PS256 \(their crypto module has no RSA\).*another edge/);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).not.toContain(String(jwk.n).slice(0, 20));
  });

  it('refuses a function over 10 KB and says how to fit', async () => {
    const kids = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`kid-${i}`, `${JWT_SECRET}-${i}`]));
    const { code, stderr } = await urlsealHere(['build', 'cloudfront', '-k', keyringFile('many.json', { kids })]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^urlseal build: the function is \d+ bytes and CloudFront takes at most 10240; .*KeyValueStore \(kvs\)\n$/);
  });

  it('--revocations kvs --on-store-error MODE: a KeyValueStore function that looks revocations up, saying what it gives up', async () => {
    for (const mode of ['deny', 'allow']) {
      const { code, stdout, stderr } = await urlsealHere(['build', 'cloudfront', '-k', jwtKeyring, '--kvs', '--revocations', 'kvs', '--on-store-error', mode]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^import cf from 'cloudfront';\n\/\/ urlseal jwt kvs revocation\n/);
      expect(stdout).toContain(`cf.kvs(),"${mode}")`);
      expect(stdout).not.toContain(JWT_SECRET);
      expect(stderr).toMatch(/"geo" claim are denied \(403 ERR_GEO_MISMATCH\)/);
      expect(stderr).toMatch(new RegExp(`onStoreError "${mode}"`));
      expect(stderr).toMatch(new RegExp(`cloudfront function \\(jwt, secrets and revocations in the KeyValueStore\\) ${Buffer.byteLength(stdout)} of 10240 bytes\\n$`));
    }
  });

  it('refuses --revocations without --kvs, without --on-store-error, with another source, or for secure-token alone, in one line each', async () => {
    await expectUsageError(['build', 'cloudfront', '-k', jwtKeyring, '--revocations', 'kvs', '--on-store-error', 'deny'], /add --kvs$/m);
    await expectUsageError(['build', 'cloudfront', '-k', jwtKeyring, '--kvs', '--revocations', 'kvs'], /--revocations needs --on-store-error deny .* or --on-store-error allow/);
    await expectUsageError(['build', 'cloudfront', '-k', jwtKeyring, '--kvs', '--on-store-error', 'deny'], /--on-store-error goes with --revocations kvs/);
    await expectUsageError(['build', 'cloudfront', '-k', jwtKeyring, '--kvs', '--revocations', 'redis://127.0.0.1:6379/secret-db', '--on-store-error', 'deny'], /give --revocations kvs \(with --kvs\)$/m);
    await expectUsageError(['build', 'cloudfront', '-k', jwtKeyring, '--kvs', '--revocations', 'kvs', '--on-store-error', 'sometimes'], /--on-store-error must be one of deny, allow/);
    await expectUsageError(['build', 'cloudfront', '-k', mixedKeyring, '--kvs', '--revocations', 'kvs', '--on-store-error', 'deny', '--scheme', 'secure-token'], /revocation needs JWTs/);
    const { stderr } = await urlsealHere(['build', 'cloudfront', '-k', jwtKeyring, '--kvs', '--revocations', 'redis://127.0.0.1:6379/secret-db', '--on-store-error', 'deny']);
    expect(stderr).not.toContain('secret-db');
  });

  it('refuses both schemes with the revocation lookup (over 10 KB) and says how to split them', async () => {
    const { code, stderr } = await urlsealHere(['build', 'cloudfront', '-k', mixedKeyring, '--kvs', '--revocations', 'kvs', '--on-store-error', 'deny']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^urlseal build: the function is \d+ bytes and CloudFront takes at most 10240; the both-schemes function has no room for the revocation lookup: build one function per scheme .*--scheme jwt with the revocation lookup, --scheme secure-token.*\n$/);
  });
});

describe('urlseal build nginx', () => {
  const origin = 'http://127.0.0.1:8080';

  it('writes the module (0600) and both config snippets to --out DIR, and says how to include them', async () => {
    const out = join(dir, 'nginx');
    const { code, stdout, stderr } = await urlsealHere(['build', 'nginx', '-k', mixedKeyring, '--out', out, '--origin', origin, '--location', '/videos/']);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(statSync(join(out, 'urlseal.js')).mode & 0o777).toBe(0o600);
    const module = readFileSync(join(out, 'urlseal.js'), 'utf8');
    expect(module).toContain(Buffer.from(JWT_SECRET).toString('base64url'));
    expect(module).toContain(Buffer.from(ST_SECRET).toString('base64url'));
    expect(module).toMatch(/\nexport default \{ handle, logTarget \};\n$/);
    expect(readFileSync(join(out, 'urlseal.http.conf'), 'utf8')).toContain(`js_path "${out}";`);
    const server = readFileSync(join(out, 'urlseal.server.conf'), 'utf8');
    expect(server).toContain('location /videos/ {\n    js_content urlseal.handle;\n    access_log /var/log/nginx/access.log urlseal;\n}');
    expect(readFileSync(join(out, 'urlseal.http.conf'), 'utf8')).toContain('log_format urlseal ');
    expect(server).toContain('location /_token/ {');
    expect(stderr).toMatch(/^urlseal build: nginx module → .*urlseal\.js; include .*urlseal\.http\.conf in http \{\} and .*urlseal\.server\.conf in your server \{\}/);
  });

  it('--access-log names the file (or off) the token-free log format goes to', async () => {
    for (const [flag, directive] of [['/srv/log/edge.log', 'access_log /srv/log/edge.log urlseal;'], ['off', 'access_log off;']] as const) {
      const out = join(dir, `nginx-log-${flag === 'off' ? 'off' : 'file'}`);
      const { code } = await urlsealHere(['build', 'nginx', '-k', jwtKeyring, '--out', out, '--origin', origin, '--location', '/videos/', '--access-log', flag]);
      expect(code).toBe(0);
      const server = readFileSync(join(out, 'urlseal.server.conf'), 'utf8');
      // The server block's log and each generated location's (which replaces any inherited one).
      expect(server.split(directive)).toHaveLength(5);
    }
  });

  it.each([
    [['build', 'nginx', '-k', jwtKeyring, '--origin', origin], /^urlseal build: missing --out DIR/],
    [['build', 'nginx', '-k', jwtKeyring, '--out', join(dir, 'n2')], /^urlseal build: missing --origin URL/],
    [['build', 'nginx', '-k', jwtKeyring, '--out', join(dir, 'n3'), '--origin', 'http://127.0.0.1:8080/path'], /^urlseal build: --origin must be http:\/\/ or https:\/\//],
    [['build', 'nginx', '-k', jwtKeyring, '--out', join(dir, 'n4'), '--origin', origin, '--kvs'], /^urlseal build: --kvs is for urlseal build cloudfront, not nginx\n$/],
    [['build', 'nginx', '-k', jwtKeyring, '--out', join(dir, 'n5'), '--origin', origin, '--location', 'videos'], /^urlseal build: --location must be a path prefix/],
    [['build', 'nginx', '-k', jwtKeyring, '--out', join(dir, 'n6'), '--origin', origin, '--access-log', 'logs/a.log'], /^urlseal build: --access-log must be "off" or an absolute file path/],
    [['build', 'cloudfront', '-k', jwtKeyring, '--access-log', '/tmp/a.log'], /^urlseal build: --access-log is for urlseal build nginx, not cloudfront\n$/],
  ])('bad input %j: one line on stderr, exit 2', expectUsageError);
});

describe('urlseal build worker', () => {
  it('prints the built keyring on stdout as one line, its counts on stderr', async () => {
    const { code, stdout, stderr } = await urlsealHere(['build', 'worker', '-k', mixedKeyring]);
    expect(code).toBe(0);
    const secret = (text: string) => Buffer.from(text).toString('base64url');
    expect(stdout).toBe(`urlseal-keyring/1 HS256:k1:${secret(JWT_SECRET)} st:${secret(ST_SECRET)}\n`);
    expect(stderr).toBe('urlseal build: worker keyring (1 JWT keys, 1 secure-token secrets)\n');
  });

  it('writes --out with mode 0600, also over an older build, and says how to store it', async () => {
    const out = join(dir, 'keyring.worker.txt');
    writeFileSync(out, 'old', { mode: 0o644 });
    const { code, stdout, stderr } = await urlsealHere(['build', 'worker', '-k', jwtKeyring, '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toMatch(/^urlseal-keyring\/1 HS256:k1:[A-Za-z0-9_-]+\n$/);
    expect(stderr).toBe(`urlseal build: worker keyring (1 JWT keys, 0 secure-token secrets) → ${out}; then npx wrangler secret put URLSEAL_KEYRING < ${out}\n`);
  });

  it.each([
    [['build', 'worker', '-k', jwtKeyring, '--scheme', 'jwt'], /^urlseal build: --scheme is for urlseal build cloudfront, not worker\n$/],
    [['build', 'worker', '-k', jwtKeyring, '--origin', 'http://127.0.0.1:8080'], /^urlseal build: --origin is for urlseal build nginx, not worker\n$/],
    [['build', 'worker', '-k', jwtKeyring, '--preset', 'cloudfront'], /^urlseal build: --preset is for urlseal build cloudfront and nginx, not worker\n$/],
    [['build', 'worker', '-k', keyringFile('short.json', { kids: { k1: 'short' } })], /^urlseal build: .*keyring\.kids\["k1"\]: secret is 5 bytes/],
  ])('bad input %j: one line on stderr, exit 2', expectUsageError);
});
