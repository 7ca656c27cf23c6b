import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSigner, createKeyring } from '@urlseal/sdk';
import { generateDemoKeyring, loadOrCreateKeyring, sealingKid, verifyOnly } from '../src/keyring.js';

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lms-keyring-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('demo keyring', () => {
  it('signs JWTs with Ed25519 and holds one HS256 kid for the sealed lesson, which seals', () => {
    const json = generateDemoKeyring();
    const kid = sealingKid(json);
    expect(kid).toMatch(/^demo-seal-\d{4}-\d{2}-\d{2}$/);
    expect(json.keys?.[0]?.alg).toBe('EdDSA');
    const signed = createSigner({ keyring: createKeyring({ ...json, active: kid }), seal: true }).sign('/videos/course-1/intro.mp4');
    expect(signed.scheme === 'jwt' && signed.token.split('.')).toHaveLength(5);
    // The edge's copy keeps the HS256 secret (it opens sealed links with it) and drops Ed25519's private part.
    const edge = verifyOnly(json);
    expect(edge.kids).toEqual(json.kids);
    expect(edge.keys?.[0]).not.toHaveProperty('d');
  });

  it('gives a keyring file from before the sealed lesson its HS256 kid, keeping every other key, mode 0600', () => {
    const file = join(scratch(), 'keyring.local.json');
    const { kids: _kids, ...old } = generateDemoKeyring();
    writeFileSync(file, JSON.stringify(old), { mode: 0o600 });
    const loaded = loadOrCreateKeyring(file, {});
    expect(loaded.source).toBe(`${file} (HS256 kid added for the sealed lesson)`);
    expect(sealingKid(loaded.json)).toMatch(/^demo-seal-/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(loaded.json);
    expect(loaded.json).toMatchObject(old);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Read again: unchanged.
    expect(loadOrCreateKeyring(file, {})).toEqual({ json: loaded.json, source: file });
  });

  it('finds an HS256 oct key too, and nothing in a keyring without one', () => {
    expect(sealingKid({ keys: [{ kty: 'oct', kid: 'k1', k: 'x' }] })).toBe('k1');
    expect(sealingKid({ keys: [{ kty: 'oct', kid: 'k1', alg: 'HS512', k: 'x' }] })).toBeUndefined();
    const { kids: _kids, ...edDsaOnly } = generateDemoKeyring();
    expect(sealingKid(edDsaOnly)).toBeUndefined();
  });
});
