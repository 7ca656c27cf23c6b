// The "node" export condition: the same API as index.ts, with createVerifier
// bound to the node:crypto backend (synchronous HMAC, md5 and signatures, so
// `decide` answers without a promise).
import { nodeCrypto } from '../../ops/node-crypto.js';
import type { VerifierOptions } from '../../core/options.js';
import { createVerifierWith, type Verifier } from '../../web/verifier.js';

export * from '../../web/index.js';

/**
 * Creates a verifier bound to the node:crypto backend (synchronous HMAC and
 * md5, `KeyObject`s made once). Same options and results as the Web build.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@urlseal/edge';
 * declare const jwt: string;
 * const verifier = createVerifier({ keyring: process.env.URLSEAL_KEYRING! });
 * const result = await verifier.verifyToken(jwt, '/videos/a.mp4');
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  return createVerifierWith(nodeCrypto, options);
}
