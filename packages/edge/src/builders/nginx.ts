// Builds urlseal for nginx in Node: an njs module (dist/nginx.js wrapped with
// the keyring, validated here once) and the two config snippets that wire it:
// `js_content` on the protected locations, and a named location that proxies
// the granted request to the origin without any token carrier.
// `urlseal build nginx` is this plus reading flags and writing the files.
import { createPublicKey, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NGINX_ORIGIN_LOCATION } from '../runtimes/nginx/nginx.js';
import type { BuiltConfig } from '../core/crypto/module.js';
import { SEAL_KDF_INFO, SEAL_KEY_BYTES } from '../contract/seal-format.js';
import { builtConfig, type BuildOptions } from './config.js';

/**
 * What {@link buildNginxModule} takes: the verifier's options, the origin to
 * proxy granted requests to, the protected location, and the folder the
 * module will live in (nginx's `js_path`).
 *
 * @example
 * ```ts
 * import type { NginxBuildOptions } from '@urlseal/edge/build';
 * const options: NginxBuildOptions = {
 *   keyring: process.env.URLSEAL_KEYRING!, origin: 'http://127.0.0.1:8080', location: '/videos/', dir: '/etc/nginx/urlseal',
 * };
 * ```
 */
export interface NginxBuildOptions extends BuildOptions {
  /** The origin's base URL: `http://` or `https://`, host and optional port, no path. */
  origin: string;
  /** The location prefix whose requests are verified (default `/`); `/_token/…` paths always are. */
  location?: string | undefined;
  /** The absolute folder that will hold `urlseal.js` (nginx's `js_path`). */
  dir: string;
  /**
   * The access log of the server block, written in the token-free `urlseal` format: an
   * absolute file path (default `/var/log/nginx/access.log`) or `off`.
   */
  accessLog?: string | undefined;
}

/**
 * The built files: `urlseal.js` (the njs module; it holds the secrets),
 * `urlseal.http.conf` (for the `http {}` block) and `urlseal.server.conf` (for
 * a `server {}` block), and notes on what the module answers differently from
 * the keyring (keys it cannot verify).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { buildNginxModule, type NginxModule } from '@urlseal/edge/build';
 * const dir = '/etc/nginx/urlseal';
 * const built: NginxModule = buildNginxModule({ keyring: process.env.URLSEAL_KEYRING!, origin: 'http://127.0.0.1:8080', dir });
 * for (const [name, text] of Object.entries(built.files)) writeFileSync(`${dir}/${name}`, text, { mode: 0o600 });
 * ```
 */
export interface NginxModule {
  readonly files: { readonly 'urlseal.js': string; readonly 'urlseal.http.conf': string; readonly 'urlseal.server.conf': string };
  readonly notes: readonly string[];
}

// From src/build or dist/build, the package root is two folders up.
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function fail(problem: string): never {
  throw new TypeError(`buildNginxModule: ${problem}`);
}

/** `http(s)://host[:port]` → its parts; anything else is refused with the fix. */
function readOrigin(origin: unknown): { scheme: 'http' | 'https'; host: string; hostHeader: string; server: string } {
  const parts = typeof origin === 'string' ? /^(https?):\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?\/?$/.exec(origin) : null;
  if (parts === null) fail('option "origin" must be http:// or https://, a host and an optional port, without a path (e.g. http://127.0.0.1:8080)');
  const scheme = parts[1] as 'http' | 'https';
  const host = parts[2] as string;
  const port = parts[3];
  return { scheme, host, hostHeader: port === undefined ? host : `${host}:${port}`, server: `${host}:${port ?? (scheme === 'https' ? '443' : '80')}` };
}

/**
 * Validates the keyring and options once (as `createVerifier` does) and
 * writes the njs module and the nginx config that verify with them: both
 * schemes, every claim; HS256 keys and secure-token secrets inlined, RSA keys
 * (RS256, PS256) converted to SPKI for njs's WebCrypto; other kids (HS384/512,
 * ES256, EdDSA) answer 401 ERR_ALG_NOT_ALLOWED.
 *
 * @example
 * ```ts
 * import { buildNginxModule } from '@urlseal/edge/build';
 * const { files } = buildNginxModule({ keyring: process.env.URLSEAL_KEYRING!, origin: 'http://127.0.0.1:8080', dir: '/etc/nginx/urlseal' });
 * ```
 */
