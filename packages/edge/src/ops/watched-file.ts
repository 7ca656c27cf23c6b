// A file an edge re-reads whenever it changes (the keyring file, the revocation file):
// regular files only, opened non-blocking (a FIFO is refused, never waited on), bounded
// in bytes actually read, every re-read off the event loop and bounded in time (a hung
// mount), one at a time; a watch on the directory (a file renamed over it, the atomic way
// to replace it, is seen) with a stat poll as fallback. Node only.
import { closeSync, constants, fstatSync, openSync, readSync, watch, type FSWatcher, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/** What one read found: the text, or why there is none; and the file's version when known. */
export type FileRead = ({ readonly text: string } | { readonly result: 'invalid' | 'unavailable'; readonly reason: string }) & { readonly signature?: string };

/** How a file is read and watched. */
export interface WatchedFileOptions {
  /** At most this many bytes (more is `invalid` with `tooLarge`). */
  readonly maxBytes: number;
  /** The `invalid` reason for a file over the bound. */
  readonly tooLarge: string;
  /** What the file holds, for the reason a special file is refused (`a keyring`). */
  readonly holds: string;
  /** Milliseconds between stat checks; 0 turns polling off. */
  readonly pollInterval: number;
  /** Milliseconds one re-read may take before it counts as unavailable. */
  readonly readTimeout: number;
}

/** A watched file: re-read on change, on `reload()`, never after `close()`. */
export interface WatchedFile<R> {
  /** Reads after it is asked (one under way may predate the change) and settles what it found. */
  reload(): Promise<R>;
  close(): void;
}

/** A file's identity and version; changes when it is rewritten or replaced. */
function statSignature(stat: Stats): string {
  return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer (it is refused once open).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Why a file that opened is not one to read, or `undefined` for a regular file within the bound. */
function fileProblem(file: string, stat: Stats, options: WatchedFileOptions): FileRead | undefined {
  const signature = statSignature(stat);
  if (!stat.isFile()) {
    const what = stat.isFIFO() ? 'a FIFO' : stat.isDirectory() ? 'a directory' : stat.isSocket() ? 'a socket' : 'a device or other special file';
    return { result: 'unavailable', reason: `${file} is ${what}, not a regular file; ${options.holds} is read from regular files only`, signature };
  }
  if (stat.size > options.maxBytes) return { result: 'invalid', reason: options.tooLarge, signature };
  return undefined;
}

function unreadable(file: string, error: unknown): FileRead {
  const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
  return { result: 'unavailable', reason: `cannot read ${file} (${code})`, signature: `missing:${code}` };
}

/** What was read: the bound is on the bytes read (one more than it is asked for), not on what stat said. */
function readResult(buffer: Buffer, size: number, stat: Stats, options: WatchedFileOptions): FileRead {
  if (size > options.maxBytes) return { result: 'invalid', reason: options.tooLarge, signature: statSignature(stat) };
  return { text: buffer.toString('utf8', 0, size), signature: statSignature(stat) };
}

/** Reads synchronously (the first read): regular files only, at most the bound plus one byte. */
function readNow(file: string, options: WatchedFileOptions): FileRead {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    return unreadable(file, error);
  }
  try {
    const stat = fstatSync(fd);
    const problem = fileProblem(file, stat, options);
    if (problem !== undefined) return problem;
    const buffer = Buffer.alloc(stat.size + 1); // one byte more: a file that grew since fstat is seen
    let size = 0;
    for (let n = 1; n > 0 && size < buffer.length; size += n) n = readSync(fd, buffer, size, buffer.length - size, size);
    return readResult(buffer, size, stat, options);
  } catch (error) {
    return unreadable(file, error);
  } finally {
    closeSync(fd);
  }
}

/** The same read off the event loop (the thread pool), for every re-read. */
async function readLater(file: string, options: WatchedFileOptions): Promise<FileRead> {
  let handle: FileHandle;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (error) {
    return unreadable(file, error);
  }
  try {
    const stat = await handle.stat();
    const problem = fileProblem(file, stat, options);
    if (problem !== undefined) return problem;
    const buffer = Buffer.alloc(Math.min(stat.size, options.maxBytes) + 1);
    let size = 0;
    for (let n = 1; n > 0 && size < buffer.length; size += n) n = (await handle.read(buffer, size, buffer.length - size, size)).bytesRead;
    return readResult(buffer, size, stat, options);
  } catch (error) {
    return unreadable(file, error);
  } finally {
    await handle.close().catch(() => {});
  }
}

/**
 * Reads `file` now, synchronously (so its owner knows at once; a FIFO is refused without
 * blocking), hands what it found to `settle`, and again after every change, off the event
 * loop. `idle` answers a read that ends after `close()`.
 */
export function watchFile<R>(file: string, options: WatchedFileOptions, settle: (found: FileRead) => R, idle: () => R): WatchedFile<R> {
  let seen = '';
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let closed = false;
  let reading: Promise<R> | undefined;
  let checking = false;
  // A read or stat that outlived its time bound (a hung mount) still holds a thread of the
  // pool: no other starts until it returns, so a stuck file system can take one thread only.
  let stuck = false;

  const take = (found: FileRead): R => {
    if (found.signature !== undefined) seen = found.signature;
    return settle(found);
  };

  /** Re-reads off the event loop, bounded in time; one read at a time (a reload joins it). */
  function reread(): Promise<R> {
    if (reading !== undefined) return reading;
    if (stuck) return Promise.resolve(take({ result: 'unavailable', reason: `the last read of ${file} has not returned after ${options.readTimeout} ms (a hung mount?)` }));
    let timer: NodeJS.Timeout | undefined;
    const work = readLater(file, options);
    const late = new Promise<FileRead>((resolve) => {
      timer = setTimeout(() => {
        stuck = true;
        void work.finally(() => (stuck = false));
        resolve({ result: 'unavailable', reason: `no answer reading ${file} within ${options.readTimeout} ms (a hung mount?)` });
      }, options.readTimeout);
      timer.unref();
    });
    reading = Promise.race([work, late])
      .then((found) => (closed ? idle() : take(found)))
      .finally(() => {
        clearTimeout(timer);
        reading = undefined;
      });
    return reading;
  }

  /** Reads only when the file looks different from the last read (stat off the event loop, one at a time). */
  function check(): void {
    if (closed || checking || stuck || reading !== undefined) return;
    checking = true;
    stat(file)
      .then(
        (now) => statSignature(now),
        (error: NodeJS.ErrnoException) => `missing:${error.code ?? ''}`,
      )
      .then((now) => {
        checking = false;
        if (!closed && now !== seen) void reread();
      });
  }

  take(readNow(file, options));
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
      // A burst of events (write, rename) settles before one read.
      if (name !== null && name !== basename(file)) return;
      clearTimeout(debounce);
      debounce = setTimeout(check, 25);
      debounce.unref();
    });
    watcher.on('error', () => {
      watcher?.close(); // e.g. the directory went away: the poll carries on
      watcher = undefined;
    });
  } catch {
    watcher = undefined; // no watch on this file system: the poll carries on
  }
  const poll = options.pollInterval > 0 ? setInterval(check, options.pollInterval) : undefined;
  poll?.unref();

  return {
    reload: () => (closed ? Promise.resolve(idle()) : reading === undefined ? reread() : reading.then(reread)),
    close() {
      closed = true;
      watcher?.close();
      clearTimeout(debounce);
      clearInterval(poll);
    },
  };
}
