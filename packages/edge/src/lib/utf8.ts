// UTF-8 helpers shared by path and token code. `fatal` makes invalid or
// overlong sequences and encoded surrogates an error instead of U+FFFD, and
// `ignoreBOM` keeps a leading BOM as data rather than silently dropping it.

// Pure: a bundle that never decodes (CloudFront Functions, which has no TextDecoder) drops them.
const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = /* @__PURE__ */ new TextEncoder();

/** Decodes strict UTF-8; `undefined` for invalid input. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Encodes a string as UTF-8. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}
