import type { Kysely } from 'kysely';
import { createTable } from '../createTable';

/** The reconciler's reports (`txcenter reconcile --last` prints the newest). */
export const reconcileReportsMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await createTable(db, 'txc_reconcile_report')
      .addColumn('run_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('finished_at', 'bigint', (c) => c.notNull())
      .addColumn('clean', 'integer', (c) => c.notNull())
      .addColumn('report', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('txc_reconcile_report_finished').on('txc_reconcile_report').column('finished_at').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('txc_reconcile_report').execute();
  },
};
