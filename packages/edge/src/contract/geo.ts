// Country rules (SPEC v1.2 "Country", docs/spec.md §9 "Country rules (issue 19)"):
// the `geo` claim `{"allow": [...]}` or `{"block": [...]}` of ISO 3166-1 alpha-2
// codes, checked against the country the runtime reports for the viewer. Written
// for the JavaScript floor (no Set, for-of or spread), though only the full
// edges import it.

/** Whether the viewer's country (as the runtime reported it) satisfies a token's `geo` claim. */
export type GeoCheck = (country: string | undefined) => boolean;

/**
 * Most countries one `geo` list may name (ISO 3166-1 has 249).
 *
 * @example
 * ```ts
 * import { MAX_GEO_COUNTRIES } from '@urlseal/edge/contract';
 * declare const countries: string[];
 * if (countries.length > MAX_GEO_COUNTRIES) throw new Error('too many countries for one link');
 * ```
 */
export const MAX_GEO_COUNTRIES = 300;

const CODE = /^[A-Z]{2}$/;

/**
 * A runtime's country value as a code, or `undefined` when unknown: two ASCII
 * letters (any case, surrounding spaces ignored), never `XX` (Cloudflare's "no
 * country").
 *
 * @example
 * ```ts
 * import { readCountry } from '@urlseal/edge/contract';
 * readCountry('br'); // 'BR'
 * readCountry('XX'); // undefined
 * ```
 */
export function readCountry(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.trim().toUpperCase();
  return CODE.test(code) && code !== 'XX' ? code : undefined;
}

/**
 * Whether a value is a well-formed `geo` claim (what the signer may put in a token).
 *
 * @example
 * ```ts
 * import { isGeoClaim } from '@urlseal/edge/contract';
 * isGeoClaim({ allow: ['BR', 'PT'] }); // true
 * isGeoClaim({ allow: ['br'] }); // false: upper case only
 * ```
 */
export function isGeoClaim(claim: unknown): boolean {
  return geoClaim(claim) !== undefined;
}

/**
 * The `geo` claim as a check, or `undefined` when it is malformed
 * (`ERR_CLAIM_INVALID`): an object with exactly one member, `allow` or
 * `block`, holding 1 to 300 distinct upper-case alpha-2 codes. An unknown
 * country fails both kinds of rule.
 */
export function geoClaim(claim: unknown): GeoCheck | undefined {
  // Written short: the CloudFront function pays for these lines per byte of its 10 KB.
  // Object(): null and primitives have no names; an array's are indexes, never allow/block.
  const names = Object.keys(Object(claim));
  const kind = names.length === 1 ? names[0] : undefined;
  if (kind !== 'allow' && kind !== 'block') return undefined;
  const list: unknown = (claim as Record<string, unknown>)[kind];
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_GEO_COUNTRIES) return undefined;
  for (let i = 0; i < list.length; i++) {
    const code: unknown = list[i];
    // typeof first: RegExp#test would read ["BR"] as "BR".
    if (typeof code !== 'string' || !CODE.test(code) || list.indexOf(code) !== i) return undefined;
  }
  return (country) => {
    const code = readCountry(country);
    return code !== undefined && (list.indexOf(code) >= 0) === (kind === 'allow');
  };
}
