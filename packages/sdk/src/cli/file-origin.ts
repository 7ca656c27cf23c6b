// The origin behind `urlseal serve --root DIR`: a small static-file server for GET and
// HEAD with Range, ETag and Last-Modified, streamed from disk. It listens on a free
// 127.0.0.1 port under a random 128-bit path prefix that only the edge in the same
// process knows, so the files are reachable through the edge and nowhere else.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { tryCanonicalPath } from '@urlseal/edge/contract';
import { pathWords } from './options.js';
import { UsageError } from './usage.js';

/** A running file origin. */
export interface FileOrigin {
  /** The base URL to hand the edge as its origin (holds the secret prefix; never log it). */
  readonly url: string;
  /** The folder served, as an absolute path with symlinks resolved. */
  readonly root: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.aac': 'audio/aac', '.css': 'text/css; charset=utf-8', '.gif': 'image/gif', '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8', '.ico': 'image/x-icon', '.jpeg': 'image/jpeg', '.jpg': 'image/jpeg',
  '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.m3u8': 'application/vnd.apple.mpegurl',
  '.m4a': 'audio/mp4', '.m4s': 'video/iso.segment', '.m4v': 'video/mp4', '.mp3': 'audio/mpeg', '.mp4': 'video/mp4',
  '.mpd': 'application/dash+xml', '.pdf': 'application/pdf', '.png': 'image/png', '.svg': 'image/svg+xml',
  '.ts': 'video/mp2t', '.txt': 'text/plain; charset=utf-8', '.vtt': 'text/vtt; charset=utf-8', '.wasm': 'application/wasm',
  '.webm': 'video/webm', '.webp': 'image/webp', '.woff2': 'font/woff2',
};

/** A byte range to send, inclusive, or the reason there is none. */
type RangeChoice = { start: number; end: number } | 'whole' | 'unsatisfiable';

/**
 * One `bytes=` range (RFC 9110 §14). Several ranges, another unit or a malformed header
 * are served whole, as the RFC allows; a range starting past the end is unsatisfiable.
 */
export function chooseRange(header: string | undefined, size: number): RangeChoice {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return 'whole';
  const [, first = '', last = ''] = match;
  if (first === '') {
    if (last === '') return 'whole';
    const suffix = Number(last);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return 'whole';
  return start >= size ? 'unsatisfiable' : { start, end };
}

function etagOf(info: Stats): string {
  return `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
}

/** Whether the client's cached copy is current (If-None-Match wins over If-Modified-Since). */
function notModified(req: IncomingMessage, etag: string, info: Stats): boolean {
  const match = req.headers['if-none-match'];
  if (match !== undefined) return match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && Math.floor(info.mtimeMs / 1000) * 1000 <= since;
}

/** Whether a Range still applies: no If-Range, or one naming this exact version. */
function rangeApplies(req: IncomingMessage, etag: string, lastModified: string): boolean {
  const ifRange = req.headers['if-range'];
  return ifRange === undefined || ifRange === etag || ifRange === lastModified;
}

function sendStatus(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers });
  res.end(status === 404 ? 'not found\n' : '');
}

/** The file a canonical request path names inside `root`, or undefined (hidden, missing, escaping). */
async function resolveFile(root: string, rawPath: string): Promise<{ file: string; info: Stats } | undefined> {
  const decoded = tryCanonicalPath(rawPath);
  // Dot files and folders (.git, .env, keyrings saved as .something) are never served.
  if (decoded === undefined || decoded.split('/').some((segment) => segment.startsWith('.'))) return undefined;
  try {
    const file = await realpath(join(root, decoded));
    if (!file.startsWith(root + sep)) return undefined; // a symlink out of the folder
    const info = await stat(file);
    return info.isFile() ? { file, info } : undefined;
  } catch {
    return undefined;
  }
}

async function serveFile(req: IncomingMessage, res: ServerResponse, file: string, info: Stats): Promise<void> {
  const etag = etagOf(info);
  const lastModified = new Date(info.mtimeMs).toUTCString();
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    // The type is the extension's: a browser must not guess another (an .m3u8 or .txt read as HTML).
    'x-content-type-options': 'nosniff',
    'accept-ranges': 'bytes',
    etag,
    'last-modified': lastModified,
  };
  if (notModified(req, etag, info)) return sendStatus(res, 304, headers);
  const range = rangeApplies(req, etag, lastModified) ? chooseRange(req.headers.range, info.size) : 'whole';
  if (range === 'unsatisfiable') return sendStatus(res, 416, { 'content-range': `bytes */${info.size}` });
  const { start, end } = range === 'whole' ? { start: 0, end: info.size - 1 } : range;
  if (range !== 'whole') headers['content-range'] = `bytes ${start}-${end}/${info.size}`;
  res.writeHead(range === 'whole' ? 200 : 206, { ...headers, 'content-length': String(Math.max(0, end - start + 1)) });
  if (req.method === 'HEAD' || info.size === 0) return void res.end();
  await pipeline(createReadStream(file, { start, end }), res);
}

/**
 * Starts the file origin for `dir` on a free 127.0.0.1 port. Throws a `TypeError` when
 * `dir` is not a readable directory.
 */
export async function startFileOrigin(dir: string): Promise<FileOrigin> {
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new UsageError(`--root ${pathWords(dir)} is not a readable directory`);
  }
  const secret = randomBytes(16).toString('hex');
  const prefix = Buffer.from(`/${secret}/`);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendStatus(res, 405, { allow: 'GET, HEAD' });
    const path = (req.url ?? '/').split('?')[0] as string;
    const head = Buffer.from(path.slice(0, prefix.length));
    if (head.length !== prefix.length || !timingSafeEqual(head, prefix)) return sendStatus(res, 404);
    void resolveFile(root, path.slice(prefix.length - 1))
      .then((found) => (found === undefined ? sendStatus(res, 404) : serveFile(req, res, found.file, found.info)))
      .catch(() => res.destroy()); // a read that fails mid-body: the client sees a cut, never a short file
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/${secret}`,
    root,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
