import type { Kysely } from 'kysely';
import type { AuditAction, AuditEntry, AuditResult, AuditSearch, Page, Role } from './api';
import { decodeCursor, limitOf, pageOf } from './paging';

export interface AuditTables {
  txc_console_audit: {
    id: import('kysely').Generated<number>;
    at: number | string;
    actor: string;
    role: string | null;
    action: string;
    target: string;
    result: string;
    detail: string | null;
    source_ip: string | null;
  };
}

export interface AuditRecord {
  readonly actor: string;
  readonly role: Role | null;
  readonly action: AuditAction;
  readonly target: string;
  readonly result: AuditResult;
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly sourceIp?: string;
}

/** Longest stored target (a replay filter summary, a txId, a login name). */
const MAX_TARGET = 256;
/** Longest stored detail JSON; longer details are cut (the audit row must never fail for its size). */
const MAX_DETAIL = 8_000;

/**
 * The console's audit log: one row per operator action (login, logout, replay, check, decision) with
 * who, when, what and the result. Append-only: this class has no update or delete, and no route
 * writes to the table except through {@link append}.
 */
export class AuditLog {
  private readonly db: Kysely<AuditTables>;

  constructor(
    db: Kysely<any>,
    private readonly now: () => number = Date.now,
  ) {
    this.db = db as Kysely<AuditTables>;
  }

  async append(record: AuditRecord): Promise<void> {
    const detail = record.detail === undefined ? null : JSON.stringify(record.detail);
    await this.db
      .insertInto('txc_console_audit')
      .values({
        at: this.now(),
        actor: record.actor.slice(0, 64),
        role: record.role,
        action: record.action,
        target: record.target.slice(0, MAX_TARGET),
        result: record.result,
        detail: detail !== null && detail.length > MAX_DETAIL ? JSON.stringify({ truncated: detail.slice(0, MAX_DETAIL) }) : detail,
        source_ip: record.sourceIp?.slice(0, 64) ?? null,
      })
      .execute();
  }

  /** Newest first, keyset on the id. */
  async list(search: AuditSearch): Promise<Page<AuditEntry>> {
    const limit = limitOf(search.limit);
    const after = decodeCursor(search.cursor);
    let query = this.db.selectFrom('txc_console_audit').selectAll();
    if (search.actor) query = query.where('actor', '=', search.actor);
    if (search.action) query = query.where('action', '=', search.action);
    if (after) query = query.where('id', '<', after.at);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    return pageOf(
      rows,
      limit,
      (row) => ({ at: Number(row.id), id: '' }),
      (row) => ({
        id: String(row.id),
        at: new Date(Number(row.at)).toISOString(),
        actor: row.actor,
        role: row.role as Role | null,
        action: row.action as AuditAction,
        target: row.target,
        result: row.result as AuditResult,
        detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
        sourceIp: row.source_ip,
      }),
    );
  }
}
