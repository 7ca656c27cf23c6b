// Country rules (issue 19) through the adapters that have a country source: urlseal
// serve / createEdgeServer and Express (only with countryHeader), the Worker in workerd
// (CF-IPCountry, as Cloudflare sets it), the Azion firewall function
// (metadata.geoip_country_code) and nginx's njs module ($urlseal_country, here mapped from a
// header as behind a trusted proxy). Without a trusted source the same header is ignored
// and a token with a geo claim is denied.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlseal } from '@urlseal/edge/express';
import { createEdgeServer } from '@urlseal/edge/node-server';
import { loadAzion } from '../hostile/azion-runtime.js';
import { NOW } from '../hostile/helpers.js';
import { startNginx, type RunningNginx } from '../hostile/nginx-runtime.js';
import { hs256, type Child } from '../interop/helpers.js';
import { closeAll, listen as listenOn, startWorkerEdge } from './worker-edge.js';

const SECRET = 'geo-adapters-secret-0123456789abcdefghij';
const KEYRING = JSON.stringify({ kids: { g1: SECRET } });

/** A request with the viewer's country as this adapter learns it; `undefined`: none. */
type Get = (path: string, country: string | undefined) => Promise<{ status: number; code: string | null }>;
const adapters = new Map<string, Get>();
const servers: Server[] = [];
let workerd: Child | undefined;
const nginxes: RunningNginx[] = [];
let dir = '';

const listen = (server: Server): Promise<string> => listenOn(servers, server);
const overHeader = (base: string, header: string): Get => async (path, country) => {
  const answer = await fetch(`${base}${path}`, { headers: country === undefined ? {} : { [header]: country } });
  await answer.arrayBuffer();
  return { status: answer.status, code: answer.headers.get('x-urlseal-error') };
};

beforeAll(async () => {
  const origin = await listen(createServer((_req, res) => res.end('origin')));
  const header = 'CloudFront-Viewer-Country';
  adapters.set('urlseal serve (countryHeader)', overHeader(await listen(createEdgeServer({ origin, keyring: KEYRING, log: false, countryHeader: header })), header));
  const app = express();
  app.use(urlseal({ keyring: KEYRING, countryHeader: 'x-country' }), (_req, res) => void res.send('origin'));
  adapters.set('Express (countryHeader)', overHeader(await listen(createServer(app)), 'x-country'));

  const send = await loadAzion();
  adapters.set('Azion (metadata)', async (path, country) => {
    const outcome = await send({ method: 'GET', url: path, headers: {} }, { kids: { g1: SECRET } }, country === undefined ? {} : { geoip_country_code: country });
    return outcome.continued ? { status: 200, code: null } : { status: outcome.response.status, code: outcome.response.headers.get('x-urlseal-error') };
  });

  dir = mkdtempSync(join(tmpdir(), 'urlseal-geo-'));
  const worker = await startWorkerEdge(dir, KEYRING, origin);
  workerd = worker.workerd;
  adapters.set('Worker (CF-IPCountry)', overHeader(worker.base, 'cf-ipcountry'));

  // nginx: the operator's config fills $urlseal_country; here from a header a trusted proxy would set.
  const nginx = await startNginx({ keyring: KEYRING, origin }, undefined, 'map $http_x_viewer_country $urlseal_country { default $http_x_viewer_country; }');
  nginxes.push(nginx);
  adapters.set('nginx ($urlseal_country)', overHeader(`http://127.0.0.1:${nginx.port}`, 'x-viewer-country'));
}, 60_000);

afterAll(async () => {
  for (const nginx of nginxes) await nginx.stop();
  await closeAll(servers, workerd, dir);
});

// The Azion runtime's clock is pinned to NOW; the others run on the real clock.
const token = (geo: unknown, at: number) => hs256(SECRET, 'g1', { iat: at, exp: at + 300, path: '/v/*', geo });
const now = (name: string) => (name.startsWith('Azion') ? NOW : Math.floor(Date.now() / 1000));

describe.each(['urlseal serve (countryHeader)', 'Express (countryHeader)', 'Worker (CF-IPCountry)', 'Azion (metadata)', 'nginx ($urlseal_country)'])('%s: geo claims', (name) => {
  const get = (path: string, country: string | undefined) => adapters.get(name)!(path, country);

  it('allow: a listed country is granted, another or none is 403 ERR_GEO_MISMATCH', async () => {
    const t = token({ allow: ['BR', 'PT'] }, now(name));
    expect(await get(`/v/a.mp4?token=${t}`, 'BR')).toEqual({ status: 200, code: null });
    expect(await get(`/v/a.mp4?token=${t}`, 'US')).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
    expect(await get(`/v/a.mp4?token=${t}`, undefined)).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
    expect(await get(`/v/a.mp4?token=${t}`, 'XX')).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
  });

  it('block: a listed or unknown country is denied, another granted; a malformed rule is 401', async () => {
    const t = token({ block: ['US'] }, now(name));
    expect(await get(`/v/a.mp4?token=${t}`, 'BR')).toEqual({ status: 200, code: null });
    expect(await get(`/v/a.mp4?token=${t}`, 'US')).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
    expect(await get(`/v/a.mp4?token=${t}`, undefined)).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
    expect(await get(`/v/a.mp4?token=${token({ allow: ['br'] }, now(name))}`, 'BR')).toEqual({ status: 401, code: 'ERR_CLAIM_INVALID' });
  });
});

describe('without countryHeader, no header is a country source', () => {
  it('serve and Express deny a geo token even when a client sends the header', async () => {
    const origin = await listen(createServer((_req, res) => res.end('origin')));
    const serve = overHeader(await listen(createEdgeServer({ origin, keyring: KEYRING, log: false })), 'CloudFront-Viewer-Country');
    const app = express();
    app.use(urlseal({ keyring: KEYRING }), (_req, res) => void res.send('origin'));
    const viaExpress = overHeader(await listen(createServer(app)), 'CloudFront-Viewer-Country');
    const t = token({ allow: ['BR'] }, Math.floor(Date.now() / 1000));
    for (const get of [serve, viaExpress]) expect(await get(`/v/a.mp4?token=${t}`, 'BR')).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
  });

  it('nginx without $urlseal_country denies a geo token even when a client sends a country header, and grants one without geo', async () => {
    const origin = await listen(createServer((_req, res) => res.end('origin')));
    const nginx = await startNginx({ keyring: KEYRING, origin });
    nginxes.push(nginx);
    const get = overHeader(`http://127.0.0.1:${nginx.port}`, 'x-viewer-country');
    const at = Math.floor(Date.now() / 1000);
    expect(await get(`/v/a.mp4?token=${token({ allow: ['BR'] }, at)}`, 'BR')).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
    expect(await get(`/v/a.mp4?token=${token({ block: ['US'] }, at)}`, 'BR')).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
    expect(await get(`/v/a.mp4?token=${hs256(SECRET, 'g1', { iat: at, exp: at + 300, path: '/v/*' })}`, 'BR')).toEqual({ status: 200, code: null });
  });

  it('countryHeader must be a header name', () => {
    expect(() => createEdgeServer({ origin: 'http://127.0.0.1:1', keyring: KEYRING, countryHeader: 'bad header' })).toThrow(/option "countryHeader" must be a header name/);
    expect(() => urlseal({ keyring: KEYRING, countryHeader: '' })).toThrow(/option "countryHeader" must be a header name/);
  });
});
