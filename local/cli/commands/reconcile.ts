import { parseArgs } from 'node:util';
import type { Command } from '../command';
import { dataFolderArg } from '../args';
import { localStackEnvironment } from '../localStackEnvironment';

const USAGE = `Usage: txcenter reconcile [--data <dir>] [--last] [--json]

Runs the reconciler now against the local stack's database and broker (or the TXC_* environment):
transactions stuck in PREPARED (re-drives their check-back), committed transactions whose expected
subscribers recorded no consumption within their SLA (re-publishes with the same key), and the
dead-letter backlog. Prints the readable report, or JSON with --json.

Options:
  --data <dir>   data folder of the local stack (default .txcenter)
  --last         print the last stored report instead of running
  --json         print the report as JSON`;

export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'run the reconciler now (or --last) and print its report',
  usage: USAGE,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        data: { type: 'string', default: '.txcenter' },
        last: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const { createReconciler, formatReport, readReconcilerConfig } = await import('../../../shared/engines/reconcile');
    const { openDatabase } = await import('../../../shared/adapters/store/openDatabase');
    const { createLogger } = await import('../../../shared/logger');
    const { contextWithDeadline } = await import('../../../shared/engines/invocation/InvocationContext');
    const dataDir = dataFolderArg(values.data, { mustExist: true });
    const config = readReconcilerConfig(await localStackEnvironment(dataDir));
    const database = await openDatabase(config.TXC_DATABASE_URL);
    try {
      const { reconciler, reports } = createReconciler(config, database, createLogger('reconciler', 'warn', process.stderr));
      const report = values.last
        ? await reports.latest()
        : await reconciler.run(contextWithDeadline('cli', 'reconciler', Date.now() + 120_000));
      if (!report) {
        console.error('no reconciliation report stored yet');
        return 1;
      }
      if (!values.last) await reports.save(report);
      console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
      return report.clean ? 0 : 3;
    } finally {
      await database.close();
    }
  },
};
