// The Worker module's URLSEAL_SEALED binding (issue 17): allow by default, require refuses a
// readable JWT, deny refuses a sealed token, an unknown mode answers 503 (never a looser mode).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner } from '@urlseal/sdk';
import worker from '../../src/runtimes/worker/worker.js';
import { KEYRING } from './helpers.js';

const signer = createSigner({ keyring: KEYRING });
let origin: Server;
let originUrl = '';
beforeAll(async () => {
  origin = createServer((_req, res) => res.end('media'));
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => origin.close(() => resolve())));

async function answers(sealed: string | undefined): Promise<string[]> {
  const env = { URLSEAL_KEYRING: KEYRING, URLSEAL_ORIGIN: originUrl, ...(sealed === undefined ? {} : { URLSEAL_SEALED: sealed }) };
  const out: string[] = [];
  for (const seal of [false, true]) {
    const res = await worker.fetch(new Request(`https://edge.example${signer.signUrl('/v/a.mp4', { seal })}`), env);
    out.push(`${res.status} ${res.headers.get('x-urlseal-error') ?? (await res.text())}`);
  }
  return out;
}

describe('Worker URLSEAL_SEALED', () => {
  it('allow by default, require, deny, and 503 for an unknown mode', async () => {
    expect(await answers(undefined)).toEqual(['200 media', '200 media']);
    expect(await answers('allow')).toEqual(['200 media', '200 media']);
    expect(await answers('require')).toEqual(['401 ERR_ALG_NOT_ALLOWED', '200 media']);
    expect(await answers('deny')).toEqual(['200 media', '401 ERR_ALG_NOT_ALLOWED']);
    expect(await answers('sometimes')).toEqual(['503 ERR_KEYRING_UNAVAILABLE', '503 ERR_KEYRING_UNAVAILABLE']);
  });
});