export function buildNginxModule(options: NginxBuildOptions): NginxModule {
  const { origin, location: locationOption, dir, accessLog: accessLogOption, ...rest } = options;
  const accessLog = accessLogOption ?? '/var/log/nginx/access.log';
  if (typeof accessLog !== 'string' || (accessLog !== 'off' && (!accessLog.startsWith('/') || /["'\s;{}$]/.test(accessLog)))) {
    fail('option "accessLog" must be "off" or an absolute file path without quotes, spaces, "$", ";" or braces');
  }
  const logDirective = accessLog === 'off' ? 'access_log off;' : `access_log ${accessLog} urlseal;`;
  const target = readOrigin(origin);
  const location = locationOption ?? '/';
  if (!/^\/[A-Za-z0-9._~\/-]*$/.test(location)) fail('option "location" must be a path prefix of URL-safe characters, starting with "/" (e.g. /videos/)');
  if (typeof dir !== 'string' || !dir.startsWith('/') || /["'\s;{}]/.test(dir)) fail('the folder (dir) must be an absolute path without quotes, spaces, ";" or braces');
  const { config, keyring, notes } = builtConfig('buildNginxModule', rest, { jwt: true, secureToken: true, runtime: 'nginx (njs)', rsa: true });
  // RS256/PS256: njs's WebCrypto imports RSA public keys as SPKI only, so each JWK (n, e) is converted here, once.
  const rsaKeys: [string, string, number, string][] = [];
  for (const entry of keyring?.keys.values() ?? []) {
    if (entry.rsa === undefined) continue;
    const spki = createPublicKey({ key: { kty: 'RSA', n: entry.rsa.n, e: entry.rsa.e }, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    rsaKeys.push([entry.kid, spki.toString('base64url'), entry.rsa.n.length, entry.alg]);
  }
  if (config.keys?.every((key) => key.length < 3) && rsaKeys.length === 0 && (config.secureToken?.length ?? 0) === 0) {
    fail('nginx (njs) verifies HS256, RS256 and PS256 JWTs and secure-token, and this keyring holds none of them; add a kids secret (urlseal keygen), an RSA public key or a secureToken secret');
  }
  // Sealed tokens: each HS256 kid's content key, derived here once (docs/spec.md §9), opened by njs's WebCrypto.
  const sealKeys = (config.keys ?? [])
    .filter((key) => key.length === 3)
    .map((key) => [key[0] as string, Buffer.from(hkdfSync('sha256', Buffer.from(key[2] as string, 'base64url'), Buffer.alloc(0), SEAL_KDF_INFO, SEAL_KEY_BYTES)).toString('base64url')]);
  const withSeal: BuiltConfig = { ...config, ...(sealKeys.length === 0 ? {} : { sealKeys }), ...(rsaKeys.length === 0 ? {} : { rsaKeys }) };
  const bundle = readFileSync(`${PACKAGE_ROOT}dist/nginx.js`, 'utf8').trim();
  const module = `// urlseal for nginx (njs): generated by urlseal build nginx. It holds the secrets: keep it 0600.
${bundle}
var config = ${JSON.stringify(withSeal satisfies BuiltConfig)};
var handle = urlsealNginx(config, require('crypto'), typeof crypto === 'object' ? crypto.subtle : undefined);
var logTarget = urlsealNginxLogTarget(config);
export default { handle, logTarget };
`;
  const http = `# urlseal (generated by urlseal build nginx): include in the http {} block.
# Needs ngx_http_js_module (Debian: apt-get install libnginx-mod-http-js).
js_path "${dir}";
js_import urlseal from urlseal.js;
# What a granted request takes to the origin: the target and the headers without any carrier.
js_var $urlseal_target;
js_var $urlseal_authorization;
js_var $urlseal_cookie;
# The access log never holds a token: nginx's combined format writes the request line
# (?token=…, /_token/<jwt>/…) and the Referer whole. This one writes the request-target with
# every token replaced by "-" (urlseal.logTarget), and no Referer.
# The handler sets $urlseal_logged_target itself (it survives the internal redirect to the
# origin); requests it never sees (outside the location, refused by nginx) use urlseal.logTarget.
js_var $urlseal_logged_target;
js_set $urlseal_log_fallback urlseal.logTarget;
map $urlseal_logged_target $urlseal_log_target {
    "" $urlseal_log_fallback;
    default $urlseal_logged_target;
}
log_format urlseal '$remote_addr - $remote_user [$time_local] "$request_method $urlseal_log_target $server_protocol" '
                   '$status $body_bytes_sent "$http_user_agent" $request_time';
# Country rules (geo claims) read $urlseal_country: define it here from what you trust, e.g.
#   geo $urlseal_country { default ""; 203.0.113.0/24 BR; }     (stock nginx, by address)
#   geoip2 /usr/share/GeoIP/GeoLite2-Country.mmdb { $urlseal_country country iso_code; }
# Never from a header the client sets. Unset or unknown: a token with a geo claim is 403.
upstream urlseal_origin {
    server ${target.server};
    keepalive 16;
}
`;
  const server = `# urlseal (generated by urlseal build nginx): include in the server {} block that serves the files.
# SPEC §2 allows a 4096-byte path, up to three times that percent-encoded, plus a token:
# more than nginx's default 8 KB request-line buffer.
large_client_header_buffers 4 32k;
# The server's access log in the token-free format (an access_log of its own in this block
# would be written as well: remove it). Also in each location below, which replaces any other.
${logDirective}
# Every request below ${location}, and every /_token/<jwt>/… path, is verified by urlseal.handle.
location ${location} {
    js_content urlseal.handle;
    ${logDirective}
}
${location === '/' ? '' : `location /_token/ {
    js_content urlseal.handle;
    ${logDirective}
}
`}# A granted request goes on from here: its target and headers without the token (SPEC §7).
location ${NGINX_ORIGIN_LOCATION} {
    proxy_pass ${target.scheme}://urlseal_origin$urlseal_target;
    ${logDirective}
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host ${target.hostHeader};
    proxy_set_header Authorization $urlseal_authorization;
    proxy_set_header Cookie $urlseal_cookie;
${target.scheme === 'https' ? `    proxy_ssl_server_name on;
    proxy_ssl_name ${target.host};
` : ''}    # The token in the page URL never leaks to third parties (the origin's own policy is replaced).
    proxy_hide_header Referrer-Policy;
    add_header Referrer-Policy no-referrer always;
}
`;
  return { files: { 'urlseal.js': module, 'urlseal.http.conf': http, 'urlseal.server.conf': server }, notes };
}
