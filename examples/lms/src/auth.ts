import { createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Demo users. Passwords exist only as scrypt hashes with a per-user salt
 * (`scrypt$N$r$p$salt$hash`, base64url). The plaintexts are the published demo
 * logins (see README); these are obviously-fake test credentials.
 */
export interface User {
  /** Opaque id, used as the token's `sub` (an email would end up in URLs and edge logs). */
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
  /** Course ids this user may watch. */
  readonly enrolled: ReadonlySet<string>;
  /** May open the admin page (revoke another user's access). */
  readonly admin?: boolean;
}

export const USERS: readonly User[] = [
  {
    id: 'u1',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    // password: lovelace
    passwordHash: 'scrypt$16384$8$1$XbXtuOVjOdCG1ONGXno-Xg$KTtvpqf3nvkrPZzJGTAj9M5de9Xjcaq9OpXzrWAWYTk',
    enrolled: new Set(['1']),
  },
  {
    id: 'u2',
    email: 'alan@example.com',
    name: 'Alan Turing',
    // password: turing
    passwordHash: 'scrypt$16384$8$1$0uZCn1B3oStQCdH6mTWNkA$_2N46MW8eX4PVKG_l2LPwzYCUB6fFv6EaQKOOVnlz4E',
    enrolled: new Set(['2']),
  },
  {
    id: 'u3',
    email: 'grace@example.com',
    name: 'Grace Hopper',
    // password: hopper
    passwordHash: 'scrypt$16384$8$1$_t9DuBzRNy4LL5T69y6iSQ$vcO9GjHkLp_LEsvDPiaRJ52umdgj7x_pggnLIjdZ8a4',
    enrolled: new Set(),
    admin: true,
  },
];

// Compared against when the email is unknown, so a wrong email costs the same
// scrypt work as a wrong password and timing does not reveal which accounts exist.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Returns the user when email and password match, else undefined (never says which was wrong). */
export async function authenticate(email: string, password: string): Promise<User | undefined> {
  const user = USERS.find((u) => u.email === email.trim().toLowerCase());
  // Bound the work an attacker can make us do per request.
  if (password.length > 1024) return undefined;
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  return ok && user ? user : undefined;
}

export function findUser(email: string): User | undefined {
  return USERS.find((u) => u.email === email);
}

export function isEnrolled(user: User, courseId: string): boolean {
  return user.enrolled.has(courseId);
}

/** Server-side session of a signed-in user: the cookie holds only a random id. */
export interface Session {
  email: string;
  /**
   * The login session's id in the links it signs (`sid` claim), so signing out can revoke
   * them at the edge. Random and separate from the cookie's id: a link ends up in logs and
   * players, and must never carry the cookie's secret.
   */
  sid: string;
  /** Per-session CSRF token for the signed-in user's form POSTs (logout). */
  csrf: string;
  expiresAt: number;
}

export const SESSION_COOKIE = 'lms_sid';
const SESSION_MS = 8 * 60 * 60 * 1000;
/** Default bound on signed-in sessions held in memory. */
export const MAX_SESSIONS = 10_000;

/** In-memory session map; fine for a demo, lost on restart by design. */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxSessions: number = MAX_SESSIONS,
  ) {}

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.#sessions.get(id);
    if (session && session.expiresAt <= this.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /**
   * Creates a fresh session (new id, new CSRF token) for a user who just signed in, so an old
   * id can never be promoted. Only a login calls it: an anonymous visitor never holds a place
   * in the store, so anonymous requests cannot evict signed-in users.
   */
  create(email: string): { id: string; session: Session } {
    if (this.#sessions.size >= this.maxSessions) this.#evictExpired();
    const id = randomBytes(32).toString('base64url');
    const session: Session = { email, sid: randomBytes(16).toString('base64url'), csrf: randomBytes(24).toString('base64url'), expiresAt: this.now() + SESSION_MS };
    this.#sessions.set(id, session);
    return { id, session };
  }

  destroy(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }

  /** Ends every session of a user ("sign out everywhere", an admin's revocation); returns their `sid`s. */
  destroyUser(email: string): string[] {
    const sids: string[] = [];
    for (const [id, session] of this.#sessions) {
      if (session.email !== email) continue;
      sids.push(session.sid);
      this.#sessions.delete(id);
    }
    return sids;
  }

  #evictExpired(): void {
    const now = this.now();
    for (const [id, s] of this.#sessions) if (s.expiresAt <= now) this.#sessions.delete(id);
    // Still full: drop the oldest (Map keeps insertion order).
    while (this.#sessions.size >= this.maxSessions) {
      const first = this.#sessions.keys().next();
      if (first.done) break;
      this.#sessions.delete(first.value);
    }
  }
}

/** The cookie that ties the login form to the browser that loaded it (no server state). */
export const LOGIN_COOKIE = 'lms_login';
const NONCE = /^[\w-]{32}$/;

/**
 * The login form's CSRF check without a session: the cookie holds a random nonce, the form
 * its HMAC under a key only this process knows (a signed double-submit). A POST must bring
 * both, matching; anonymous visitors cost no memory.
 */
export class LoginCsrf {
  readonly #key = randomBytes(32);

  /** A new nonce for the cookie. */
  nonce(): string {
    return randomBytes(24).toString('base64url');
  }

  /** Whether a cookie value is a nonce this class could have made (else make a new one). */
  isNonce(value: string | undefined): value is string {
    return value !== undefined && NONCE.test(value);
  }

  /** The form field for a nonce. */
  token(nonce: string): string {
    return createHmac('sha256', this.#key).update(`login-form:${nonce}`).digest('base64url');
  }

  /** Whether the form's field belongs to the cookie's nonce. */
  verify(nonce: string | undefined, field: string): boolean {
    return this.isNonce(nonce) && constantTimeEqual(field, this.token(nonce));
  }
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
