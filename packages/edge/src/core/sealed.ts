// Sealed tokens (issue 17; docs/spec.md §9 "Sealed tokens"): a compact JWE,
// `{"alg":"dir","enc":"A256GCM","kid"}`, whose plaintext is the claims JSON a
// JWS would carry. Five segments tell it from a JWS in any carrier. The checks
// keep SPEC §7's order: shape → kid and alg → decryption (the signature step:
// any failure is ERR_SIGNATURE_INVALID) → every claim rule of §4, exactly as
// for a JWS. On the JavaScript floor (scripts/floor.js).
import { ERR_ALG_NOT_ALLOWED, ERR_KID_UNKNOWN, ERR_SIGNATURE_INVALID, ERR_TOKEN_MALFORMED } from '../contract/codes.js';
import { afterSignature, checkJwt, deny, isThenable, type Checked, type Client, type MaybeAsync } from './decide.js';
import { MAX_TOKEN_BYTES, decodeJsonObject, type TextDecoderFn } from '../contract/jwt.js';
import { isCanonicalBase64url } from '../lib/base64url.js';
import { DETAILS } from '../lib/flags.js';
import { hasOwn } from '../lib/own.js';
import type { ParsedSealed, Prepared, PreparedKey, SealedMode, SealedPolicy } from './types.js';

export type { ParsedSealed, SealedMode, SealedPolicy } from './types.js';
import { isSealedToken } from '../contract/seal-format.js';

/** base64url lengths of a 96-bit IV and a 128-bit tag. */
const IV_CHARS = 16;
const TAG_CHARS = 22;
const HEADER_CACHE_SIZE = 32;

/**
 * Makes the strict sealed-token parser: at most 4096 bytes, exactly five
 * segments, the second (encrypted key) empty, the others canonical unpadded
 * base64url, the header a JSON object without `crit`, `zip` or `b64`.
 * `undefined` means ERR_TOKEN_MALFORMED. Remembers up to 32 headers by their
 * text (tokens of one kid share one).
 */
export function createSealedParser(decode: TextDecoderFn): (token: string) => ParsedSealed | undefined {
  const segments: string[] = [];
  const headers: Readonly<Record<string, unknown>>[] = [];
  const readHeader = (segment: string): Readonly<Record<string, unknown>> | undefined => {
    for (let i = 0; i < segments.length; i++) if (segments[i] === segment) return headers[i];
    const header = decodeJsonObject(segment, decode);
    // `crit` and `b64` as for a JWS; `zip` (compressed plaintext) is not implemented either.
    if (header === undefined || hasOwn(header, 'crit') || hasOwn(header, 'zip') || hasOwn(header, 'b64')) return undefined;
    Object.freeze(header);
    if (segments.length >= HEADER_CACHE_SIZE) {
      segments.length = 0;
      headers.length = 0;
    }
    segments.push(segment);
    headers.push(header);
    return header;
  };
  return (token) => {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_BYTES || !isSealedToken(token)) return undefined;
    const first = token.indexOf('.');
    // `dir` has no encrypted key: its segment is empty.
    if (token.charCodeAt(first + 1) !== 0x2e) return undefined;
    const third = token.indexOf('.', first + 2);
    const fourth = token.indexOf('.', third + 1);
    const iv = token.slice(first + 2, third);
    const ciphertext = token.slice(third + 1, fourth);
    const tag = token.slice(fourth + 1);
    if (!isCanonicalBase64url(iv) || !isCanonicalBase64url(ciphertext) || !isCanonicalBase64url(tag)) return undefined;
    const aad = token.slice(0, first);
    const header = readHeader(aad);
    return header === undefined ? undefined : { header, aad, iv, ciphertext, tag };
  };
}

/**
 * The `jwt` scheme's check on a verifier that reads sealed tokens: a
 * five-segment token is opened as a sealed token, any other is a JWS
 * (`checkJwt`), each as `p.sealed.mode` allows. Without `p.sealed` it is
 * `checkJwt`.
 */
