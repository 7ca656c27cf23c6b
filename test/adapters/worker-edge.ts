// dist/worker.js in workerd with one keyring and origin (and any other text bindings), for
// the adapter tables that add the Worker as a row (rsa, geo, cmcd).
import { rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { builtWorkerInto, freePort, startChild, waitForPort, workerdConfig, type Child } from '../interop/helpers.js';
import { workerdBinary } from '../interop/binaries.js';


/** Builds the Worker, writes its config into `dir` and starts workerd (the platform binary); `base` is its URL. */
export async function startWorkerEdge(
  dir: string,
  keyring: string,
  origin: string,
  env: Readonly<Record<string, string>> = {},
): Promise<{ base: string; workerd: Child }> {
  const modules = await builtWorkerInto(dir);
  writeFileSync(join(dir, 'keyring.txt'), keyring);
  writeFileSync(join(dir, 'origin.txt'), origin);
  const bindings: Record<string, string> = { URLSEAL_KEYRING: 'keyring.txt', URLSEAL_ORIGIN: 'origin.txt' };
  for (const [name, value] of Object.entries(env)) {
    writeFileSync(join(dir, `${name}.txt`), value);
    bindings[name] = `${name}.txt`;
  }
  const port = await freePort();
  writeFileSync(join(dir, 'config.capnp'), workerdConfig([{ name: 'edge', port, bindings }], modules));
  const workerd = startChild(workerdBinary(), ['serve', join(dir, 'config.capnp')], { cwd: dir });
  await waitForPort(port, 30_000, () => workerd.exited());
  return { base: `http://127.0.0.1:${port}`, workerd };
}

/** Listens on a free 127.0.0.1 port, remembering the server for {@link closeAll}; answers its base URL. */
export async function listen(servers: Server[], server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops workerd, closes every server and removes the folder. */
export async function closeAll(servers: Server[], workerd: Child | undefined, dir: string): Promise<void> {
  await workerd?.stop();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}
