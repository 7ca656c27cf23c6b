// The peer of `urlseal serve` in `npm run bench`: a bare Node reverse proxy that does
// nothing but forward (keep-alive agent, streamed both ways). Usage: node bare-proxy.mjs PORT ORIGIN_PORT
import { Agent, createServer, request } from 'node:http';

const [port, originPort] = process.argv.slice(2).map(Number);
const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
createServer((req, res) => {
  const upstream = request({ agent, host: '127.0.0.1', port: originPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}).listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
