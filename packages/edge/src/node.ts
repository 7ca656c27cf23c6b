// The "node" export condition: the same API as index.ts, with node:crypto
// backends swapped in where they beat crypto.subtle's per-call overhead.
import { nodeCrypto } from './crypto/node.js';
import { createVerifierWith, type Verifier, type VerifierOptions } from './verify.js';

export * from './index.js';
export { nodeCrypto } from './crypto/node.js';

/**
 * Creates a verifier bound to the node:crypto backend (synchronous HMAC and
 * md5, `KeyObject`s made once). Same options and results as the Web build.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@urlseal/edge';
 * const verifier = createVerifier({ keyring: process.env.URLSEAL_KEYRING! });
 * const result = await verifier.verifyToken(jwt, '/videos/a.mp4');
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  return createVerifierWith(nodeCrypto, options);
}
