import type { Kysely } from 'kysely';
import { upsert } from '../../adapters/store/upsert';
import type { SessionClaims } from './sessions';

interface RevocationTables {
  txc_console_session_revocation: { revocation_key: string; revoked_at: number | string; expires_at: number | string; revoked_by: string };
}

const sidKey = (sid: string) => `sid:${sid}`;
const operatorKey = (name: string) => `operator:${name}`;

/**
 * Server-side end of signed sessions (migration 304), shared by every FC instance through the
 * database: logout revokes its own session id, and an operator can cut another (or themselves) off,
 * which ends every session of that name issued until then. {@link isRevoked} runs on every cookie
 * request: one statement reading at most two rows by primary key. Rows are pruned once every
 * session they could end has expired anyway.
 */
export class SessionRevocations {
  private readonly db: Kysely<RevocationTables>;
  constructor(
    db: Kysely<any>,
    private readonly now: () => number = Date.now,
  ) {
    this.db = db as Kysely<RevocationTables>;
  }

  /** True when the session was logged out, or its operator was cut off after it was issued. */
  async isRevoked(claims: SessionClaims): Promise<boolean> {
    const rows = await this.db
      .selectFrom('txc_console_session_revocation')
      .select(['revocation_key', 'revoked_at'])
      .where('revocation_key', 'in', [sidKey(claims.sid), operatorKey(claims.name)])
      .execute();
    return rows.some((row) => row.revocation_key === sidKey(claims.sid) || Number(row.revoked_at) >= claims.issuedAt);
  }

  /** Logout: this session stops working on every instance (until it would have expired anyway). */
  async revokeSession(claims: SessionClaims): Promise<void> {
    const now = this.now();
    await this.db
      .insertInto('txc_console_session_revocation')
      .values({ revocation_key: sidKey(claims.sid), revoked_at: now, expires_at: claims.expiresAt, revoked_by: claims.name })
      .orIgnore()
      .execute();
    await this.prune(now);
  }

  /**
   * Ends every session of `name` issued until now (a later login starts a new one: to bar the
   * operator, also remove them from TXC_OPERATORS). Repeating it moves the cut-off forward.
   * `sessionTtlSeconds`: the longest a session lives, so how long the cut-off must be kept.
   */
  async revokeOperator(name: string, by: string, sessionTtlSeconds: number): Promise<{ revokedAt: number }> {
    const now = this.now();
    const update = { revoked_at: now, expires_at: now + sessionTtlSeconds * 1_000, revoked_by: by };
    const insert = this.db.insertInto('txc_console_session_revocation').values({ revocation_key: operatorKey(name), ...update });
    await upsert(this.db, insert, ['revocation_key'], update).execute();
    await this.prune(now);
    return { revokedAt: now };
  }

  /** Rows whose sessions have all expired mean nothing any more (bounded: the logouts of one TTL). */
  private async prune(now: number): Promise<void> {
    await this.db.deleteFrom('txc_console_session_revocation').where('expires_at', '<', now).execute();
  }
}
