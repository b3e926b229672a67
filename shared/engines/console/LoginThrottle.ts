import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

interface ThrottleTables {
  txc_console_login_throttle: { throttle_key: string; failures: number; window_started_at: number | string; locked_until: number | string };
}

export interface LoginThrottleOptions {
  /** Failures of one name from one address within the window before a lockout. @default 5 */
  readonly maxFailures?: number;
  /** @default 900 (15 minutes) */
  readonly windowSeconds?: number;
  /** @default 900 */
  readonly lockSeconds?: number;
  readonly now?: () => number;
}

/**
 * Failed-login lockout per (name, client address), kept in the database so every FC instance sees
 * it. Rows are keyed by a hash (no name or address stored) and pruned once their window and lock
 * are over, so the table stays bounded by the failures of the last window.
 */
export class LoginThrottle {
  private readonly db: Kysely<ThrottleTables>;
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly lockMs: number;
  private readonly now: () => number;

  constructor(db: Kysely<any>, options: LoginThrottleOptions = {}) {
    this.db = db as Kysely<ThrottleTables>;
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = (options.windowSeconds ?? 900) * 1_000;
    this.lockMs = (options.lockSeconds ?? 900) * 1_000;
    this.now = options.now ?? Date.now;
  }

  private key(name: string, address: string): string {
    return createHash('sha256').update(`${name}\u0000${address}`).digest('hex');
  }

  /** Seconds until this (name, address) may try again; 0 = not locked. */
  async lockedFor(name: string, address: string): Promise<number> {
    const row = await this.db
      .selectFrom('txc_console_login_throttle')
      .select('locked_until')
      .where('throttle_key', '=', this.key(name, address))
      .executeTakeFirst();
    const left = row ? Number(row.locked_until) - this.now() : 0;
    return left > 0 ? Math.ceil(left / 1_000) : 0;
  }

  /** Counts a failure; returns the lock in seconds it caused (0 = none yet). */
  async failed(name: string, address: string): Promise<number> {
    const now = this.now();
    const key = this.key(name, address);
    return this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('txc_console_login_throttle')
        .where('window_started_at', '<', now - this.windowMs - this.lockMs)
        .execute();
      // Insert-or-ignore first: two concurrent first failures must not collide on the key.
      await trx
        .insertInto('txc_console_login_throttle')
        .values({ throttle_key: key, failures: 0, window_started_at: now, locked_until: 0 })
        .orIgnore()
        .execute();
      const row = await trx.selectFrom('txc_console_login_throttle').selectAll().where('throttle_key', '=', key).executeTakeFirstOrThrow();
      const fresh = now - Number(row.window_started_at) >= this.windowMs;
      const failures = fresh ? 1 : row.failures + 1;
      const lockedUntil = failures >= this.maxFailures ? now + this.lockMs : 0;
      await trx
        .updateTable('txc_console_login_throttle')
        .set({ failures, window_started_at: fresh ? now : row.window_started_at, locked_until: lockedUntil })
        .where('throttle_key', '=', key)
        .execute();
      return lockedUntil > 0 ? Math.ceil(this.lockMs / 1_000) : 0;
    });
  }

  /** A successful login clears the counter. */
  async succeeded(name: string, address: string): Promise<void> {
    await this.db.deleteFrom('txc_console_login_throttle').where('throttle_key', '=', this.key(name, address)).execute();
  }
}
