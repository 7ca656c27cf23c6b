// examples/cloudflare-worker: what `wrangler deploy` reads is consistent with the Worker
// (test/interop/workerd.test.ts and test/hostile/worker.test.ts run its bundle in workerd).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const EXAMPLE = fileURLToPath(new URL('../../examples/cloudflare-worker/', import.meta.url));

it('wrangler.toml names the entry, the origin as a var, and never the keyring', () => {
  const toml = readFileSync(`${EXAMPLE}wrangler.toml`, 'utf8');
  const main = /^main = "([^"]+)"$/m.exec(toml)?.[1];
  expect(main).toBe('src/index.js');
  expect(existsSync(`${EXAMPLE}${main}`)).toBe(true);
  expect(toml).toMatch(/^compatibility_date = "\d{4}-\d\d-\d\d"$/m);
  const vars = toml.slice(toml.indexOf('[vars]'));
  expect(vars).toMatch(/^URLSEAL_ORIGIN = "https:\/\/[^"]+"$/m);
  expect(toml).not.toMatch(/^URLSEAL_KEYRING\s*=/m);
  expect(readFileSync(`${EXAMPLE}README.md`, 'utf8')).toContain('npx wrangler secret put URLSEAL_KEYRING < keyring.json');
});
