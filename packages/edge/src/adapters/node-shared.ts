// Node helpers shared by the Express and node:http adapters: the request view the
// core checks, the client address, and writing a denial. Not public API.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { denialResponse } from '../node.js';
import type { DenialCode, RequestView } from '../node.js';

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
