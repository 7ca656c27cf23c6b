import { createVerifier } from '@urlseal/edge';
import type { Keyring } from '@urlseal/edge/contract';
import type { CliRequest } from './request.js';

/** What `urlseal verify` prints: the SPEC §8 shape. */
export interface Verdict {
  readonly ok: boolean;
  readonly status: number;
  readonly code: string | null;
  readonly claims: unknown;
}

/**
 * Runs the edge's own decision (a GET, SPEC §6–7) on one request. The only place the CLI
 * calls the verifier, so a change of the verifier's API touches this function alone.
 */
export async function decide(keyring: Keyring, now: number | undefined, request: CliRequest, clientIp: string | undefined, country?: string): Promise<Verdict> {
  const verifier = createVerifier({ keyring, ...(now === undefined ? {} : { currentDate: new Date(now * 1000) }) });
  const result = await verifier.decide({ method: 'GET', target: request.target, header: request.header, clientIp, country });
  return result.ok
    ? { ok: true, status: 200, code: null, claims: result.claims }
    : { ok: false, status: result.status, code: result.code, claims: null };
}
