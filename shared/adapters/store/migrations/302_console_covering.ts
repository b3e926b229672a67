import type { Kysely, Migration } from 'kysely';
import { MysqlAdapter } from 'kysely';

/**
 * Covering indexes for the console's aggregates (measured with `txcenter bench console`: the backlog
 * join read ~13 000 transaction rows and ~30 000 barrier rows a call, 1.1 s on SQLite), replacing
 * indexes they make redundant so the gateway's and consumers' writes maintain no more indexes than
 * before: (state, created_at) is a prefix of 301's (state, created_at, tx_id); (event_id, group_id)
 * of (event_id, group_id, status).
 */
export const consoleCoveringMigration: Migration = {
  async up(db: Kysely<any>) {
    // MySQL names the table of an index to drop; SQLite's DROP INDEX takes no ON clause.
    const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
    const dropIndex = (name: string, table: string) => (mysql ? db.schema.dropIndex(name).on(table) : db.schema.dropIndex(name)).execute();
    await db.schema
      .createIndex('txc_tx_state_decided_cover')
      .on('txc_tx')
      .columns(['state', 'decided_at', 'topic', 'tag', 'reason', 'tx_id'])
      .execute();
    await dropIndex('txc_tx_state_decided', 'txc_tx');
    await dropIndex('txc_tx_state_created', 'txc_tx');
    await db.schema
      .createIndex('txc_consume_barrier_event_status')
      .on('txc_consume_barrier')
      .columns(['event_id', 'group_id', 'status'])
      .execute();
    await dropIndex('txc_consume_barrier_event', 'txc_consume_barrier');
  },
};
