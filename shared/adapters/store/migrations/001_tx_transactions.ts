import type { Kysely } from 'kysely';
import { MysqlAdapter } from 'kysely';
import { createTable } from '../createTable';

/**
 * The transaction center's tables: `txc_tx` (one row per transaction) and `txc_tx_event` (its
 * timeline). Keys are varchar, times bigint epoch ms, bodies text: the same meaning on SQLite and MySQL.
 */
export const txTransactionsMigration = {
  async up(db: Kysely<any>): Promise<void> {
    const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
    await createTable(db, 'txc_tx')
      .addColumn('tx_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('system_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('business_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('active_business_key', 'varchar(128)')
      .addColumn('topic', 'varchar(64)', (c) => c.notNull())
      .addColumn('tag', 'varchar(64)', (c) => c.notNull())
      .addColumn('payload_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('properties', 'text')
      .addColumn('checkback_path', 'varchar(256)')
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('broker', 'varchar(24)', (c) => c.notNull())
      .addColumn('reason', 'varchar(64)')
      .addColumn('message_id', 'varchar(64)')
      .addColumn('receipt_handle', 'varchar(512)')
      .addColumn('publish_claimed_at', 'bigint', (c) => c.notNull())
      .addColumn('check_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('decided_at', 'bigint')
      .execute();
    // NULLs never collide in a unique index (both dialects): a released key can be prepared again.
    await db.schema.createIndex('txc_tx_active_key').on('txc_tx').columns(['system_id', 'active_business_key']).unique().execute();
    await db.schema.createIndex('txc_tx_state_created').on('txc_tx').columns(['state', 'created_at']).execute();
    await createTable(db, 'txc_tx_event')
      .addColumn('id', mysql ? 'bigint' : 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('tx_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('actor', 'varchar(64)', (c) => c.notNull())
      .addColumn('detail', 'text')
      .execute();
    await db.schema.createIndex('txc_tx_event_tx').on('txc_tx_event').columns(['tx_id', 'id']).execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('txc_tx_event').execute();
    await db.schema.dropTable('txc_tx').execute();
  },
};
