import { DEFAULT_LEEWAY, DEFAULT_MAX_TTL, type Scheme } from '@urlseal/edge/contract';
import { isoTime, relativeWords } from './time-words.js';

/** How the edge treats a token's expiry at one moment, in words, and the denial if any. */
export interface ExpiryVerdict {
  readonly code: 'ERR_TOKEN_EXPIRED' | 'ERR_CLAIM_INVALID' | undefined;
  readonly words: string;
}

/**
 * The edge's time rules for an expiry (SPEC §4–5 with the default verifier options): a
 * JWT is expired when `now ≥ exp + leeway` (30 s), a secure-token when `e < now`; either
 * is refused when `exp − now > maxTtl` (1 day). `inspect` and the `sign` warnings use
 * this, so they say what `verify` decides.
 */
export function expiryVerdict(scheme: Scheme, exp: number, now: number): ExpiryVerdict {
  const when = relativeWords(exp, now, 'expires in', 'expired');
  if (exp - now > DEFAULT_MAX_TTL) {
    return { code: 'ERR_CLAIM_INVALID', words: `${when}: more than maxTtl (${DEFAULT_MAX_TTL} s) away, so the edge answers 401 ERR_CLAIM_INVALID` };
  }
  const leeway = scheme === 'jwt' ? DEFAULT_LEEWAY : 0;
  const expired = scheme === 'jwt' ? now >= exp + leeway : exp < now;
  if (expired) return { code: 'ERR_TOKEN_EXPIRED', words: `${when}: the edge answers 410 ERR_TOKEN_EXPIRED` };
  if (exp === now && leeway === 0) return { code: undefined, words: `expires now (${isoTime(exp)})` };
  if (exp <= now) {
    const left = exp + leeway - now;
    return { code: undefined, words: `${when}, within the edge's ${leeway} s leeway: accepted until ${isoTime(exp + leeway)} (${left} s more)` };
  }
  return { code: undefined, words: when };
}
