import { alertSinkOf } from '../../shared/engines/alert/alertConfig';
import type { Kysely } from 'kysely';
import { BusinessSystems } from '../../shared/engines/auth';
import { catalog } from '../../shared/engines/catalog';
import { CheckbackRunner } from '../../shared/engines/checkback';
import { mqConnectionOf } from '../../shared/config';
import { timerHandler } from '../../shared/adapters/fc/timer';
import { createLogger } from '../../shared/logger';
import { MqClient } from '../../shared/adapters/mq';
import type { AlertSink } from '../../shared/engines/alert/AlertSink';
import { assertDatabaseUrl, openDatabase } from '../../shared/adapters/store/openDatabase';
import { openOnce, openOnFirstCall } from '../../shared/adapters/store/openOnFirstCall';
import type { TxStore, TxTables } from '../../shared/engines/tx';
import { SqlTxStore } from '../../shared/engines/tx';
import { readCheckbackConfig } from './config';

/** Built once per instance, on the first run (module scope survives on warm instances). */
let runner: CheckbackRunner | undefined;

/**
 * Configuration is checked at once; the database is opened by the first half message that needs it,
 * so a tick with nothing to check (most of them) answers without connecting to MySQL.
 */
function buildRunner(): CheckbackRunner {
  const config = readCheckbackConfig();
  const logger = createLogger('tx-checkback', config.TXC_LOG_LEVEL);
  assertDatabaseUrl(config.TXC_DATABASE_URL);
  const database = openOnce(() => openDatabase(config.TXC_DATABASE_URL));
  return new CheckbackRunner({
    store: openOnFirstCall<TxStore>(async () => new SqlTxStore((await database()).db as Kysely<TxTables>)),
    broker: new MqClient(mqConnectionOf(config)),
    catalog: catalog(),
    systems: new BusinessSystems(config.TXC_SYSTEMS),
    alerts: openOnFirstCall<AlertSink>(async () => alertSinkOf(config, (await database()).db, logger)),
    logger,
    checkbackTimeoutMs: config.TXC_CHECKBACK_TIMEOUT_MS,
    safetyMarginMs: config.TXC_CHECKBACK_SAFETY_MARGIN_MS,
  });
}

/** tx-checkback: resolves half-message checks on every timer tick, within the invocation's budget. */
export const handler = timerHandler(async (_event, context) => {
  runner ??= buildRunner(); // a configuration error leaves `runner` unset: the next tick checks again
  return runner.run(context);
});
