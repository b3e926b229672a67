import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Migration } from 'kysely';
import { createTable } from '../createTable';

/**
 * Effects of the five companion consumers: touch-points (operations), service tickets (customer
 * service), journeys and the discount-purchase slave result (orchestration), compliance verdicts, and
 * the data center's append-only archive. Each effect row is unique on the event it came from, a
 * second line of defence behind the consume barrier.
 */
export const companionDomainsMigration: Migration = {
  async up(db: Kysely<any>) {
    await createTable(db, 'txc_touchpoint')
      .addColumn('event_id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('business_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('customer_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('channel', 'varchar(16)', (c) => c.notNull())
      .addColumn('title', 'varchar(200)', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('deliver_after', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await createTable(db, 'txc_ticket')
      .addColumn('ticket_no', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('customer_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('category', 'varchar(32)', (c) => c.notNull())
      .addColumn('subject', 'varchar(200)', (c) => c.notNull())
      .addColumn('priority', 'varchar(16)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await createTable(db, 'txc_ticket_event')
      .addColumn('event_id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('ticket_no', 'varchar(64)', (c) => c.notNull())
      .addColumn('action', 'varchar(16)', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();

    await createTable(db, 'txc_journey')
      .addColumn('journey_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('customer_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('stage', 'varchar(16)', (c) => c.notNull())
      .addColumn('step', 'varchar(64)', (c) => c.notNull())
      .addColumn('steps_done', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await createTable(db, 'txc_journey_step')
      .addColumn('event_id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('journey_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('stage', 'varchar(16)', (c) => c.notNull())
      .addColumn('step', 'varchar(64)', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await createTable(db, 'txc_slave_purchase')
      .addColumn('tx_id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('order_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('customer_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('fund_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addColumn('trading_reference', 'varchar(128)')
      .addColumn('completed_at', 'bigint', (c) => c.notNull())
      .execute();

    await createTable(db, 'txc_compliance_verdict')
      .addColumn('event_id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('business_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('tag', 'varchar(64)', (c) => c.notNull())
      .addColumn('verdict', 'varchar(16)', (c) => c.notNull())
      .addColumn('rule_set', 'varchar(64)', (c) => c.notNull())
      .addColumn('findings', 'text', (c) => c.notNull())
      .addColumn('reviewed_at', 'bigint', (c) => c.notNull())
      .execute();

    await createTable(db, 'txc_archive_event')
      .addColumn('group_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('topic', 'varchar(64)', (c) => c.notNull())
      .addColumn('tag', 'varchar(64)')
      .addColumn('event_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('business_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('source', 'varchar(64)', (c) => c.notNull())
      .addColumn('body', sql`longtext`, (c) => c.notNull())
      .addColumn('published_at', 'bigint', (c) => c.notNull())
      .addColumn('archived_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('txc_archive_event_pk', ['group_id', 'message_id'])
      .execute();
    await db.schema.createIndex('txc_archive_event_bkey').on('txc_archive_event').columns(['business_key', 'published_at']).execute();
  },
};
