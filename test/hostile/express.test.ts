// The hostile table over real HTTP through the Express middleware (Express 5): the
// handler after `urlseal()` plays the origin and records what reached it.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll } from 'vitest';
import { urlseal } from '@urlseal/edge/express';
import type { SeenByOrigin } from './assertions.js';
import { KEYRING_JSON } from './cases.js';
import { NOW_DATE } from './helpers.js';
import { flat, hostileTableOverHttp, originAnswer } from './http.js';

let server: Server;
let port = 0;
const seen: SeenByOrigin[] = [];

beforeAll(async () => {
  const app = express();
  app.use(urlseal({ keyring: KEYRING_JSON, currentDate: () => NOW_DATE }));
  app.use((req, res) => {
    seen.push({ method: req.method, target: req.url, headers: flat(req.headers) });
    const answer = originAnswer(req.method, req.headers.range);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

hostileTableOverHttp('hostile table over HTTP (Express middleware)', { port: () => port, seen });
