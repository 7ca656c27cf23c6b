// URI references by RFC 3986, strictly: the character set of §2, the split of
// Appendix B, and reference resolution of §5.2. A lenient parser (a WHATWG
// URL) repairs input such as `http:evil.example/x` into another host; here a
// reference either is a URI reference or is left alone.

/** The five components of a URI reference; `undefined` means the component is absent. */
export interface UriParts {
  readonly scheme: string | undefined;
  readonly authority: string | undefined;
  readonly path: string;
  readonly query: string | undefined;
  readonly fragment: string | undefined;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x66);
}

/**
 * Whether every character may stand in a URI reference (RFC 3986 §2:
 * unreserved, reserved, `%` + two hex digits). Whitespace, controls, quotes
 * (`"`, and `'` too, to be safe in any quoting), `<>\^`{|}` and non-ASCII are not.
 */
export function isUriText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x25) {
      if (!isHex(text.charCodeAt(i + 1)) || !isHex(text.charCodeAt(i + 2))) return false;
      i += 2;
      continue;
    }
    const ok =
      (code >= 0x61 && code <= 0x7a) || // a-z
      (code >= 0x40 && code <= 0x5a) || // @ A-Z
      (code >= 0x23 && code <= 0x26) || // # $ % &
      (code >= 0x28 && code <= 0x3b) || // ( ) * + , - . / 0-9 : ;
      code === 0x21 || code === 0x3d || code === 0x3f || code === 0x5b || code === 0x5d || code === 0x5f || code === 0x7e;
    if (!ok) return false;
  }
  return true;
}

/** Splits a URI reference (RFC 3986 Appendix B); `undefined` if it is not one. */
export function parseUriReference(text: string): UriParts | undefined {
  if (!isUriText(text)) return undefined;
  let rest = text;
  let fragment: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
    if (fragment.includes('#')) return undefined;
  }
  let query: string | undefined;
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let scheme: string | undefined;
  const colon = rest.indexOf(':');
  const slash = rest.indexOf('/');
  if (colon >= 0 && (slash < 0 || colon < slash)) {
    scheme = rest.slice(0, colon);
    // A first segment with ':' that is not a scheme is not a relative reference either (§4.2).
    if (!SCHEME.test(scheme)) return undefined;
    rest = rest.slice(colon + 1);
  }
  let authority: string | undefined;
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
  }
  return { scheme, authority, path: rest, query, fragment };
}

/** RFC 3986 §5.2.4. */
export function removeDotSegments(path: string): string {
  let input = path;
  const output: string[] = [];
  while (input.length > 0) {
    if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../')) {
      input = input.slice(3);
      output.pop();
    } else if (input === '/..') {
      input = '/';
      output.pop();
    } else if (input === '.' || input === '..') input = '';
    else {
      const next = input.indexOf('/', input.startsWith('/') ? 1 : 0);
      const segment = next < 0 ? input : input.slice(0, next);
      output.push(segment);
      input = next < 0 ? '' : input.slice(next);
    }
  }
  return output.join('');
}

/** RFC 3986 §5.2.3. */
function mergePaths(base: UriParts, path: string): string {
  if (base.authority !== undefined && base.path === '') return `/${path}`;
  const slash = base.path.lastIndexOf('/');
  return slash < 0 ? path : base.path.slice(0, slash + 1) + path;
}

/** Resolves a reference against an absolute base URI (RFC 3986 §5.2.2, strict). */
export function resolveReference(base: UriParts, ref: UriParts): UriParts {
  if (ref.scheme !== undefined) {
    return { scheme: ref.scheme, authority: ref.authority, path: removeDotSegments(ref.path), query: ref.query, fragment: ref.fragment };
  }
  if (ref.authority !== undefined) {
    return { scheme: base.scheme, authority: ref.authority, path: removeDotSegments(ref.path), query: ref.query, fragment: ref.fragment };
  }
  if (ref.path === '') {
    return { scheme: base.scheme, authority: base.authority, path: base.path, query: ref.query ?? base.query, fragment: ref.fragment };
  }
  const path = ref.path.startsWith('/') ? removeDotSegments(ref.path) : removeDotSegments(mergePaths(base, ref.path));
  return { scheme: base.scheme, authority: base.authority, path, query: ref.query, fragment: ref.fragment };
}
