import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { extractToken, parseJwt, readTokenParams, redactTokens, tryCanonicalPath, type TokenParams } from '@urlseal/edge/contract';
import { checkGrant } from '../claims.js';
import { checkManifest, type ManifestKind } from '../manifest/check.js';
import { encodePath } from '../url.js';
import { listFlag, onePositional, parseCommand, stringFlag } from './args.js';
import { CHECK_MANIFEST_HELP } from './help.js';
import { choiceFlag, printLine } from './options.js';
import { UsageError } from './usage.js';

const FLAGS = {
  grant: { type: 'string', multiple: true },
  path: { type: 'string' },
  kind: { type: 'string' },
  'path-segment': { type: 'string' },
} as const;

/** At most this many manifests (a master and its playlists) per run, and this many bytes each. */
const MAX_MANIFESTS = 100;
const MAX_BYTES = 16 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

/** One manifest to check: where to read it and the path it is served at (decoded). */
interface Job {
  readonly path: string;
  readonly read: () => Promise<string>;
  /** How findings name it: the file, or the path (a URL would show the token). */
  readonly label: string;
}

/** A signed manifest URL: its token's carrier, so child playlists can be fetched the same way. */
interface Remote {
  readonly origin: string;
  readonly tokenPath: string;
  readonly query: string;
}

const tooBig = (label: string) => new UsageError(`${label} is over ${MAX_BYTES} bytes; is it a manifest?`);

/** UTF-8 text of chunks counted as they are read (never more than MAX_BYTES held). */
function decodeChunks(chunks: Uint8Array[]): string {
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** A regular file, read in chunks and stopped past MAX_BYTES (a growing file, /dev/zero or a FIFO never fills memory). */
async function readLocal(file: string): Promise<string> {
  // O_NONBLOCK: opening a FIFO does not wait for a writer; the stat below then refuses it.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new UsageError(`${file} is not a regular file`);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read({ buffer: Buffer.alloc(64 * 1024) });
      if (bytesRead === 0) return decodeChunks(chunks);
      total += bytesRead;
      if (total > MAX_BYTES) throw tooBig(file);
      chunks.push(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}

/** The answer's body, counted as it arrives: past MAX_BYTES the download is aborted, whatever Content-Length said. */
async function readRemote(url: string, label: string): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('no answer in 10 s', 'TimeoutError')), FETCH_TIMEOUT_MS);
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal, redirect: 'error' });
    } catch (error) {
      throw new UsageError(`cannot fetch ${label}: ${(error as Error).name === 'TimeoutError' ? 'no answer in 10 s' : (error as Error).message}`);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new UsageError(`cannot fetch ${label}: HTTP ${response.status}${response.headers.get('x-urlseal-error') ? ` ${response.headers.get('x-urlseal-error')}` : ''}`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_BYTES) {
      controller.abort();
      throw tooBig(label);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = (response.body ?? new ReadableStream<Uint8Array>()).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return decodeChunks(chunks);
        total += value.byteLength;
        if (total > MAX_BYTES) {
          // Cancelling the body hangs up the connection; an abort alone leaves a pooled
          // keep-alive socket open (seen with in-process runs: the server went on sending).
          await reader.cancel().catch(() => {});
          controller.abort();
          throw tooBig(label);
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`cannot fetch ${label}: ${(error as Error).name === 'TimeoutError' ? 'no answer in 10 s' : 'the answer broke off'}`);
    } finally {
      reader.releaseLock();
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * URIs as written may hold a token (an absolute URL signed elsewhere): never print one. The
 * edge's own reading finds it, on decoded names (`/%5Ftoken/<jwt>/`, `?%74oken=`).
 */
function redact(uri: string, params: TokenParams): string {
  return redactTokens(uri, params);
}

function grantFromToken(token: string | undefined): string[] {
  const path = token === undefined ? undefined : parseJwt(token)?.payload.path;
  if (typeof path === 'string') return [path];
  if (Array.isArray(path) && path.every((p) => typeof p === 'string')) return path as string[];
  return [];
}

/** The first job for a URL: its path without the token, and how to fetch the playlists below it. */
function remoteStart(input: string, params: TokenParams, grants: string[]): { job: Job; remote: Remote; grants: string[] } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UsageError('URL is not a valid absolute URL');
  }
  // The edge's own reading: the token (path segment or query) and the path it must grant.
  const found = extractToken(url.pathname + url.search, () => undefined, params);
  const path = found.path;
  if (path === undefined) throw new UsageError('the URL path is not canonical: the edge would deny it');
  const jwt = typeof found.source === 'object' && found.source.scheme === 'jwt' ? found.source : undefined;
  const token = jwt?.token;
  const tokenPath = jwt?.carrier === 'path' ? `/${params.pathSegment}/${jwt.token}` : '';
  const remote: Remote = { origin: url.origin, tokenPath, query: url.search };
  return {
    job: { path, label: path, read: () => readRemote(input, path) },
    remote,
    grants: grants.length > 0 ? grants : grantFromToken(token),
  };
}

