// A stand-in for Azion's Edge Firewall runtime: packages/edge/dist/azion.js loaded into
// @edge-runtime/vm (an Edge runtime: Web APIs, WebCrypto without MD5), fed firewall events
// of Azion's shape: a Request with `metadata.remote_addr`, the function's JSON Args as
// `event.args`, and `continue`, `respondWith`, `deny`, `drop`, `waitUntil`,
// `addRequestHeader`. The request's url is the raw target as received (A23).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EdgeVM } from '@edge-runtime/vm';
import { headerLines, type HostileRequest } from './cases.js';
import { CLIENT_IP, NOW } from './helpers.js';
import { builtEdge } from '../interop/helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What the function did with one event: let it through, or answered it. */
export type FirewallOutcome = { continued: true; calls: string[] } | { continued: false; calls: string[]; response: Response };

type Listener = (event: unknown) => void;

/** A fresh Edge runtime with dist/azion.js loaded, and a way to send it firewall events. */
export async function loadAzion(): Promise<(request: HostileRequest, args: unknown, metadata?: Record<string, string>) => Promise<FirewallOutcome>> {
  // dist/azion.js as `npm run build` wrote it (built first only when not up to date).
  await builtEdge();
  const outfile = join(ROOT, 'packages/edge/dist/azion.js');
  const vm = new EdgeVM();
  vm.evaluate(`Date.now = () => ${NOW * 1000};`);
  vm.evaluate(readFileSync(outfile, 'utf8'));
  // The runtime's addEventListener keeps listeners by event type; Azion's delivers `firewall` events.
  const listeners = (vm.context as unknown as { __listeners: Record<string, Listener[] | undefined> }).__listeners;
  const firewall = listeners.firewall?.[0];
  if (firewall === undefined) throw new Error('dist/azion.js added no firewall listener');
  return async (request, args, metadata = {}) => {
    const calls: string[] = [];
    const waits: Promise<unknown>[] = [];
    let response: Response | undefined;
    // A Request of the runtime, whose url is the raw target as received (A23), plus metadata.
    const vmRequest = new vm.context.Request('http://edge.test/', { method: request.method, headers: headerLines(request) as [string, string][] });
    const url = /^[a-z]+:\/\//i.test(request.url) ? request.url : `http://edge.test${request.url}`;
    Object.defineProperty(vmRequest, 'url', { value: url });
    Object.defineProperty(vmRequest, 'metadata', { value: { remote_addr: CLIENT_IP, remote_port: '50000', server_protocol: 'HTTP/1.1', ...metadata } });
    firewall({
      request: vmRequest,
      args,
      continue: () => calls.push('continue'),
      deny: () => calls.push('deny'),
      drop: () => calls.push('drop'),
      respondWith: (answer: Response | Promise<Response>) => {
        calls.push('respondWith');
        void Promise.resolve(answer).then((value) => (response = value));
      },
      waitUntil: (promise: Promise<unknown>) => waits.push(promise),
      addRequestHeader: () => calls.push('addRequestHeader'),
      addResponseHeader: () => calls.push('addResponseHeader'),
    });
    await Promise.all(waits);
    await Promise.resolve();
    if (calls.length === 1 && calls[0] === 'continue') return { continued: true, calls };
    if (calls.length !== 1 || calls[0] !== 'respondWith' || response === undefined) throw new Error(`settled as ${calls.join(', ') || 'nothing'}`);
    return { continued: false, calls, response };
  };
}

