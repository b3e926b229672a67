import { alertSinkOf } from '../../shared/alert/alertConfig';
import type { Kysely } from 'kysely';
import { BusinessSystems } from '../../shared/auth';
import { catalog } from '../../shared/catalog';
import { CheckbackRunner } from '../../shared/checkback';
import { mqConnectionOf } from '../../shared/config';
import { timerHandler } from '../../shared/fc/timer';
import { createLogger } from '../../shared/logger';
import { MqClient } from '../../shared/mq';
import { openDatabase } from '../../shared/store/openDatabase';
import type { TxTables } from '../../shared/tx';
import { SqlTxStore } from '../../shared/tx';
import { readCheckbackConfig } from './config';

/** Built once per instance, on the first run (module scope survives on warm instances). */
let runner: Promise<CheckbackRunner> | undefined;

async function buildRunner(): Promise<CheckbackRunner> {
  const config = readCheckbackConfig();
  const logger = createLogger('tx-checkback', config.TXC_LOG_LEVEL);
  const database = await openDatabase(config.TXC_DATABASE_URL);
  return new CheckbackRunner({
    store: new SqlTxStore(database.db as Kysely<TxTables>),
    broker: new MqClient(mqConnectionOf(config)),
    catalog: catalog(),
    systems: new BusinessSystems(config.TXC_SYSTEMS),
    alerts: alertSinkOf(config, database.db, logger),
    logger,
    checkbackTimeoutMs: config.TXC_CHECKBACK_TIMEOUT_MS,
    safetyMarginMs: config.TXC_CHECKBACK_SAFETY_MARGIN_MS,
  });
}

/** tx-checkback: resolves half-message checks on every timer tick, within the invocation's budget. */
export const handler = timerHandler(async (_event, context) => {
  runner ??= buildRunner().catch((error: unknown) => {
    runner = undefined; // a failed cold start is retried on the next tick
    throw error;
  });
  return (await runner).run(context);
});
