// Help texts, one per command, printed by `--help` (exit 0).

export const MAIN_HELP = `urlseal: short-lived, path-bound signed URLs

Usage: urlseal <command> [flags]

Commands:
  keygen    print (or write) a new keyring JSON
  sign      sign a URL and print it
  verify    check a signed URL as the edge would
  inspect   decode a signed URL or token without verifying it
  serve     run the verifying edge in front of an origin or a folder
  build     write an edge function with the keyring in it (cloudfront, nginx, worker)
  check-manifest  check that an HLS/DASH manifest keeps a path token and its grant
  revoke    revoke a user's or a session's links in a revocation file (serve --revocations)

Run urlseal <command> --help for its flags. The keyring comes from --keyring FILE (-k)
or from env URLSEAL_KEYRING (the JSON text).`;

export const KEYGEN_HELP = `Usage: urlseal keygen [--kid ID] [--alg HS256|ES256|EdDSA] [--secure-token] [-k FILE]

Prints a new keyring JSON on stdout, or writes it to FILE (mode 0600, never over an
existing file):
  urlseal keygen -k keyring.local.json

  --kid ID              key id (default: the current year-month, e.g. 2026-11)
  --alg ALG             HS256 (default: a random 32-byte secret under "kids"),
                        ES256 or EdDSA (a key pair under "keys", private part "d" included)
  --secure-token        also add a random "secureToken" secret for the legacy md5 scheme
                        (off by default: an edge holding one accepts legacy tokens)
  --keyring, -k FILE    write the keyring to FILE instead of stdout`;

export const SIGN_HELP = `Usage: urlseal sign URL [-k FILE] [flags]

Signs URL (absolute, or a path such as /videos/a.mp4) and prints the signed URL on one
line. Spaces and non-ASCII characters are percent-encoded as a browser sends them.

  --keyring, -k FILE     keyring JSON file (default: env URLSEAL_KEYRING)
  --ttl TTL              lifetime: seconds or 90s, 5m, 2h, 1d (default 5m, at most 1d)
  --expires UNIX         expiry as a Unix time instead of --ttl, any time (a warning on
                         stderr when the edge would refuse it; exactly 10 digits for
                         secure-token)
  --grant PATTERN        grant pattern, repeatable: a decoded path or a /dir/* prefix
                         (default: the URL's own path)
  --grant-all            allow the grant /* (every path of the edge); refused without it
  --scheme SCHEME        jwt (default) or secure-token
  --transport WHERE      path (/_token/<jwt>/…) or query (?token=); default: path for
                         prefix grants, else query
  --sub S                subject claim
  --sid S                session id claim (urlseal revoke --sid ends the session)
  --jti ID               token id claim
  --ip CIDR              client address or CIDR the token is bound to
  --seal                 seal the claims (a JWE: nobody who sees the link reads them; the
                         edge still checks them); HS256 active key only

  --country CODES        countries the link may be used from, e.g. BR,PT (ISO 3166-1
                         alpha-2); any other or an unknown country: 403 ERR_GEO_MISMATCH
  --block-country CODES  countries the link may not be used from (an unknown one is
                         denied too); not with --country`;

export const VERIFY_HELP = `Usage: urlseal verify URL [-k FILE] [--now UNIX] [--header 'Name: v']… [--ip ADDR]
                      [--country CC]

Runs the edge's checks (SPEC §6–7) on one URL, as a GET, and prints one JSON line:
  {"ok":true,"status":200,"code":null,"claims":{…}}   exit 0
  {"ok":false,"status":403,"code":"ERR_…","claims":null}   exit 1
URL is read as urlseal sign reads it: spaces and non-ASCII characters are
percent-encoded as a browser sends them; nothing else is normalised.

  --keyring, -k FILE  keyring JSON file (default: env URLSEAL_KEYRING)
  --now UNIX          the time to verify at (default: now)
  --header 'N: v'     a request header, e.g. 'Authorization: Bearer …' or 'Cookie: urlseal=…'
  --ip ADDR           the client address for tokens with an ip claim
  --country CC        the viewer's country (e.g. BR) for tokens with a geo claim`;

export const INSPECT_HELP = `Usage: urlseal inspect URL|TOKEN [--now UNIX] [--header 'Name: v']… [-k FILE]

Decodes a signed URL or a bare JWT and explains it: scheme, kid, alg, grant, claims,
and times in words with the edge's 30 s leeway. It finds the token as the edge does
(path /_token/…, ?token=, ?st=&e=, Authorization: Bearer, cookie urlseal).
It does NOT verify the signature; use urlseal verify for that. A sealed token shows
only its header; with -k it is decrypted locally and its claims shown.

  --now UNIX          the time to describe against (default: now)
  --header 'N: v'     a request header carrying the token (Bearer or cookie)
  --keyring, -k FILE  also tell whether the keyring holds the token's kid (and open a
                      sealed token with it)`;

