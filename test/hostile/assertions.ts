// Shared assertions of the hostile suite: what every denial must look like (SPEC §7) and
// what the origin may never receive (no token carrier, SPEC §7 "On success …").
import { expect } from 'vitest';
import type { Expectation } from './cases.js';

export interface SeenByOrigin {
  method: string;
  /** The request target as the origin saw it (path + query). */
  target: string;
  headers: Record<string, string>;
}

export interface EdgeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  method: string;
}

const TOKEN_PARAMS = ['token', 'st', 'e'];

/** Splits a target into its path and its query parameters (decoded, in order). */
export function splitTarget(target: string): { path: string; params: [string, string][] } {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  return { path, params: [...new URLSearchParams(query)] };
}

/** The origin never receives a token carrier, nor any minted token/claim text. */
export function assertNoCarrier(seen: SeenByOrigin, secrets: readonly string[]): void {
  const { path, params } = splitTarget(seen.target);
  for (const [name] of params) expect(TOKEN_PARAMS, `origin got query param ${name}`).not.toContain(name);
  expect(path.startsWith('/_token/'), 'origin got a /_token/ path').toBe(false);
  const auth = seen.headers['authorization'] ?? '';
  expect(/(^|,)\s*bearer\b/i.test(auth), 'origin got a Bearer Authorization').toBe(false);
  const cookie = seen.headers['cookie'] ?? '';
  expect(/(^|;)\s*urlseal=/.test(cookie), 'origin got the urlseal cookie').toBe(false);
  const everything = seen.target + '\n' + Object.entries(seen.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
  for (const s of secrets) {
    if (s.length >= 16) expect(everything.includes(s), 'origin request holds a minted token').toBe(false);
  }
}

/** For a granted case with `forward`: the origin got exactly that path, and those params. */
export function assertForward(seen: SeenByOrigin, forward: string): void {
  const want = splitTarget(forward);
  const got = splitTarget(seen.target);
  expect(got.path).toBe(want.path);
  const sort = (p: [string, string][]) => p.map(([k, v]) => `${k}=${v}`).sort();
  expect(sort(got.params)).toEqual(sort(want.params));
}

/** Every denial (SPEC §7): status, code header, JSON body, no-store, WWW-Authenticate on 401, no echo. */
export function assertDenial(answer: EdgeAnswer, want: Expectation, secrets: readonly string[]): void {
  const code = want.code!;
  expect({ status: answer.status, code: answer.headers['x-urlseal-error'] ?? null }).toEqual({ status: want.status, code });
  expect(answer.headers['cache-control'] ?? '').toMatch(/(^|,)\s*no-store\s*(,|$)/);
  expect(answer.headers['content-type'] ?? '').toMatch(/^application\/json\b/);
  if (answer.method !== 'HEAD') expect(JSON.parse(answer.body)).toEqual({ error: code });
  if (answer.method !== 'HEAD') expect(answer.body).toBe(`{"error":"${code}"}`);
  if (answer.status === 401) {
    const www = answer.headers['www-authenticate'];
    expect(www, 'WWW-Authenticate on 401').toBeDefined();
    expect(www!).toMatch(/^Bearer\b/);
    if (code === 'ERR_TOKEN_MISSING') expect(www!).not.toMatch(/error=/);
    else expect(www!).toMatch(/error="invalid_token"/);
  }
  const echo = answer.body + '\n' + Object.values(answer.headers).join('\n');
  for (const s of secrets) {
    expect(echo.includes(s), `denial echoes ${s.length > 40 ? s.slice(0, 40) + '…' : s}`).toBe(false);
  }
}
