// Peers of `urlseal serve` in `npm run bench` (issue 15): the reverse proxies Node teams
// reach for, forwarding everything with keep-alive to the same origin.
// Usage: node peer-proxy.mjs http-proxy|fastify PORT ORIGIN_PORT
import { Agent, createServer } from 'node:http';

const [kind, port, originPort] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const target = `http://127.0.0.1:${originPort}`;
const ready = () => process.stdout.write('listening\n');

if (kind === 'http-proxy') {
  const { default: httpProxy } = await import('http-proxy');
  const proxy = httpProxy.createProxyServer({ target, agent: new Agent({ keepAlive: true, scheduling: 'lifo' }) });
  proxy.on('error', (_error, _req, res) => res.destroy());
  createServer((req, res) => proxy.web(req, res)).listen(port, '127.0.0.1', ready);
} else if (kind === 'fastify') {
  const { default: Fastify } = await import('fastify');
  const { default: proxy } = await import('@fastify/http-proxy');
  const app = Fastify({ logger: false });
  await app.register(proxy, { upstream: target });
  await app.listen({ port, host: '127.0.0.1' });
  ready();
} else {
  throw new Error('usage: node peer-proxy.mjs http-proxy|fastify PORT ORIGIN_PORT');
}
