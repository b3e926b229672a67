import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, startBroker } from '../../../../local/broker';
import { IncidentAggregator } from '../../../../shared/engines/alert/IncidentAggregator';
import { WebhookAlertSink } from '../../../../shared/engines/alert/WebhookAlertSink';
import { archiveHandler } from '../../../../shared/domain/archive/archiveHandler';
import { DEFAULT_COMPLIANCE_RULES } from '../../../../shared/domain/compliance/complianceRules';
import { complianceHandler } from '../../../../shared/domain/compliance/complianceHandler';
import { ConsumerRuntime } from '../../../../shared/engines/consumer/ConsumerRuntime';
import { pullOnce } from '../../../../shared/engines/consumer/pullConsumer';
import type { MessageHandler } from '../../../../shared/engines/consumer/types';
import { deadLetterHandler } from '../../../../shared/engines/dlq/deadLetterHandler';
import type { FollowUpPublisher } from '../../../../shared/domain/journeys/discountPurchaseHandler';
import { discountPurchaseHandler } from '../../../../shared/domain/journeys/discountPurchaseHandler';
import { catalog } from '../../../../shared/engines/catalog';
import { PlainEventPublisher, SqlTxStore } from '../../../../shared/engines/tx';
import { journeyHandler } from '../../../../shared/domain/journeys/journeyHandler';
import { TradingClient } from '../../../../shared/domain/journeys/TradingClient';
import { MqClient } from '../../../../shared/adapters/mq/MqClient';
import { openDatabase } from '../../../../shared/adapters/store/openDatabase';
import { ticketHandler } from '../../../../shared/domain/tickets/ticketHandler';
import { touchpointHandler } from '../../../../shared/domain/touchpoints/touchpointHandler';
import { invocation, silentLogger } from './factories';
import { startRecordingServer } from './recordingServer';

export const WEBHOOK_SECRET = 'SECtest0123456789abcdef';

/** Every catalog group with its production handler. */
export function productionHandlers(trading: TradingClient, followUps: FollowUpPublisher): Record<string, MessageHandler<any>> {
  return {
    GID_TXC_OPS: touchpointHandler(),
    GID_TXC_CS: ticketHandler(),
    GID_TXC_ORCH: journeyHandler(),
    GID_TXC_ORCH_TRADE: discountPurchaseHandler(trading, followUps),
    GID_TXC_COMPLIANCE: complianceHandler(DEFAULT_COMPLIANCE_RULES),
    GID_TXC_DATACENTER: archiveHandler(),
    GID_TXC_DATACENTER_TRADE: archiveHandler(),
    GID_TXC_DLQ: deadLetterHandler(),
  };
}

/**
 * The real pieces: local broker (1 s invisibility), the real SDK through MqClient, an SQLite file (or
 * `databaseUrl`), a
 * DingTalk-format webhook receiver and a trading system, both real HTTP servers recording calls.
 */
export async function startConsumerStack(
  options: {
    maxAttempts?: number;
    trading?: Parameters<typeof startRecordingServer>[0];
    databaseUrl?: string;
    /** Wraps the real follow-up publisher (e.g. to crash after it). */
    followUps?: (real: FollowUpPublisher) => FollowUpPublisher;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'txc-consumers-'));
  const broker = await startBroker({ port: 0, dataDir: join(dir, 'broker'), autoCreate: true, invisibilitySeconds: 1 });
  const mq = new MqClient({ endpoint: broker.url, accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET });
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(dir, 'txc.db')}`;
  const database = await openDatabase(databaseUrl);
  const webhook = await startRecordingServer(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
  const trading = await startRecordingServer(options.trading ?? (() => ({ status: 200, body: { reference: 'TRD-1' } })));
  const alerts = new IncidentAggregator({
    db: database.db,
    sink: new WebhookAlertSink({ url: `${webhook.url}/robot/send?access_token=t`, format: 'dingtalk', secret: WEBHOOK_SECRET }),
    windowSeconds: 600,
  });
  const followUps = new PlainEventPublisher({ store: new SqlTxStore(database.db), broker: mq, catalog: catalog() });
  const handlers = productionHandlers(new TradingClient(trading.url), options.followUps?.(followUps) ?? followUps);
  const runtimes = Object.entries(handlers).map(
    ([group, handler]) =>
      new ConsumerRuntime({
        group,
        handler,
        db: database.db,
        publisher: mq,
        alerts,
        logger: silentLogger,
        retryDelay: () => 0,
        maxAttempts: options.maxAttempts ?? 3,
      }),
  );
  const runtime = (group: string) => runtimes.find((r) => r.group === group)!;
  /** Pulls every group until `done()` holds (unsettled messages come back after the 1 s invisibility). */
  async function pumpUntil(done: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const r of runtimes) await pullOnce(mq, r, invocation());
      if (await done()) return;
      await sleep(150);
    }
    throw new Error('pumpUntil: condition not reached in time');
  }
  return {
    dir,
    broker,
    mq,
    databaseUrl,
    database,
    db: database.db,
    webhook,
    trading,
    runtime,
    pumpUntil,
    async close() {
      await database.close();
      await broker.close();
      await webhook.close();
      await trading.close();
    },
  };
}
