import { alertSinkOf } from '../alert/alertConfig';
import { BusinessSystems } from '../auth';
import { catalog } from '../catalog';
import { REPLAY_PROPERTIES } from '../consumer/types';
import { mqConnectionOf } from '../../config';
import type { Logger } from '../../logger';
import { MqClient } from '../../adapters/mq';
import type { Database } from '../../adapters/store/Database';
import { SqlTxStore } from '../tx';
import { reviewGateCheck } from '../../domain/touchpoints/reviewGate';
import type { ReconcilerConfig } from './config';
import { Reconciler } from './Reconciler';
import { ReportStore } from './ReportStore';

/** Builds the reconciler and its report store from configuration over an open database. */
export function createReconciler(
  config: ReconcilerConfig,
  database: Database,
  logger: Logger,
): { reconciler: Reconciler; reports: ReportStore } {
  const mq = new MqClient(mqConnectionOf(config));
  const reconciler = new Reconciler({
    db: database.db,
    store: new SqlTxStore(database.db),
    catalog: catalog(),
    systems: new BusinessSystems(config.TXC_SYSTEMS),
    republisher: {
      // The same key (the txId) and body as the original: the idempotent consumer applies it at most once;
      // the replay-group property makes every other subscriber of the tag skip the copy.
      async republish(tx, group) {
        await mq.publish(tx.topic, {
          body: tx.body,
          tag: tx.tag,
          key: tx.txId,
          properties: { ...tx.properties, [REPLAY_PROPERTIES.group]: group },
        });
      },
    },
    alerts: alertSinkOf(config, database.db, logger),
    logger,
    // The wiring is where domains meet the engine: the Reconciler itself knows no domain table.
    domainChecks: [reviewGateCheck(database.db, config.TXC_TOUCHPOINT_REVIEW_SLA_SECONDS, config.TXC_RECONCILE_BATCH_LIMIT)],
    policy: {
      stuckAfterSeconds: config.TXC_RECONCILE_STUCK_AFTER_SECONDS,
      maxConsumeSlaSeconds: config.TXC_RECONCILE_MAX_SLA_SECONDS,
      lookbackSeconds: config.TXC_RECONCILE_LOOKBACK_SECONDS,
      batchLimit: config.TXC_RECONCILE_BATCH_LIMIT,
    },
  });
  return { reconciler, reports: new ReportStore(database.db) };
}
