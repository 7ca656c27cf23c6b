import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { createKeyring, describeNotAPath, MAX_KEYRING_BYTES, UrlsealError, type Keyring } from '@urlseal/edge/contract';

/**
 * Name of the environment variable holding keyring JSON text.
 *
 * @example
 * ```ts
 * import { KEYRING_ENV, generateKeyring } from '@urlseal/sdk';
 * process.env[KEYRING_ENV] = JSON.stringify(generateKeyring({ kid: '2026-11', alg: 'HS256' }));
 * ```
 */
export const KEYRING_ENV = 'URLSEAL_KEYRING';

const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

/** `ENOENT` and friends in words, the code kept for searching. */
export function errnoWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
  const words = ERRNO_WORDS[code];
  return words === undefined ? code : `${words}, ${code}`;
}

/** The keyring's own problem, prefixed with where it came from (a file path, env URLSEAL_KEYRING). */
function fromSource(source: string, text: string): Keyring {
  try {
    return createKeyring(text);
  } catch (error) {
    if (error instanceof UrlsealError) throw new UrlsealError(error.code, `loadKeyring: ${source}: ${error.message}`);
    throw error;
  }
}

/**
 * A keyring file's text: a regular file only (a FIFO or device would block the
 * read), at most the keyring bound. Throws `ERR_KEYRING_INVALID` naming the file.
 */
function readKeyringFile(file: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new UrlsealError('ERR_KEYRING_INVALID', `loadKeyring: cannot read keyring file ${file} (${errnoWords(error)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      const what = stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a FIFO' : 'not a regular file';
      throw new UrlsealError('ERR_KEYRING_INVALID', `loadKeyring: keyring file ${file} is ${what}; give the path of the keyring JSON file`);
    }
    if (stat.size > MAX_KEYRING_BYTES) throw new UrlsealError('ERR_KEYRING_INVALID', `loadKeyring: keyring file ${file} is larger than ${MAX_KEYRING_BYTES} bytes`);
    if (stat.size === 0) throw new UrlsealError('ERR_KEYRING_INVALID', `loadKeyring: keyring file ${file} is empty; write the keyring JSON into it (urlseal keygen -k FILE makes one)`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } catch (error) {
    if (error instanceof UrlsealError) throw error;
    throw new UrlsealError('ERR_KEYRING_INVALID', `loadKeyring: cannot read keyring file ${file} (${errnoWords(error)})`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Why `value`, given as a keyring file path (`loadKeyring(path)`, `-k`), is
 * plainly not one, in one line that describes it and never echoes it; or
 * `undefined` when it may be a path.
 */
export function notAPathMessage(value: string, where = 'the keyring file'): string | undefined {
  const looks = describeNotAPath(value);
  if (looks === undefined || existsSync(value)) return undefined; // a file by that name is a path after all
  return `the value given as ${where} looks like ${looks}, not a file path: pass a path, or set ${KEYRING_ENV} to the keyring JSON`;
}

/**
 * Loads and validates a keyring from a file path or, when `file` is omitted, from the
 * JSON text in env `URLSEAL_KEYRING`. Throws `UrlsealError` (`ERR_KEYRING_INVALID`)
 * with a one-line message naming the source (the file, or the env variable) and the
 * problem (for JSON, the line and column); it never holds the keyring's content.
 *
 * @example
 * ```ts
 * import { loadKeyring } from '@urlseal/sdk';
 * const keyring = loadKeyring('./keyring.local.json');
 * const fromEnv = loadKeyring(); // reads process.env.URLSEAL_KEYRING
 * ```
 */
export function loadKeyring(file?: string, env: Readonly<Record<string, string | undefined>> = process.env): Keyring {
  if (file === undefined) {
    const text = env[KEYRING_ENV];
    if (text === undefined || text.trim() === '') {
      throw new UrlsealError('ERR_KEYRING_INVALID', `loadKeyring: no file given and env ${KEYRING_ENV} is not set; pass a keyring file path or set ${KEYRING_ENV} to the keyring JSON`);
    }
    if (!text.trimStart().startsWith('{')) {
      const looks = describeNotAPath(text);
      const what = looks === undefined ? 'what looks like a file path' : looks;
      throw new UrlsealError(
        'ERR_KEYRING_INVALID',
        `loadKeyring: env ${KEYRING_ENV} holds ${what}, not keyring JSON: set it to the file's content (${KEYRING_ENV}="$(cat keyring.json)"), or pass the path as the keyring file (-k FILE)`,
      );
    }
    return fromSource(`env ${KEYRING_ENV}`, text);
  }
  if (typeof file !== 'string' || file === '') throw new TypeError('loadKeyring: file must be a path to a keyring JSON file');
  const notAPath = notAPathMessage(file);
  if (notAPath !== undefined) throw new UrlsealError('ERR_KEYRING_INVALID', `loadKeyring: ${notAPath}`);
  return fromSource(`keyring file ${file}`, readKeyringFile(file));
}
