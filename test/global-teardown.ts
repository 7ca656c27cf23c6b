// Hermetic runs: after the whole suite, no process a test started may be left. setup()
// marks the run in the environment every worker and every child inherits; the teardown
// looks for live processes carrying the mark (Linux /proc), stops them, and fails the run.
// The mark, not a name or a path, so runs in other checkouts at the same time are not touched.
import { readdirSync, readFileSync } from 'node:fs';

const MARK = 'URLSEAL_TEST_RUN';

function marked(run: string): Array<{ pid: number; args: string }> {
  const found: Array<{ pid: number; args: string }> = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${MARK}=${run}`)) continue;
      // vitest's own workers (children of this process) may still be exiting: they are not a test's.
      const ppid = Number(/^\d+ \(.*\) \S (\d+)/.exec(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.[1]);
      if (ppid === process.pid) continue;
      found.push({ pid, args: readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim() });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export function setup(): (() => Promise<void>) | undefined {
  let procfs = true;
  try {
    readdirSync('/proc/self');
  } catch {
    procfs = false;
  }
  if (!procfs) return undefined; // no /proc (not Linux): nothing to check with
  const run = `${process.pid}-${Date.now()}`;
  process.env[MARK] = run;
  return async () => {
    // A grandchild whose parent just exited (esbuild's service under a test worker that
    // used its API) is itself exiting: give the marked processes 3 s to go by themselves.
    // A server a test forgot keeps running and is still found.
    let left = marked(run);
    for (let waited = 0; left.length > 0 && waited < 3000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = marked(run);
    }
    for (const row of left) {
      try {
        process.kill(row.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    if (left.length === 0) return;
    // vitest reports an error thrown here but still exits 0: set the exit code as well.
    process.exitCode = 1;
    throw new Error(`the run left ${left.length} process(es) running (now stopped):\n${left.map((row) => `  ${row.pid} ${row.args.slice(0, 200)}`).join('\n')}`);
  };
}
