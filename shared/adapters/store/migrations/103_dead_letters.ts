import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Migration } from 'kysely';
import { createTable } from '../createTable';

/** Dead letters received by dlq-alerter (with history and replay state) and alert incidents. */
export const deadLettersMigration: Migration = {
  async up(db: Kysely<any>) {
    await createTable(db, 'txc_dead_letter')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('group_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('topic', 'varchar(64)', (c) => c.notNull())
      .addColumn('tag', 'varchar(64)')
      .addColumn('message_key', 'varchar(128)')
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('dedup_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('body', sql`longtext`, (c) => c.notNull())
      .addColumn('properties', 'text', (c) => c.notNull())
      .addColumn('error_code', 'varchar(64)', (c) => c.notNull())
      .addColumn('error_message', 'text', (c) => c.notNull())
      .addColumn('error_kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('history', sql`longtext`, (c) => c.notNull())
      .addColumn('replay_of', 'varchar(64)')
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('replay_id', 'varchar(96)')
      .addColumn('replay_message_id', 'varchar(64)')
      .addColumn('replayed_at', 'bigint')
      .addColumn('dead_lettered_at', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('txc_dead_letter_group').on('txc_dead_letter').columns(['group_id', 'dead_lettered_at']).execute();

    await createTable(db, 'txc_alert_incident')
      .addColumn('incident_key', 'varchar(191)', (c) => c.primaryKey())
      .addColumn('kind', 'varchar(64)', (c) => c.notNull())
      .addColumn('window_started_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('occurrences', 'integer', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
  },
};
