/** The edge names its denial code in this header (SPEC §7). */
export const CODE_HEADER = 'x-urlseal-error';

/**
 * The edge's code from whatever a player keeps of a response: an
 * `XMLHttpRequest`, a fetch `Response`, or an object with a plain `headers`
 * record. Cross-origin, the edge must expose the header
 * (`Access-Control-Expose-Headers`); otherwise none.
 */
export function codeOf(details: unknown): string | undefined {
  const d = details as {
    getResponseHeader?: (name: string) => string | null;
    headers?: { get?: (name: string) => string | null } & Record<string, string>;
  } | null | undefined;
  return d?.getResponseHeader?.(CODE_HEADER) ?? d?.headers?.get?.(CODE_HEADER) ?? d?.headers?.[CODE_HEADER];
}