export const SERVE_HELP = `Usage: urlseal serve (--origin URL | --root DIR) [-k FILE | --keyring-url URL
                     [--keyring-refresh DUR] [--max-stale DUR]] [--port 8080]
                     [--host 127.0.0.1] [--trust-proxy [N]] [--country-header NAME]
                     [--origin-timeout SECS] [--cors ORIGIN]… [--metrics HOST:PORT]
                     [--grace SECS] [--sealed allow|require|deny] [--cmcd pass|drop]
                     [--revocations FILE|URL --on-store-error deny|allow [--revocation-cache SECS]
                      [--revocation-refresh DUR] [--revocation-max-stale DUR]]

Runs the verifying edge as a streaming reverse proxy. Granted requests reach the origin
without any token; denials answer as SPEC §7 says. One JSON access-log line per request
on stdout (never the token). SIGTERM/SIGINT: finish in-flight requests, then exit 0.
SIGHUP re-reads the keyring.

  --origin URL            the server to protect (http:// or https://)
  --root DIR              serve the files in DIR instead (GET/HEAD, Range, ETag), through
                          a file origin only the edge can reach
  --keyring, -k FILE      keyring JSON file (default: env URLSEAL_KEYRING), re-read when it
                          changes; an invalid new file keeps the last good keyring
  --keyring-url URL       fetch the keyring (urlseal keyring or public JWK Set) instead:
                          https://, or http:// on loopback; not with --keyring
  --keyring-refresh DUR   with --keyring-url: time between fetches (default 60s)
  --max-stale DUR         with --keyring-url: answer 503 after this long without a
                          successful fetch (default 1h)
  --port N                port to listen on (default 8080; 0 picks a free one)
  --host ADDR             address to bind (default 127.0.0.1)
  --trust-proxy [N]       N proxies you run stand in front (default 0; alone: 1): the client
                          address for ip claims is the N-th X-Forwarded-For entry from the right
  --country-header NAME   the request header holding the viewer's country for geo claims,
                          set by a proxy or CDN you trust (e.g. CloudFront-Viewer-Country);
                          without it a token with a geo claim is denied (ERR_GEO_MISMATCH)
  --origin-timeout SECS   seconds the origin may stay silent before a 504 (default 30)
  --cors ORIGIN           a web origin (https://app.example) whose pages may read denials
                          (status and x-urlseal-error) cross-origin; repeatable, or '*'
  --sealed MODE           sealed tokens (JWE): allow (default), require (a readable JWT
                          answers 401 ERR_ALG_NOT_ALLOWED) or deny (a sealed one does)
  --cmcd MODE             the CMCD query parameter players add: pass (default) forwards it
                          to the origin, drop leaves it out; never a token carrier
  --metrics HOST:PORT     Prometheus metrics at GET /metrics on this separate listener
                          (default: off), e.g. 127.0.0.1:9464
  --grace SECS            on SIGTERM/SIGINT, seconds in-flight responses may take before
                          they are cut (default 10)
  --revocations FILE|URL  a revocation file (urlseal revoke writes it; re-read when it
                          changes), an https:// URL serving one (http:// on loopback), or
                          redis://HOST:PORT: tokens of a revoked user or session answer
                          403 ERR_TOKEN_REVOKED
  --on-store-error MODE   required with --revocations: deny (a store fault answers 503
                          ERR_REVOCATION_UNAVAILABLE) or allow (it passes)
  --revocation-cache SECS seconds a store answer is reused, 0 to 30 (default 10)
  --revocation-refresh DUR
                          with --revocations URL: time between fetches (default 30s)
  --revocation-max-stale DUR
                          with --revocations URL: every lookup is a store fault after this
                          long without a successful fetch (default 5m)

DUR is seconds or digits with a unit: 90s, 5m, 1h.`;

export const REVOKE_HELP = `Usage: urlseal revoke --file FILE (--sub USER [--before TIME] | --sid ID [--until TIME] | --list)

Writes a revocation file (atomically, mode 0600) that urlseal serve --revocations and the
Express middleware read; edges deny matching tokens 403 ERR_TOKEN_REVOKED within their
cache TTL (default 10 s). Entries no token can match any more are dropped on each write.

  --file FILE        the revocation file (default: env URLSEAL_REVOCATIONS); created if missing
  --sub USER         revoke the user's tokens issued before --before (default now)
  --sid ID           revoke the session's tokens until --until (default now + max-ttl + 30 s)
  --list             print the entries that still matter, as JSON
  --max-ttl DUR      the edges' maxTtl (default 1d): how long a user's entry is kept

TIME is now, now+DUR (now+1h), a Unix time in seconds, or ISO 8601 (2026-12-03T20:00:00Z).`;

