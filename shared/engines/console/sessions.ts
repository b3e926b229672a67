import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The session cookie's name. */
export const SESSION_COOKIE = 'txc_console_session';
/** @default 8 hours: one working shift. */
export const DEFAULT_SESSION_TTL_SECONDS = 8 * 3_600;

export interface SessionClaims {
  /** Operator name; the role is re-read from the configuration on every request. */
  readonly name: string;
  /** Random session id: the CSRF token is derived from it. */
  readonly sid: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface SessionCookieOptions {
  readonly secret: string;
  readonly ttlSeconds: number;
  /** `Secure` attribute (true everywhere but plain-http local runs). */
  readonly secure: boolean;
}

const mac = (secret: string, purpose: string, value: string): Buffer => createHmac('sha256', secret).update(`${purpose}:${value}`).digest();

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Signed sessions: `base64url(JSON claims).base64url(HMAC-SHA256)`, in an HttpOnly, SameSite=Strict
 * cookie. Any instance can verify any session; removing an operator from TXC_OPERATORS or rotating
 * the secret ends their sessions at once, and the session expires after
 * {@link SessionCookieOptions.ttlSeconds}. Logout and cutting an operator off are stored server-side
 * (SessionRevocations), checked on every request, so a copied cookie stops working too.
 */
export class SessionSigner {
  constructor(private readonly options: SessionCookieOptions) {}

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  issue(name: string, now: number): { claims: SessionClaims; token: string } {
    const claims: SessionClaims = {
      name,
      sid: randomBytes(16).toString('base64url'),
      issuedAt: now,
      expiresAt: now + this.options.ttlSeconds * 1_000,
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { claims, token: `${payload}.${mac(this.options.secret, 'session', payload).toString('base64url')}` };
  }

  /** The claims of a valid, unexpired token, else undefined. */
  verify(token: string, now: number): SessionClaims | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 1_024) return undefined;
    const payload = token.slice(0, dot);
    if (!equal(Buffer.from(token.slice(dot + 1), 'base64url'), mac(this.options.secret, 'session', payload))) return undefined;
    let claims: SessionClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionClaims;
    } catch {
      return undefined;
    }
    if (
      typeof claims.name !== 'string' ||
      typeof claims.sid !== 'string' ||
      typeof claims.expiresAt !== 'number' ||
      claims.expiresAt <= now
    )
      return undefined;
    return claims;
  }

  /** The CSRF token of a session: derived, so it needs no storage and changes with every login. */
  csrfToken(claims: SessionClaims): string {
    return mac(this.options.secret, 'csrf', claims.sid).toString('base64url');
  }

  csrfMatches(claims: SessionClaims, presented: string | undefined): boolean {
    return presented !== undefined && presented.length <= 128 && equal(Buffer.from(presented), Buffer.from(this.csrfToken(claims)));
  }

  setCookie(token: string): string {
    return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${this.options.ttlSeconds}; HttpOnly; SameSite=Strict${this.options.secure ? '; Secure' : ''}`;
  }

  clearCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${this.options.secure ? '; Secure' : ''}`;
  }
}

/** The session cookie's value from a `cookie` header, if present. */
export function sessionTokenOf(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === SESSION_COOKIE) return rest.join('=');
  }
  return undefined;
}
