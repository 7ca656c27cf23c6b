// Help texts, one per command, printed by `--help` (exit 0).

export const MAIN_HELP = `urlseal: short-lived, path-bound signed URLs

Usage: urlseal <command> [flags]

Commands:
  keygen    print a new keyring JSON
  sign      sign a URL and print it
  verify    check a signed URL as the edge would
  inspect   decode a signed URL or token without verifying it
  serve     run the verifying edge as a reverse proxy
  check-manifest  check that an HLS/DASH manifest keeps a path token and its grant

Run urlseal <command> --help for its flags. The keyring comes from --keyring FILE
or from env URLSEAL_KEYRING (the JSON text).`;

export const KEYGEN_HELP = `Usage: urlseal keygen [--kid ID] [--alg HS256|ES256|EdDSA] [--secure-token]

Prints a new keyring JSON on stdout. Save it with mode 0600, e.g.
  urlseal keygen > keyring.local.json && chmod 600 keyring.local.json

  --kid ID          key id (default: the current year-month, e.g. 2026-11)
  --alg ALG         HS256 (default: a random 32-byte secret under "kids"),
                    ES256 or EdDSA (a key pair under "keys", private part "d" included)
  --secure-token    also add a random "secureToken" secret for the legacy md5 scheme
                    (off by default: an edge holding one accepts legacy tokens)`;

export const SIGN_HELP = `Usage: urlseal sign URL [--keyring FILE] [flags]

Signs URL (absolute, or a path such as /videos/a.mp4) and prints the signed URL on one line.

  --keyring, -k FILE     keyring JSON file (default: env URLSEAL_KEYRING)
  --ttl TTL              lifetime: seconds or 90s, 5m, 2h, 1d (default 5m, at most 1d)
  --expires UNIX         expiry as a Unix time instead of --ttl, any time
                         (exactly 10 digits for secure-token)
  --grant PATTERN        grant pattern, repeatable: a decoded path or a /dir/* prefix
                         (default: the URL's own path)
  --scheme SCHEME        jwt (default) or secure-token
  --transport WHERE      path (/_token/<jwt>/…) or query (?token=); default: path for
                         prefix grants, else query
  --sub S                subject claim
  --jti ID               token id claim
  --ip CIDR              client address or CIDR the token is bound to`;

export const INSPECT_HELP = `Usage: urlseal inspect URL|TOKEN [--now UNIX]

Decodes a signed URL (token in the path, ?token=, or ?st=&e=) or a bare JWT and
explains it: scheme, kid, alg, grant, claims and times in words.
It does NOT verify the signature; use urlseal verify for that.

  --now UNIX    the time to describe against (default: now)`;