export const BUILD_HELP = `Usage: urlseal build cloudfront [-k FILE] [--out FILE] [--scheme jwt|secure-token|both]
                     [--kvs [--kvs-data FILE] [--revocations kvs --on-store-error deny|allow]]
                     [--preset cloudfront]
       urlseal build nginx [-k FILE] --out DIR --origin URL [--location PREFIX]
                     [--access-log FILE|off] [--preset cloudfront]
       urlseal build worker [-k FILE] [--out FILE]

cloudfront: validates the keyring and writes a CloudFront Function (viewer-request,
runtime cloudfront-js-2.0) that verifies urlseal links before CloudFront's cache: stdout,
or --out FILE (mode 0600: it holds the secrets). Its size and notes go to stderr. A
function holds at most 10 KB: HS256 JWTs, secure-token, or both (a small keyring only),
without ip and aud/iss claims, and no sealed links: the runtime has no AES, so a sealed
token is denied 401 ERR_ALG_NOT_ALLOWED (docs/deploy/cloudfront.md).

nginx: validates the keyring and writes DIR/urlseal.js (an njs module, mode 0600),
DIR/urlseal.http.conf (include in http {}) and DIR/urlseal.server.conf (include in the
server {}): nginx with libnginx-mod-http-js verifies HS256, RS256 and PS256 JWTs and
secure-token, every claim and sealed links, and proxies granted requests to the origin
without the token (docs/deploy/nginx.md).

worker: validates the keyring and writes it as one line the Worker (dist/worker.js) reads
without loading its keyring JSON validator: stdout, or --out FILE (mode 0600: it holds
the secrets). Store it as the URLSEAL_KEYRING secret: npx wrangler secret put
URLSEAL_KEYRING < FILE (docs/deploy/workers.md).

  --keyring, -k FILE   keyring JSON file (default: env URLSEAL_KEYRING)
  --out, -o FILE|DIR   cloudfront: write the function to FILE instead of stdout;
                       nginx: the folder for the three files (required);
                       worker: write the keyring line to FILE instead of stdout
  --scheme SCHEME      cloudfront: jwt, secure-token or both (default: the keyring's,
                       both when it holds HS256 keys and secureToken secrets)
  --kvs                cloudfront: read the secrets per request from the KeyValueStore
                       associated with the function, so keys rotate without redeploying;
                       the keyring is then needed only for --kvs-data
  --kvs-data FILE      with --kvs: write the KeyValueStore entries (one per kid) as the
                       JSON that aws cloudfront create-key-value-store imports
  --revocations kvs    with --kvs: also look revocations up in that store (sub:<user>,
                       sid:<session> → a Unix time, as urlseal revoke means them); the
                       function then has no room for country rules (a geo claim is 403)
  --on-store-error MODE  required with --revocations: deny (a store fault answers 503
                       ERR_REVOCATION_UNAVAILABLE) or allow (it passes)
  --origin URL         nginx: where granted requests go (http(s)://host[:port], no path)
  --location PREFIX    nginx: the protected location (default /); /_token/ paths always are
  --access-log FILE    nginx: the server's access log, in a format without any token
                       (default /var/log/nginx/access.log; off for none)
  --preset cloudfront  answer every denial 401`;

export const CHECK_MANIFEST_HELP = `Usage: urlseal check-manifest FILE|URL [--grant PATTERN]… [--path PATH] [--kind hls|dash]
                              [--path-segment S]

Checks that every URL an HLS playlist or DASH MPD makes a player request
inherits a token carried in the manifest's path (/_token/<jwt>/…) and stays
inside the grant. Flags absolute and root-relative URIs, ".." that climbs above
the token segment, an absolute DASH BaseURL, non-canonical paths and anything
outside the grant. The playlists an HLS master names are checked too.
Exit 0: nothing found; 1: findings (one line each); 2: bad input.

  --grant PATTERN     the pattern the token grants, repeatable (e.g. '/videos/c1/*');
                      for a signed URL, default: the grant in its token
  --path PATH         where FILE is served (e.g. /videos/c1/hls/master.m3u8);
                      default for a single '/dir/*' grant: /dir/ + the file's name
  --kind KIND         hls or dash (default: from the content)
  --path-segment S    the token's path segment, as on signer and edge (default _token)`;
