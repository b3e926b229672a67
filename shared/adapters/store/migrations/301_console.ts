import type { Kysely } from 'kysely';
import { MysqlAdapter } from 'kysely';
import type { Migration } from 'kysely';
import { createTable } from '../createTable';

/**
 * tx-console: its append-only audit log, the failed-login throttle, and the indexes that serve every
 * console search newest-first by keyset (each ends with the tie-breaking key so ORDER BY needs no sort).
 */
export const consoleMigration: Migration = {
  async up(db: Kysely<any>) {
    const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
    const index = (name: string, table: string, columns: string[]) => db.schema.createIndex(name).on(table).columns(columns).execute();
    // Transaction search: by creation time alone, by business key, system, topic/tag, state.
    await index('txc_tx_created', 'txc_tx', ['created_at', 'tx_id']);
    await index('txc_tx_bkey_created', 'txc_tx', ['business_key', 'created_at', 'tx_id']);
    await index('txc_tx_system_created', 'txc_tx', ['system_id', 'created_at', 'tx_id']);
    await index('txc_tx_topic_tag_created', 'txc_tx', ['topic', 'tag', 'created_at', 'tx_id']);
    await index('txc_tx_state_created_id', 'txc_tx', ['state', 'created_at', 'tx_id']);
    // Backlog: committed transactions by decision time.
    await index('txc_tx_state_decided', 'txc_tx', ['state', 'decided_at', 'topic', 'tag']);
    // Overview: check-backs and decisions of the last day, read from the timeline by type and time.
    await index('txc_tx_event_type_at', 'txc_tx_event', ['type', 'at']);
    // Subscribers: per group over a time window (covering: status and attempts need no row read).
    await index('txc_consume_barrier_group_updated', 'txc_consume_barrier', ['group_id', 'updated_at', 'status', 'attempts']);
    await index('txc_consume_conflict_group_detected', 'txc_consume_conflict', ['group_id', 'detected_at']);
    // Dead letters: newest first overall, by status, by tag, by message key (trace).
    await index('txc_dead_letter_at', 'txc_dead_letter', ['dead_lettered_at', 'id']);
    await index('txc_dead_letter_status_at', 'txc_dead_letter', ['status', 'dead_lettered_at', 'id']);
    await index('txc_dead_letter_tag_at', 'txc_dead_letter', ['tag', 'dead_lettered_at', 'id']);
    await index('txc_dead_letter_key', 'txc_dead_letter', ['message_key']);
    await index('txc_dead_letter_group_at', 'txc_dead_letter', ['group_id', 'dead_lettered_at', 'id']);
    await index('txc_alert_incident_seen', 'txc_alert_incident', ['last_seen_at', 'incident_key']);
    await index('txc_alert_incident_window', 'txc_alert_incident', ['window_started_at']);
    await index('txc_reconcile_report_finished_id', 'txc_reconcile_report', ['finished_at', 'run_id']);

    await createTable(db, 'txc_console_audit')
      .addColumn('id', mysql ? 'bigint' : 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'varchar(64)', (c) => c.notNull())
      .addColumn('role', 'varchar(16)')
      .addColumn('action', 'varchar(16)', (c) => c.notNull())
      .addColumn('target', 'varchar(256)', (c) => c.notNull())
      .addColumn('result', 'varchar(16)', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addColumn('source_ip', 'varchar(64)')
      .execute();
    await index('txc_console_audit_actor', 'txc_console_audit', ['actor', 'id']);
    await index('txc_console_audit_action', 'txc_console_audit', ['action', 'id']);

    // One row per (name, address) hash with recent failures; expired rows are pruned on each failure.
    await createTable(db, 'txc_console_login_throttle')
      .addColumn('throttle_key', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('window_started_at', 'bigint', (c) => c.notNull())
      .addColumn('locked_until', 'bigint', (c) => c.notNull())
      .execute();
    await index('txc_console_login_throttle_window', 'txc_console_login_throttle', ['window_started_at']);
  },
};