function localStart(file: string, grants: string[], pathFlag: string | undefined): Job {
  let path = pathFlag;
  if (path === undefined) {
    const only = grants.length === 1 ? grants[0] : undefined;
    if (only === undefined || !only.endsWith('/*')) {
      throw new UsageError('--path is required (where the file is served, e.g. /videos/c1/hls/master.m3u8) unless the grant is one "/dir/*" prefix');
    }
    path = encodePath(only.slice(0, -1) + basename(file));
  }
  const decoded = tryCanonicalPath(path);
  if (decoded === undefined) throw new UsageError('--path must be a canonical path such as /videos/c1/hls/master.m3u8');
  return { path: decoded, label: file, read: () => readLocal(file) };
}

/** The job for a playlist a manifest names: the file beside it, or the same kind of signed URL. */
function childJob(parent: Job, child: string, local: string | undefined, remote: Remote | undefined): Job {
  if (remote !== undefined) {
    const url = remote.origin + remote.tokenPath + encodePath(child) + (remote.tokenPath === '' ? remote.query : '');
    return { path: child, label: child, read: () => readRemote(url, child) };
  }
  const file = join(dirname(local as string), posix.relative(posix.dirname(parent.path), child));
  return { path: child, label: file, read: () => readLocal(file) };
}

/** `urlseal check-manifest FILE|URL …`: one line per finding; exit 1 when there is any. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('check-manifest', args, FLAGS, CHECK_MANIFEST_HELP, 1);
  if (parsed === undefined) return 0;
  const input = onePositional(parsed, 'check-manifest', 'manifest FILE or URL');
  const kind = choiceFlag(stringFlag(parsed, 'kind'), '--kind', ['hls', 'dash'] as const satisfies readonly ManifestKind[]);
  // Checked as createSigner and the edge check it, before anything is built from it.
  const params = readTokenParams({ pathSegment: stringFlag(parsed, 'path-segment') }, 'checkManifest');
  const segment = params.pathSegment;
  let grants = listFlag(parsed, 'grant');
  const isUrl = /^https?:\/\//i.test(input);
  if (isUrl && stringFlag(parsed, 'path') !== undefined) throw new UsageError('--path is for a FILE; a URL carries its own path');

  let first: Job;
  let remote: Remote | undefined;
  if (isUrl) {
    ({ job: first, remote, grants } = remoteStart(input, params, grants));
    if (grants.length === 0) throw new UsageError('--grant is required: the URL carries no readable grant');
  } else {
    if (grants.length === 0) throw new UsageError('--grant is required: the pattern the token grants, e.g. --grant "/videos/c1/*"');
    grants = [...checkGrant(grants, 'checkManifest')];
    first = localStart(input, grants, stringFlag(parsed, 'path'));
  }

  const queue: Job[] = [first];
  const seen = new Set([first.path]);
  let ok = 0;
  let findings = 0;
  for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
    let text: string;
    try {
      text = await job.read();
    } catch (error) {
      if (job === first) throw error instanceof UsageError ? error : new UsageError(`cannot read ${job.label}: ${(error as Error).message}`);
      printLine(`${job.label}: cannot be read (${error instanceof UsageError ? error.message : (error as NodeJS.ErrnoException).code ?? 'error'}): a player would fail here too`);
      findings++;
      continue;
    }
    const result = checkManifest(text, { path: encodePath(job.path), grant: grants, pathSegment: segment, ...(job === first && kind ? { kind } : {}) });
    for (const finding of result.findings) printLine(`${job.label}: ${finding.where}: ${finding.problem}: ${redact(finding.uri, params)}`);
    ok += result.ok;
    findings += result.findings.length;
    for (const child of result.playlists) {
      if (seen.has(child) || seen.size >= MAX_MANIFESTS) continue;
      seen.add(child);
      queue.push(childJob(job, child, isUrl ? undefined : job.label, remote));
    }
  }
  const manifests = `${seen.size} manifest${seen.size === 1 ? '' : 's'}`;
  if (findings > 0) {
    printLine(`${findings} finding${findings === 1 ? '' : 's'} in ${manifests}`);
    return 1;
  }
  printLine(`ok: ${ok} references in ${manifests} inherit the path token and stay inside ${grants.join(' ')}`);
  return 0;
}
