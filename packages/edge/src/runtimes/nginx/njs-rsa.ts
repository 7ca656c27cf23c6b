// RS256 and PS256 in nginx's njs (issue 19; docs/spec.md §9 "RSA keys and JWK Sets"). njs
// 0.7.9's WebCrypto imports an RSA public key as `spki`, not as a JWK: `urlseal build nginx`
// converts each RSA JWK (n, e) to SPKI DER in Node and the built config carries it
// (`rsaKeys`). Each key is imported at most once per module run; a token is then verified
// with the alg the keyring fixed for its kid (decide.ts has already checked the header's
// alg and the signature's length). On the JavaScript floor (scripts/floor.js): promises
// are chained.
import { hasOwn } from '../../lib/own.js';
import type { KeySource, PreparedKey } from '../../core/prepare.js';
import { bytes, type BuiltConfig } from '../../core/crypto/module.js';
import { unavailable, type SubtleModule } from './njs-sealed.js';

/** WebCrypto's scheme for each alg, and its salt length: PS256 is MGF1-SHA-256 with a 32-byte salt (RFC 7518 §3.5). */
export const RSA_SCHEMES: Readonly<Record<string, readonly [string, number]>> = { RS256: ['RSASSA-PKCS1-v1_5', 0], PS256: ['RSA-PSS', 32] };

/** One RSA kid: RSASSA-PKCS1-v1_5 or RSA-PSS (SHA-256) over njs's WebCrypto. */
function rsaKey(subtle: SubtleModule | undefined, alg: string, spki: string, signatureLength: number): PreparedKey {
  const scheme = RSA_SCHEMES[alg] as readonly [string, number];
  let key: Promise<unknown> | undefined;
  return {
    alg: alg as PreparedKey['alg'],
    signatureLength,
    check: (signingInput, signature) => {
      if (subtle === undefined) unavailable();
      // Imported at the kid's first token, then reused: njs 0.7.9 runs the module afresh for
      // every request, so a key imported up front would cost every request every key.
      // 'name' quoted: the floor bundles rename internal properties called name (scripts/floor.js), not quoted ones.
      key = key || subtle.importKey('spki', bytes(spki), { 'name': scheme[0], hash: 'SHA-256' }, false, ['verify']);
      return key.then((cryptoKey) => subtle.verify({ 'name': scheme[0], saltLength: scheme[1] }, cryptoKey, bytes(signature), Buffer.from(signingInput)), unavailable);
    },
  };
}

/**
 * `keys` with a verifying key on every RSA kid the built config holds an SPKI for
 * (`rsaKeys`); other kids as they are. Without `subtle` an RSA kid answers 503
 * ERR_KEYRING_UNAVAILABLE (fail closed), never a grant.
 */
export function withRsaKeys(keys: KeySource, config: BuiltConfig, subtle: SubtleModule | undefined): KeySource {
  const rsaKeys = config.rsaKeys;
  if (rsaKeys === undefined) return keys;
  const table: Record<string, PreparedKey> = Object.create(null);
  rsaKeys.forEach((entry) => {
    if (hasOwn(RSA_SCHEMES, entry[3])) table[entry[0]] = rsaKey(subtle, entry[3], entry[1], entry[2]);
  });
  return { get: (kid) => (hasOwn(table, kid) ? table[kid] : keys.get(kid)) };
}
