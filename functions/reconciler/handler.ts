import { timerHandler } from '../../shared/adapters/fc/timer';
import { createLogger } from '../../shared/logger';
import type { Reconciler, ReportStore } from '../../shared/engines/reconcile';
import { createReconciler, formatReport, readReconcilerConfig } from '../../shared/engines/reconcile';
import { openDatabase } from '../../shared/adapters/store/openDatabase';

const config = readReconcilerConfig();
const logger = createLogger('reconciler', config.TXC_LOG_LEVEL);

let dependencies: Promise<{ reconciler: Reconciler; reports: ReportStore }> | undefined;

/** Built on the first invocation and kept for the warm instance; a failed build is retried next time. */
function deps() {
  dependencies ??= openDatabase(config.TXC_DATABASE_URL)
    .then((database) => createReconciler(config, database, logger))
    .catch((error: unknown) => {
      dependencies = undefined;
      throw error;
    });
  return dependencies;
}

/** reconciler (timer trigger): one reconciliation run; the report is stored, logged and returned. */
export const handler = timerHandler(async (_event, context) => {
  const { reconciler, reports } = await deps();
  const report = await reconciler.run(context);
  await reports.save(report);
  logger.info({ requestId: context.requestId, clean: report.clean }, formatReport(report));
  return report;
});
