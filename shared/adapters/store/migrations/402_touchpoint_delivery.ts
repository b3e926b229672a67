import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * Touch-points that compliance gates and a channel sender delivers: who owns the content (the event's
 * source system), whether it is a transaction notice (exempt from quiet hours and marketing review),
 * the review outcome, and the send claim, attempts and provider answer. SQLite adds one column per
 * statement, so each is its own ALTER.
 */
export const touchpointDeliveryMigration: Migration = {
  async up(db: Kysely<any>) {
    const columns: [string, 'varchar(24)' | 'varchar(64)' | 'varchar(128)' | 'varchar(512)' | 'text' | 'bigint' | 'integer'][] = [
      ['owner', 'varchar(64)'],
      ['review_findings', 'text'],
      ['reviewed_at', 'bigint'],
      ['claim_token', 'varchar(64)'],
      ['claimed_until', 'bigint'],
      ['next_attempt_at', 'bigint'],
      ['provider_id', 'varchar(128)'],
      ['sent_at', 'bigint'],
      ['failure_reason', 'varchar(512)'],
      ['updated_at', 'bigint'],
    ];
    await db.schema
      .alterTable('txc_touchpoint')
      .addColumn('kind', 'varchar(24)', (c) => c.notNull().defaultTo('MARKETING'))
      .execute();
    await db.schema
      .alterTable('txc_touchpoint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    for (const [name, type] of columns) await db.schema.alterTable('txc_touchpoint').addColumn(name, type).execute();
    await db.schema.createIndex('txc_touchpoint_status_due').on('txc_touchpoint').columns(['status', 'deliver_after']).execute();
  },
};