export function checkToken(p: Prepared, token: string, path: string, client: Client): MaybeAsync<Checked> {
  const sealed = p.sealed;
  if (sealed === undefined) return checkJwt(p, token, path, client);
  if (!isSealedToken(token)) {
    if (sealed.mode !== 'require') return checkJwt(p, token, path, client);
    // A malformed token stays malformed; a well-formed JWS is refused as an algorithm.
    return p.parseJwt(token) === undefined
      ? deny(p, ERR_TOKEN_MALFORMED, DETAILS && 'jws')
      : deny(p, ERR_ALG_NOT_ALLOWED, DETAILS && 'sealed token required');
  }
  const parsed = sealed.parse(token);
  if (parsed === undefined) return deny(p, ERR_TOKEN_MALFORMED, DETAILS && 'jwe');
  if (sealed.mode === 'deny') return deny(p, ERR_ALG_NOT_ALLOWED, DETAILS && 'sealed tokens denied');
  const header = parsed.header;
  if (header.alg !== 'dir' || header.enc !== 'A256GCM') return deny(p, ERR_ALG_NOT_ALLOWED, DETAILS && 'alg');
  const kid = header.kid;
  if (typeof kid !== 'string') return deny(p, ERR_KID_UNKNOWN, DETAILS && 'kid');
  const key = p.keys.get(kid);
  return isThenable(key)
    ? key.then((settled) => withSealKey(p, parsed, settled, path, client))
    : withSealKey(p, parsed, key, path, client);
}

function withSealKey(p: Prepared, parsed: ParsedSealed, key: PreparedKey | undefined, path: string, client: Client): MaybeAsync<Checked> {
  if (key === undefined) return deny(p, ERR_KID_UNKNOWN, DETAILS && 'kid');
  // Only an HS256 kid seals; this runtime or this key may have no content key.
  const unseal = key.unseal;
  if (unseal === undefined || (p.algorithms !== undefined && !p.algorithms.has(key.alg))) {
    return deny(p, ERR_ALG_NOT_ALLOWED, DETAILS && 'kid cannot seal');
  }
  // A 96-bit IV and a 128-bit tag, else it cannot open: a failed decryption.
  if (parsed.iv.length !== IV_CHARS || parsed.tag.length !== TAG_CHARS) return deny(p, ERR_SIGNATURE_INVALID, DETAILS && 'iv/tag length');
  const text = unseal(parsed.aad, parsed.iv, parsed.ciphertext, parsed.tag);
  return isThenable(text) ? text.then((settled) => opened(p, settled, path, client)) : opened(p, text, path, client);
}

function opened(p: Prepared, text: string | undefined, path: string, client: Client): Checked {
  if (text === undefined) return deny(p, ERR_SIGNATURE_INVALID, DETAILS && 'sealed');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = undefined;
  }
  // Authentic but not a claims object: the key holder sealed something else.
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return deny(p, ERR_TOKEN_MALFORMED, DETAILS && 'sealed claims');
  return afterSignature(p, true, payload as Record<string, unknown>, path, client);
}

/**
 * The `jwt` scheme's check for an edge without AES (CloudFront Functions): a
 * five-segment token answers ERR_ALG_NOT_ALLOWED with detail "sealed tokens
 * need AES" (clearer than the JWS parser's ERR_TOKEN_MALFORMED), every other
 * token is `checkJwt`'s. No parser and no decryption ship with it.
 */
export function checkJwtWithoutAes(p: Prepared, token: string, path: string, client: Client): MaybeAsync<Checked> {
  // Five segments as isSealedToken counts them; split is shorter in the 10 KB these edges have (the
  // token is bounded by the runtime's URL and header limits), the loop stays where speed counts.
  return token.split('.').length === 5 ? deny(p, ERR_ALG_NOT_ALLOWED, DETAILS && 'sealed tokens need AES') : checkJwt(p, token, path, client);
}
