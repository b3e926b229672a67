import type { Kysely } from 'kysely';
import { IncidentAggregator } from '../../shared/alert/IncidentAggregator';
import { LogAlertSink } from '../../shared/alert/LogAlertSink';
import { WebhookAlertSink } from '../../shared/alert/WebhookAlertSink';
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
  const sink = config.TXC_ALERT_WEBHOOK_URL
    ? new WebhookAlertSink({ url: config.TXC_ALERT_WEBHOOK_URL, format: config.TXC_ALERT_WEBHOOK_FORMAT, secret: config.TXC_ALERT_WEBHOOK_SECRET })
    : new LogAlertSink(logger);
  return new CheckbackRunner({
    store: new SqlTxStore(database.db as Kysely<TxTables>),
    broker: new MqClient(mqConnectionOf(config)),
    catalog: catalog(),
    systems: new BusinessSystems(config.TXC_SYSTEMS),
    alerts: new IncidentAggregator({ db: database.db, sink, windowSeconds: config.TXC_ALERT_WINDOW_SECONDS, logger }),
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
