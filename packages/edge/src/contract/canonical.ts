// The throwing form of tryCanonicalPath, for signers (a non-canonical URL is a
// TypeError-like misuse there, never a request to deny). Apart from path.ts so
// the request path's checks carry no error class onto the JavaScript floor.
import { UrlsealError } from './errors.js';
import { tryCanonicalPath } from './path.js';

/**
 * Decodes a raw (percent-encoded) request path and checks it is canonical
 * (SPEC §2). Throws `UrlsealError` with code `ERR_PATH_NONCANONICAL` otherwise.
 *
 * @example
 * ```ts
 * import { canonicalPath } from '@urlseal/edge/contract';
 * canonicalPath('/cursos/aula-%C3%A7%C3%A3o/v%C3%ADdeo.mp4'); // '/cursos/aula-ção/vídeo.mp4'
 * canonicalPath('/a//b'); // throws UrlsealError (ERR_PATH_NONCANONICAL)
 * ```
 */
export function canonicalPath(rawPath: string): string {
  const decoded = tryCanonicalPath(rawPath);
  if (decoded === undefined) {
    throw new UrlsealError(
      'ERR_PATH_NONCANONICAL',
      'path is not canonical: it must start with "/", be valid percent-encoded UTF-8, and hold no empty, "." or ".." segment, ";", "\\", control character, or %2F/%5C/%25',
    );
  }
  return decoded;
}

