import type { Kysely } from 'kysely';

export const DIALECTS = ['sqlite', 'mysql'] as const;
export type DialectName = (typeof DIALECTS)[number];

/**
 * A migrated SQL database: one Kysely instance over SQLite (embedded default) or MySQL (production).
 * Each domain module types it with its own table interfaces (`Kysely<TxTables>`), so the store layer
 * knows no domain. Effects and idempotency records commit in the same `db.transaction()`.
 */
export interface Database {
  // Each domain narrows this to its own tables; the store layer itself is table-agnostic.
  readonly db: Kysely<any>;
  readonly dialect: DialectName;
  close(): Promise<void>;
}
