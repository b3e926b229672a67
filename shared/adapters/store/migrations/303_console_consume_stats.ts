import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { createTable, isMysql } from '../createTable';

/** Width of one counter row: windows ("last 24 h") are exact to the minute. */
export const CONSUME_STATS_BUCKET_MS = 60_000;
/** Attempt counts with a column of their own; more attempts count in `attempts_10_plus`. */
export const CONSUME_STATS_ATTEMPT_COLUMNS = [
  'attempts_1',
  'attempts_2',
  'attempts_3',
  'attempts_4',
  'attempts_5',
  'attempts_6',
  'attempts_7',
  'attempts_8',
  'attempts_9',
  'attempts_10_plus',
] as const;

/**
 * Per-group consumption counters for the console's subscriber pages and `/metrics`: one row per
 * (group, minute) holding the consumptions completed in that minute by attempt count, the messages
 * dead-lettered and the key-reuse conflicts detected, and the minute's last completion. The consumer
 * runtime adds to them in the transaction that writes the barrier row (a completion counts exactly
 * when its COMPLETED commits), so reading a week is ~10 000 rows per group instead of a count over
 * every consumption of the week (`txcenter bench console`: 0.7–0.9 s at 1 000 000 consumptions).
 */
export const consoleConsumeStatsMigration: Migration = {
  async up(db: Kysely<any>) {
    const mysql = isMysql(db);
    let table = createTable(db, 'txc_consume_stats')
      .addColumn('group_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('minute_at', 'bigint', (c) => c.notNull());
    for (const column of [...CONSUME_STATS_ATTEMPT_COLUMNS, 'dead_lettered', 'conflicts'])
      table = table.addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0));
    table = table
      .addColumn('last_consumed_at', 'bigint')
      .addPrimaryKeyConstraint('txc_consume_stats_pk', ['group_id', 'minute_at'])
      // SQLite: stored in primary-key order like InnoDB, so a group's window is one contiguous range.
      .$call((t) => (mysql ? t : t.modifyEnd(sql`without rowid`)));
    await table.execute();
    // Subscriber pages: a group's dead letters by status without reading the letters.
    await db.schema.createIndex('txc_dead_letter_group_status').on('txc_dead_letter').columns(['group_id', 'status']).execute();
    await backfillConsumeStats(db);
  },
};

/**
 * Counts what the barrier and the conflict table already hold (rows written before the counters
 * existed). Completions and dead letters fall in the minute of the row's `updated_at` (for a
 * COMPLETED row its completion time; a dead-lettered row's is moved by the DLQ publish mark, seconds
 * later). Also used by `bench console`, which seeds the barrier directly.
 */
export async function backfillConsumeStats(db: Kysely<any>): Promise<void> {
  const mysql = isMysql(db);
  const bucket = (column: string) =>
    mysql
      ? sql`(${sql.ref(column)} DIV ${sql.lit(CONSUME_STATS_BUCKET_MS)}) * ${sql.lit(CONSUME_STATS_BUCKET_MS)}`
      : sql`(${sql.ref(column)} / ${sql.lit(CONSUME_STATS_BUCKET_MS)}) * ${sql.lit(CONSUME_STATS_BUCKET_MS)}`;
  const last = CONSUME_STATS_ATTEMPT_COLUMNS.length - 1;
  const attemptTerms = CONSUME_STATS_ATTEMPT_COLUMNS.map((column, i) => {
    const attempts = i === 0 ? sql`attempts <= 1` : i === last ? sql`attempts >= ${sql.lit(i + 1)}` : sql`attempts = ${sql.lit(i + 1)}`;
    return sql`CASE WHEN status = 'COMPLETED' AND ${attempts} THEN 1 ELSE 0 END AS ${sql.ref(column)}`;
  });
  const zeros = CONSUME_STATS_ATTEMPT_COLUMNS.map((column) => sql`0 AS ${sql.ref(column)}`);
  const columns = [...CONSUME_STATS_ATTEMPT_COLUMNS, 'dead_lettered', 'conflicts'];
  await sql`
    INSERT INTO txc_consume_stats (group_id, minute_at, ${sql.join(columns.map((c) => sql.ref(c)))}, last_consumed_at)
    SELECT group_id, minute_at, ${sql.join(columns.map((c) => sql`SUM(${sql.ref(c)})`))}, MAX(last_consumed_at)
    FROM (
      SELECT group_id, ${bucket('updated_at')} AS minute_at, ${sql.join(attemptTerms)},
        CASE WHEN status = 'DEAD_LETTERED' THEN 1 ELSE 0 END AS dead_lettered, 0 AS conflicts,
        CASE WHEN status = 'COMPLETED' THEN updated_at END AS last_consumed_at
      FROM txc_consume_barrier WHERE status IN ('COMPLETED', 'DEAD_LETTERED')
      UNION ALL
      SELECT group_id, ${bucket('detected_at')} AS minute_at, ${sql.join(zeros)}, 0 AS dead_lettered, 1 AS conflicts,
        NULL AS last_consumed_at
      FROM txc_consume_conflict
    ) counted
    GROUP BY group_id, minute_at`.execute(db);
}
