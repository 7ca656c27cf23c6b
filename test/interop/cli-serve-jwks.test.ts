// `urlseal serve` with an identity provider's JWK Set as its keyring (issue 19): the keys it
// cannot use are named on stderr at start, one line each, for a file and for env alike.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { startChild, waitForOutput } from './helpers.js';

const BIN = fileURLToPath(new URL('../../packages/sdk/bin/urlseal.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'urlseal-cli-jwks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pub = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
const JWKS = JSON.stringify({ keys: [{ ...pub, kid: 'r1', alg: 'RS256', use: 'sig' }, { ...pub, kid: 'enc1', alg: 'RSA-OAEP', use: 'enc' }] });

it.each(['file', 'env'])('names each skipped key once on stderr at start (keyring from %s)', async (from) => {
  const file = join(dir, `jwks-${from}.json`);
  writeFileSync(file, JWKS, { mode: 0o600 });
  const args = [BIN, 'serve', '--origin', 'http://127.0.0.1:9', '--port', '0', ...(from === 'file' ? ['--keyring', file] : [])];
  const edge = startChild(process.execPath, args, { env: { ...process.env, URLSEAL_KEYRING: from === 'env' ? JWKS : '' } });
  try {
    await waitForOutput(edge, 'urlseal edge listening on', 20_000);
    const skipped = edge.stderr().split('\n').filter((line) => line.includes('"skipped"'));
    expect(skipped).toHaveLength(1);
    expect(JSON.parse(skipped[0] as string)).toMatchObject({ event: 'keyring', result: 'skipped', reason: 'keyring.keys[1] (kid "enc1"): skipped, its "use" is not "sig" (an encryption key)' });
    expect(edge.stderr()).not.toContain(String(pub.n).slice(0, 20));
  } finally {
    await edge.stop();
  }
}, 30_000);
