import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Migration } from 'kysely';
import { createTable } from '../createTable';

/**
 * The consumer runtime's consume barrier (one row per subscriber group and message key/id), its
 * attempt history, and key-reuse conflicts. `longtext` means TEXT on SQLite and up to 4 GB on MySQL.
 */
export const consumerRuntimeMigration: Migration = {
  async up(db: Kysely<any>) {
    await createTable(db, 'txc_consume_barrier')
      .addColumn('group_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('dedup_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('status', 'varchar(24)', (c) => c.notNull())
      .addColumn('payload_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('topic', 'varchar(64)', (c) => c.notNull())
      .addColumn('tag', 'varchar(64)')
      .addColumn('event_id', 'varchar(128)')
      .addColumn('business_key', 'varchar(128)')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('lease_token', 'varchar(36)', (c) => c.notNull())
      .addColumn('lease_until', 'bigint', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('replay_id', 'varchar(96)')
      .addColumn('last_error_code', 'varchar(64)')
      .addColumn('last_error', 'text')
      .addColumn('summary', 'text')
      .addColumn('dead_letter_id', 'varchar(64)')
      .addColumn('dlq_published_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .addPrimaryKeyConstraint('txc_consume_barrier_pk', ['group_id', 'dedup_key'])
      .execute();
    // The reconciler asks "has group G consumed eventId X?"; timelines list by business key.
    await db.schema.createIndex('txc_consume_barrier_event').on('txc_consume_barrier').columns(['event_id', 'group_id']).execute();
    await db.schema.createIndex('txc_consume_barrier_bkey').on('txc_consume_barrier').column('business_key').execute();

    await createTable(db, 'txc_consume_attempt')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('group_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('dedup_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('delivery_count', 'integer')
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint', (c) => c.notNull())
      .addColumn('outcome', 'varchar(24)', (c) => c.notNull())
      .addColumn('error_code', 'varchar(64)')
      .addColumn('error_message', 'text')
      .execute();
    await db.schema.createIndex('txc_consume_attempt_key').on('txc_consume_attempt').columns(['group_id', 'dedup_key']).execute();

    await createTable(db, 'txc_consume_conflict')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('group_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('dedup_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('stored_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('received_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('body', sql`longtext`, (c) => c.notNull())
      .addColumn('detected_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('txc_consume_conflict_key').on('txc_consume_conflict').columns(['group_id', 'dedup_key']).execute();
  },
};
