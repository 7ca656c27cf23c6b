// Node helpers shared by the Express and node:http adapters: the request view the
// core checks, the client address, and writing a denial. Not public API.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_MANIFEST_BYTES } from '../handle.js';
import { denialResponse, rewriteManifest } from '../node.js';
import type { DenialCode, ManifestRewrite, RequestView } from '../node.js';

/** The client address: the socket peer, or the first `X-Forwarded-For` hop when the proxy is trusted. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string | undefined {
  let ip: string | undefined;
  if (trustProxy) {
    const xff = req.headers['x-forwarded-for'];
    ip = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim() || undefined;
  }
  ip ??= req.socket.remoteAddress;
  return ip?.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** What the core checks: method, the RAW request-target (never a WHATWG-parsed URL), headers, client. */
export function requestView(req: IncomingMessage, target: string, trustProxy: boolean): RequestView {
  return {
    method: req.method ?? 'GET',
    target,
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(name === 'cookie' ? '; ' : ', ') : v;
    },
    clientIp: clientIp(req, trustProxy),
  };
}

/** Writes the SPEC §7 denial (status, headers, JSON body) built by the core. */
export async function sendDenial(res: ServerResponse, code: DenialCode, status?: number): Promise<void> {
  const denial = denialResponse(code, status);
  const body = await denial.text();
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = denial.status;
  denial.headers.forEach((value, name) => res.setHeader(name, value));
  res.end(body);
}

/**
 * Buffers what a downstream handler writes and, when it is a whole 200 body of at most
 * 8 MiB, sends it through `rewriteManifest` (SPEC §7: URIs inside the grant carry the
 * query token). Anything else passes through unchanged.
 */
export function rewriteManifestOnEnd(res: ServerResponse, rewrite: ManifestRewrite): void {
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
  let chunks: Buffer[] | undefined = [];
  let size = 0;
  const collect = (chunk: unknown, encoding: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buf = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, (typeof encoding === 'string' ? encoding : 'utf8') as BufferEncoding) : Buffer.from(chunk as Uint8Array);
    chunks?.push(buf);
    size += buf.length;
  };
  const restore = (): Buffer => {
    res.write = write as typeof res.write;
    res.end = end as typeof res.end;
    const body = Buffer.concat(chunks ?? []);
    chunks = undefined;
    return body;
  };
  res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    collect(chunk, encoding);
    if (size > MAX_MANIFEST_BYTES) return write(restore());
    if (typeof cb === 'function') process.nextTick(cb as () => void);
    else if (typeof encoding === 'function') process.nextTick(encoding as () => void);
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
    collect(chunk, encoding);
    const done = [chunk, encoding, cb].find((a) => typeof a === 'function');
    let body = restore();
    if (res.statusCode === 200 && !res.headersSent) {
      try {
        body = Buffer.from(rewriteManifest(body.toString('utf8'), rewrite));
        res.setHeader('content-length', body.length);
        res.setHeader('cache-control', 'no-store'); // the body now holds a bearer token
      } catch {
        // an unparsable base URL: the manifest goes out as the origin wrote it (it holds no token)
      }
    }
    return end(body, done);
  }) as typeof res.end;
}
