// examples/deno/main.ts run by Deno (npm `deno`, its Linux binary), with @urlseal/edge
// mapped to this repository's packages/edge/dist (as `deno.json` maps it to npm for users)
// and Date.now pinned by a test-only entry (the example has no clock option).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, startChild, waitForPort, type Child } from '../interop/helpers.js';
import { denoBinary } from '../interop/binaries.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A running example: its port, and how to stop it (and remove its files). */
export interface DenoEdge {
  port: number;
  child: Child;
  stop(): Promise<void>;
}

/** Starts examples/deno/main.ts on a free 127.0.0.1 port; `nowMs` pins the clock when given. */
export async function startDenoExample(env: { URLSEAL_KEYRING: string; URLSEAL_ORIGIN: string }, nowMs?: number): Promise<DenoEdge> {
  const dir = mkdtempSync(join(tmpdir(), 'urlseal-deno-'));
  writeFileSync(join(dir, 'import-map.json'), JSON.stringify({ imports: { '@urlseal/edge': pathToFileURL(join(ROOT, 'packages/edge/dist/web/index.js')).href } }));
  const main = pathToFileURL(join(ROOT, 'examples/deno/main.ts')).href;
  writeFileSync(join(dir, 'entry.ts'), `${nowMs === undefined ? '' : `Date.now = () => ${nowMs};\n`}await import(${JSON.stringify(main)});\n`);
  const port = await freePort();
  const child = startChild(
    denoBinary(),
    ['run', '--allow-net', '--allow-env', '--allow-read', '--no-prompt', '--import-map', join(dir, 'import-map.json'), join(dir, 'entry.ts')],
    { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(dir, 'deno-dir'), NO_COLOR: '1' } },
  );
  try {
    await waitForPort(port, 30_000, () => child.exited());
  } catch (error) {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    child,
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
