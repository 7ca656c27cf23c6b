// nginx with its njs module (ngx_http_js_module, njs 0.7): `js_content` runs
// the handler for every request of a protected location. A thin adapter: the
// raw request line (`$request_uri`) and the header lines become a
// RequestView; a grant sets the js_var variables of the named location that
// proxies to the origin (the target and the headers without any carrier) and
// redirects there; a denial returns the SPEC §7 answer.
//
// The keyring was validated by `urlseal build nginx` (Node) and arrives as
// plain data (BuiltConfig). njs has Node's crypto API for sha256 and md5, so
// HS256 and secure-token verify, and WebCrypto for RS256/PS256 (njs-rsa.ts); a
// kid of another algorithm answers ERR_ALG_NOT_ALLOWED. On the JavaScript floor
// (scripts/floor.js).
import { forwardHeader, forwardsAuthorization, redactTokens, type TokenParams } from '../../contract/carriers.js';
import { decide, isThenable, type Decision, type RequestView } from '../../core/decide.js';
import { denialAnswer } from '../../core/respond.js';
import { prepareBuilt, type BuiltConfig, type Wiring } from '../../core/crypto/module.js';

/** The njs request object (`r`), the members the handler uses. */
export interface NginxRequest {
  readonly method: string;
  /** nginx variables: `request_uri`, `remote_addr` and `urlseal_country` are read; the js_var variables below are set. */
  readonly variables: Record<string, string | undefined>;
  /** Every request header line as received, repeats included. */
  readonly rawHeadersIn: readonly (readonly [string, string])[];
  readonly headersOut: Record<string, string>;
  return(status: number, body?: string): void;
  internalRedirect(uri: string): void;
}

/** The named location the generated config defines: proxies `$urlseal_target` to the origin. */
export const NGINX_ORIGIN_LOCATION = '@urlseal_origin';

/** The headers of a request by lower-case name, repeats joined as a Web runtime joins them. */
function headerLines(r: NginxRequest, name: string): string[] {
  const values: string[] = [];
  const lines = r.rawHeadersIn;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as readonly [string, string];
    if (line[0].toLowerCase() === name) values.push(line[1]);
  }
  return values;
}

function view(r: NginxRequest): RequestView {
  return {
    method: r.method,
    // The request-target as the client sent it: $uri is already decoded and normalised.
    target: r.variables.request_uri as string,
    // Two Bearer lines make one malformed source; cookies join as one Cookie header.
    header: (name) => {
      const values = headerLines(r, name);
      return values.length === 0 ? undefined : values.join(name === 'cookie' ? '; ' : ', ');
    },
    // $remote_addr: the socket peer, or what the realip module you configure says (SPEC §7).
    clientIp: r.variables.remote_addr,
    // geo claims: the country the operator's config puts in $urlseal_country (map, geo, geoip2,
    // a header a trusted proxy sets); undefined when no such variable exists: an unknown country.
    country: r.variables.urlseal_country,
  };
}

/**
 * What goes on to the origin (SPEC §7): the target without a token, the
 * Authorization lines unless one holds a Bearer token, the cookies but the
 * token one. An empty value makes nginx send no such header.
 */
function forward(r: NginxRequest, target: string, params: TokenParams): void {
  r.variables.urlseal_target = target;
  // All the Authorization lines or none: none once any of them holds a Bearer credential.
  const authorization = headerLines(r, 'authorization');
  r.variables.urlseal_authorization = forwardsAuthorization(authorization) ? authorization.join(', ') : '';
  const cookies = headerLines(r, 'cookie');
  r.variables.urlseal_cookie = cookies.length === 0 ? '' : forwardHeader('cookie', cookies.join('; '), params) || '';
  r.internalRedirect(NGINX_ORIGIN_LOCATION);
}

function deny(r: NginxRequest, decision: Extract<Decision, { ok: false }>): void {
  const answer = denialAnswer(decision.code, decision.status);
  for (const name in answer.headers) r.headersOut[name] = answer.headers[name] as string;
  r.return(answer.status, answer.body);
}

/** The `js_content` handler. */
export type NginxHandler = (r: NginxRequest) => void;

/**
 * Makes the handler: both schemes and every claim (nginx has no size limit),
 * HS256 and md5 through njs's crypto, RS256 and PS256 through its WebCrypto. `decide` never throws.
 */
export function createNginxHandler(config: BuiltConfig, wiring: Wiring): NginxHandler {
  // HS256 as on CloudFront, and RS256/PS256 (njs's WebCrypto): other kids answer ERR_ALG_NOT_ALLOWED.
  const prepared = prepareBuilt(config, wiring);
  const answer = (r: NginxRequest, decision: Decision): void =>
    decision.ok ? forward(r, decision.target, config.params) : deny(r, decision);
  const logTarget = createNginxLogTarget(config);
  return (r) => {
    // Set before deciding: a js_set variable read after an internal redirect made in a promise
    // callback (keys that open sealed tokens decide asynchronously) logs "undefined" in njs 0.7.9.
    r.variables.urlseal_logged_target = logTarget(r);
    const decided = decide(prepared, view(r));
    if (isThenable(decided)) void decided.then((decision) => answer(r, decision));
    else answer(r, decided);
  };
}

/**
 * The `js_set` handler of `$urlseal_log_target`: the request-target as the
 * access log may show it, every token replaced by `-` (ASCII: nginx escapes
 * other bytes in a log line; the path token on its
 * decoded name, `token`/`st` values), so the generated `log_format` never
 * holds one. Never throws: an unreadable target logs as `-`.
 */
export function createNginxLogTarget(config: BuiltConfig): (r: NginxRequest) => string {
  return (r) => {
    try {
      const target = r.variables.request_uri;
      return typeof target === 'string' && target !== '' ? redactTokens(target, config.params, '-') : '-';
    } catch {
      return '-';
    }
  };
}
