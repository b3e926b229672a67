import type { Kysely, Transaction } from 'kysely';
import { createTable } from '../../adapters/store/createTable';

/** The business system's barrier table (in its own database). */
export const BARRIER_TABLE = 'txc_barrier';

/** Which side claimed a transaction id first. */
export const BARRIER_OUTCOMES = { committed: 'COMMIT', rolledBack: 'ROLLBACK' } as const;
export type BarrierOutcome = (typeof BARRIER_OUTCOMES)[keyof typeof BARRIER_OUTCOMES];

export interface BarrierTables {
  txc_barrier: { tx_id: string; outcome: string; created_at: number | string };
}

// Business systems bring their own schema; the barrier needs only its one table.
type AnyDb = Kysely<any>;

/** Creates the barrier table if missing (SQLite and MySQL). Call once at start, or copy it into your migrations. */
export async function ensureBarrierTable(db: AnyDb): Promise<void> {
  await createTable(db, BARRIER_TABLE)
    .ifNotExists()
    .addColumn('tx_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

/**
 * Writes the "committed" barrier row inside the business transaction. A plain insert: if a check-back
 * already claimed the id with a rollback marker, the duplicate key aborts the business transaction.
 */
export async function insertCommitBarrier(trx: Transaction<any>, txId: string, now: number): Promise<void> {
  await (trx as unknown as Transaction<BarrierTables>)
    .insertInto(BARRIER_TABLE)
    .values({ tx_id: txId, outcome: BARRIER_OUTCOMES.committed, created_at: now })
    .execute();
}

/**
 * The DTM barrier's check-back answer: insert-ignore a rollback marker on the same key, then read
 * which row won. If the business transaction committed, its row wins (COMMIT); if it never ran or
 * rolled back, the marker wins and from now on blocks a late business transaction (ROLLBACK). An
 * in-flight business transaction holds the key's lock, so the insert waits for it: always definite.
 *
 * @example
 * const decide = checkbackHandler(db);
 * const decision = await decide(txId); // 'COMMIT' | 'ROLLBACK'
 */
export function checkbackHandler(db: AnyDb, now: () => number = Date.now): (txId: string) => Promise<BarrierOutcome> {
  const barrier = db as unknown as Kysely<BarrierTables>;
  return async (txId) => {
    await barrier
      .insertInto(BARRIER_TABLE)
      .ignore()
      .values({ tx_id: txId, outcome: BARRIER_OUTCOMES.rolledBack, created_at: now() })
      .execute();
    const row = await barrier.selectFrom(BARRIER_TABLE).select('outcome').where('tx_id', '=', txId).executeTakeFirstOrThrow();
    return row.outcome as BarrierOutcome;
  };
}
