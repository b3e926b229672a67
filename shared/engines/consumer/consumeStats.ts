import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import { isMysql } from '../../adapters/store/createTable';
import { upsert } from '../../adapters/store/upsert';
import type { RowSink } from '../../adapters/store/groupCommit';
import { CONSUME_STATS_ATTEMPT_COLUMNS, CONSUME_STATS_BUCKET_MS } from '../../adapters/store/migrations/303_console_consume_stats';

/** One counted event of a group: a completion (with its attempt count), a dead letter or a conflict. */
export type StatsEvent =
  | { readonly group: string; readonly at: number; readonly kind: 'consumed'; readonly attempts: number }
  | { readonly group: string; readonly at: number; readonly kind: 'dead-lettered' | 'conflict' };

type CounterColumn = (typeof CONSUME_STATS_ATTEMPT_COLUMNS)[number] | 'dead_lettered' | 'conflicts';
const COUNTER_COLUMNS: readonly CounterColumn[] = [...CONSUME_STATS_ATTEMPT_COLUMNS, 'dead_lettered', 'conflicts'];

/** The histogram column of a completion after `attempts` attempts. */
export function attemptsColumn(attempts: number): (typeof CONSUME_STATS_ATTEMPT_COLUMNS)[number] {
  const index = Math.min(Math.max(attempts, 1), CONSUME_STATS_ATTEMPT_COLUMNS.length) - 1;
  return CONSUME_STATS_ATTEMPT_COLUMNS[index]!;
}

/** The minute a counted event falls in. */
export const statsMinuteOf = (at: number) => at - (at % CONSUME_STATS_BUCKET_MS);

interface Delta {
  readonly group: string;
  readonly minute: number;
  readonly counts: Record<CounterColumn, number>;
  lastConsumedAt: number | null;
}

/**
 * The counters of `txc_consume_stats` (migration 303), written by the group-commit batch that holds
 * the barrier writes: events are collected by each job only after its barrier write changed a row
 * (so a redelivery, which changes none, counts nothing) and written once per batch just before its
 * COMMIT — a rolled-back batch takes its counts with it. One shared sink for every group of the
 * process, so a batch upserts its counter rows in one statement, in key order: two batches lock the
 * rows they share in the same order (no deadlock on MySQL) and hold them only until their COMMIT.
 */
export const consumeStatsSink: RowSink<any, StatsEvent> = {
  statement(trx: Transaction<any>, events: readonly StatsEvent[]) {
    const deltas = new Map<string, Delta>();
    for (const event of events) {
      const minute = statsMinuteOf(event.at);
      const key = `${event.group}\u0000${String(minute).padStart(16, '0')}`;
      let delta = deltas.get(key);
      if (!delta) {
        delta = {
          group: event.group,
          minute,
          counts: Object.fromEntries(COUNTER_COLUMNS.map((c) => [c, 0])) as Record<CounterColumn, number>,
          lastConsumedAt: null,
        };
        deltas.set(key, delta);
      }
      if (event.kind === 'consumed') {
        delta.counts[attemptsColumn(event.attempts)] += 1;
        delta.lastConsumedAt = Math.max(delta.lastConsumedAt ?? 0, event.at);
      } else delta.counts[event.kind === 'conflict' ? 'conflicts' : 'dead_lettered'] += 1;
    }
    const rows = [...deltas.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, d]) => ({ group_id: d.group, minute_at: d.minute, ...d.counts, last_consumed_at: d.lastConsumedAt }));
    if (rows.length === 0) return undefined;
    const mysql = isMysql(trx);
    // The stored value plus this batch's (MySQL: VALUES(c), which MariaDB and MySQL 8 both accept).
    const added = (c: string) => (mysql ? sql`${sql.ref(c)} + VALUES(${sql.ref(c)})` : sql`${sql.ref(c)} + excluded.${sql.ref(c)}`);
    const later = mysql
      ? sql`GREATEST(COALESCE(last_consumed_at, 0), COALESCE(VALUES(last_consumed_at), 0))`
      : sql`MAX(COALESCE(last_consumed_at, 0), COALESCE(excluded.last_consumed_at, 0))`;
    const set = {
      ...Object.fromEntries(COUNTER_COLUMNS.map((c) => [c, added(c)])),
      // NULLIF: a minute with no completion keeps NULL, so "last consumption" skips it.
      last_consumed_at: sql`NULLIF(${later}, 0)`,
    };
    const insert = trx.insertInto('txc_consume_stats').values(rows);
    return upsert(trx, insert, ['group_id', 'minute_at'], set).compile();
  },
};
