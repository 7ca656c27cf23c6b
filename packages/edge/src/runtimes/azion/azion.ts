// Azion Edge Firewall function (Service-Worker syntax: only a firewall event
// listener can deny; a module-style firewall function cannot). Bundled by
// scripts/build-azion.js into dist/azion.js (Web APIs only).
//
// The keyring is the function's JSON Args (`event.args`): Azion's own JWT
// function args `{"kids": {…}}` work unchanged, `keys`, `secureToken` and
// `active` too. A thin adapter: the request becomes a RequestView, a grant is
// `event.continue()`, a denial `event.respondWith()` of the SPEC §7 answer
// (`event.deny()` would always be a bare 403).
//
// A firewall cannot change the request it lets through: the Edge
// Application's Rules Engine strips the carriers before the origin
// (docs/deploy/azion.md).
import { webCrypto } from '../../core/crypto/web.js';
import { decide, failClosed, type Decision, type MaybeAsync } from '../../core/decide.js';
import { prepareVerifier, type Prepared } from '../../core/prepare.js';
import { denialResponse } from '../../core/respond.js';
import { requestView } from '../../web/request.js';

/** The request of a firewall event: a Web Request with Azion's metadata. */
export interface AzionRequest extends Request {
  readonly metadata?: { readonly remote_addr?: string; readonly geoip_country_code?: string };
}

/**
 * A firewall event (azion's FirewallEvent, the members this function uses).
 */
export interface AzionFirewallEvent {
  readonly request: AzionRequest;
  /** The function instance's JSON Args: here, the keyring. */
  readonly args?: unknown;
  continue(): void;
  respondWith(response: Response | Promise<Response>): void;
  waitUntil(promise: Promise<unknown>): void;
}

// One verifier per args object: Azion hands the same object to every event of
// a function instance, so the keyring is validated and imported once, not per request.
let cache: { readonly args: unknown; readonly prepared: Prepared | undefined } | undefined;

/** The prepared verifier of the args, or `undefined` when they are no usable keyring (→ 503). */
function preparedFor(args: unknown): Prepared | undefined {
  if (cache === undefined || cache.args !== args) {
    let prepared: Prepared | undefined;
    try {
      prepared = args === undefined || args === null ? undefined : prepareVerifier(webCrypto, { keyring: args as object });
    } catch {
      prepared = undefined; // never echo the keyring error: it may name key material
    }
    cache = { args, prepared };
  }
  return cache.prepared;
}

/**
 * Decides one firewall event: `continue()` when granted, else `respondWith()`
 * the denial. Settles once, never throws: missing or invalid args answer 503
 * and never continue.
 */
export async function firewall(event: AzionFirewallEvent): Promise<void> {
  const prepared = preparedFor(event.args);
  if (prepared === undefined) {
    event.respondWith(denialResponse('ERR_KEYRING_UNAVAILABLE'));
    return;
  }
  let decision: MaybeAsync<Decision>;
  try {
    const request = event.request;
    decision = decide(prepared, requestView(request, { clientIp: request.metadata?.remote_addr, country: request.metadata?.geoip_country_code }));
  } catch (error) {
    decision = failClosed(prepared, error); // a request object whose getters throw
  }
  const answer = await decision;
  if (answer.ok) event.continue();
  else event.respondWith(denialResponse(answer.code, answer.status));
}
