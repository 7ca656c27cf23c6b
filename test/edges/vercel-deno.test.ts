// The Vercel middleware and the Deno server examples beyond the hostile table: what they do
// with an unusable keyring (the Worker's rule: 503 where a runtime cannot exit; a server
// that can, Deno, exits 2 with one line).
import { EdgeRuntime } from 'edge-runtime';
import { expect, it } from 'vitest';
import { startDenoExample } from '../hostile/deno-runtime.js';
import { bundleVercelMiddleware } from '../hostile/vercel-runtime.js';

it('Vercel middleware: an unusable keyring answers 503 ERR_KEYRING_UNAVAILABLE, never a pass', async () => {
  for (const keyring of ['{"kids":{"k1":"short"}}', 'not json']) {
    const code = await bundleVercelMiddleware({ URLSEAL_KEYRING: keyring, URLSEAL_ORIGIN: 'http://127.0.0.1:9' });
    const runtime = new EdgeRuntime({ initialCode: code });
    const response = await runtime.dispatchFetch('http://edge.test/videos/a.mp4');
    expect(response.status).toBe(503);
    expect(response.headers.get('x-urlseal-error')).toBe('ERR_KEYRING_UNAVAILABLE');
    expect(await response.text()).toBe('{"error":"ERR_KEYRING_UNAVAILABLE"}');
  }
});

it('Deno server: an unusable keyring stops it at start, exit 2 with one line naming the problem', async () => {
  await expect(startDenoExample({ URLSEAL_KEYRING: '{"kids":{"k1":"short"}}', URLSEAL_ORIGIN: 'http://127.0.0.1:9' })).rejects.toThrow(
    /exited \(2\): urlseal: keyring\.kids\["k1"\]: secret is 5 bytes; use at least 32 bytes/,
  );
}, 40_000);
