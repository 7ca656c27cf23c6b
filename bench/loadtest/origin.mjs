// The origin behind `urlseal serve` in `npm run loadtest`: media on loopback, and a
// witness. It serves an MP4 (Range and HEAD), an HLS playlist and its segments, a
// large stream (for clients that abort), and a path that never answers (for the
// origin timeout). It counts every request that reaches it still carrying a token
// carrier, and the responses still in progress. `GET /__stats` (asked directly,
// never through the edge) reports them as JSON.
// Usage: node origin.mjs PORT
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const MP4 = Buffer.alloc(256 * 1024);
for (let i = 0; i < MP4.length; i++) MP4[i] = (i * 31 + 7) & 0xff;
const SEGMENT = Buffer.alloc(32 * 1024, 0x47);
const PLAYLIST = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg-0.ts\n#EXTINF:4,\nseg-1.ts\n#EXT-X-ENDLIST\n';
const BIG = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x55);
const CARRIER = /(?:^|[?&])(?:token|st|e)=/;

const stats = { requests: 0, withToken: 0, inProgress: 0, bigStarted: 0, slowStarted: 0 };

/** A request that still carries any token carrier (SPEC §7: the edge removes them all). */
function carriesToken(req) {
  const [path, query = ''] = (req.url ?? '').split('?');
  if (path.includes('/_token/')) return true;
  if (CARRIER.test(query)) return true;
  if (/^\s*bearer\b/i.test(req.headers.authorization ?? '')) return true;
  return /(?:^|;\s*)urlseal=/.test(req.headers.cookie ?? '');
}

function sendRange(req, res, body, type) {
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const headers = { 'content-type': type, 'accept-ranges': 'bytes' };
  if (range === null) {
    res.writeHead(200, { ...headers, 'content-length': body.length });
    return res.end(req.method === 'HEAD' ? undefined : body);
  }
  const start = Number(range[1]);
  const end = Math.min(range[2] === '' ? body.length - 1 : Number(range[2]), body.length - 1);
  if (start > end) {
    res.writeHead(416, { 'content-range': `bytes */${body.length}` });
    return res.end();
  }
  res.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${body.length}` });
  res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
}

function streamBig(res) {
  stats.bigStarted++;
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG });
  let sent = 0;
  const pump = () => {
    while (sent < BIG && !res.destroyed) {
      sent += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

const server = createServer((req, res) => {
  const path = (req.url ?? '').split('?')[0];
  if (path === '/__stats') {
    server.getConnections((_error, connections) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...stats, connections }));
    });
    return;
  }
  stats.requests++;
  if (carriesToken(req)) stats.withToken++;
  stats.inProgress++;
  res.once('close', () => stats.inProgress--);
  req.resume();
  if (path === '/media/a.mp4') return sendRange(req, res, MP4, 'video/mp4');
  if (path === '/media/hls/index.m3u8') return sendRange(req, res, Buffer.from(PLAYLIST), 'application/vnd.apple.mpegurl');
  if (/^\/media\/hls\/seg-\d\.ts$/.test(path)) return sendRange(req, res, SEGMENT, 'video/mp2t');
  if (path === '/media/big.bin') return streamBig(res);
  if (path === '/media/slow.mp4') {
    stats.slowStarted++;
    return; // never answers: the edge's --origin-timeout must end it
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
