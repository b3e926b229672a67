import type { Kysely } from 'kysely';
import type { ReconcileReport } from './types';

interface ReportTables {
  txc_reconcile_report: { run_id: string; finished_at: number | string; clean: number; report: string };
}

/** Keeps every reconciliation report (JSON) so `txcenter reconcile --last` and dashboards can read them. */
export class ReportStore {
  constructor(private readonly db: Kysely<any>) {}

  private get tables(): Kysely<ReportTables> {
    return this.db as Kysely<ReportTables>;
  }

  async save(report: ReconcileReport): Promise<void> {
    await this.tables
      .insertInto('txc_reconcile_report')
      .values({
        run_id: report.runId,
        finished_at: Date.parse(report.finishedAt),
        clean: report.clean ? 1 : 0,
        report: JSON.stringify(report),
      })
      .execute();
  }

  async latest(): Promise<ReconcileReport | undefined> {
    const row = await this.tables
      .selectFrom('txc_reconcile_report')
      .select('report')
      .orderBy('finished_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? (JSON.parse(row.report) as ReconcileReport) : undefined;
  }
}
