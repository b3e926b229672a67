import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * Plain (normal) events live in `txc_tx` beside transactions, told apart by `kind`, so the timeline,
 * search and business-key trace of the console and the reconciler's missing-consumption check see
 * both without a second table. Existing rows are transactions.
 */
export const txPlainEventsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('txc_tx')
      .addColumn('kind', 'varchar(16)', (c) => c.notNull().defaultTo('TRANSACTIONAL'))
      .execute();
  },
};
