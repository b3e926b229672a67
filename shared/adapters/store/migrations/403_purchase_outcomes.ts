import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * Discount purchases end in a final state at the orchestration consumer: FUND_PURCHASED or
 * FUND_PURCHASE_REFUSED (with the trading system's code and reason), with the fee charged and the id
 * of the follow-up plain event it published (the journey step, or the customer-service notice).
 * Journeys remember when their next step is due (the post-purchase review). One ALTER per column
 * (SQLite adds one at a time).
 */
export const purchaseOutcomesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('txc_slave_purchase')
      .addColumn('outcome', 'varchar(24)', (c) => c.notNull().defaultTo('FUND_PURCHASED'))
      .execute();
    for (const [name, type] of [
      ['refusal_code', 'varchar(64)'],
      ['refusal_reason', 'varchar(512)'],
      ['fee_fen', 'bigint'],
      ['follow_up_event_id', 'varchar(64)'],
    ] as const)
      await db.schema.alterTable('txc_slave_purchase').addColumn(name, type).execute();
    await db.schema.alterTable('txc_journey').addColumn('next_due_at', 'bigint').execute();
  },
};
