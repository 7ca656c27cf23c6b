import { requestTarget } from '../url.js';
import { UsageError } from './usage.js';

/** What the edge's checks read from one request, built from command-line input. */
export interface CliRequest {
  /** The raw request-target (`/path?query`), encoded as a browser would send it. */
  readonly target: string;
  /** A header value by lower-case name. */
  header(name: string): string | undefined;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** `--header 'Name: value'` lines as a lower-case map (repeats joined as a proxy would). */
function readHeaders(lines: readonly string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon < 1 || !HEADER_NAME.test(name)) throw new UsageError(`--header takes 'Name: value'`);
    const value = line.slice(colon + 1).trim();
    const prior = headers.get(name);
    headers.set(name, prior === undefined ? value : `${prior}${name === 'cookie' ? '; ' : ', '}${value}`);
  }
  return headers;
}

/**
 * The request a client sends for `url` with `headers`: the URL encoded as `urlseal sign`
 * encodes it (spaces and non-ASCII percent-encoded, `%XX` and dot segments kept as
 * written), so `verify` and `inspect` accept every URL `sign` accepts.
 */
export function cliRequest(url: string, command: string, headerLines: readonly string[]): CliRequest {
  let target: string;
  try {
    target = requestTarget(url, command);
  } catch {
    throw new UsageError('expected an http(s) URL or a path starting with "/"');
  }
  const headers = readHeaders(headerLines);
  return { target, header: (name) => headers.get(name) };
}
