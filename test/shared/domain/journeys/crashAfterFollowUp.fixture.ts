/**
 * Child process of the purchase crash test: pulls GID_TXC_ORCH_TRADE once with the production
 * discount-purchase handler whose follow-up publisher, once the follow-up event is stored and sent,
 * writes a marker file and hangs — the parent then SIGKILLs it between the event and the commit.
 * argv: brokerUrl databaseUrl tradingUrl markerFile
 */
import { writeFileSync } from 'node:fs';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET } from '../../../../local/broker/options';
import { MqClient } from '../../../../shared/adapters/mq/MqClient';
import { openDatabase } from '../../../../shared/adapters/store/openDatabase';
import { discountPurchaseHandler } from '../../../../shared/domain/journeys/discountPurchaseHandler';
import { TradingClient } from '../../../../shared/domain/journeys/TradingClient';
import { catalog } from '../../../../shared/engines/catalog';
import { ConsumerRuntime } from '../../../../shared/engines/consumer/ConsumerRuntime';
import { pullOnce } from '../../../../shared/engines/consumer/pullConsumer';
import { contextWithDeadline } from '../../../../shared/engines/invocation/InvocationContext';
import { PlainEventPublisher, SqlTxStore } from '../../../../shared/engines/tx';
import { RecordingAlertSink, silentLogger } from '../../engines/consumer/factories';

/** The child's invocation deadline = its barrier lease: short, so the parent can take over soon. */
const CHILD_LEASE_MS = 5_000;

const [brokerUrl, databaseUrl, tradingUrl, markerFile] = process.argv.slice(2) as [string, string, string, string];
const database = await openDatabase(databaseUrl);
const mq = new MqClient({ endpoint: brokerUrl, accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET });
const real = new PlainEventPublisher({ store: new SqlTxStore(database.db), broker: mq, catalog: catalog() });
const runtime = new ConsumerRuntime({
  group: 'GID_TXC_ORCH_TRADE',
  db: database.db,
  publisher: mq,
  alerts: new RecordingAlertSink(),
  logger: silentLogger,
  handler: discountPurchaseHandler(new TradingClient(tradingUrl), {
    async publish(systemId, request) {
      const published = await real.publish(systemId, request);
      writeFileSync(markerFile, published.event.txId);
      // Hang until killed; the timer keeps the event loop alive, or Node would exit (code 13: unsettled await).
      await new Promise(() => setInterval(() => {}, 1_000));
      return published;
    },
  }),
});
await pullOnce(mq, runtime, contextWithDeadline('child', 'purchase-crash-test', Date.now() + CHILD_LEASE_MS), {
  maxMessages: 1,
  waitSeconds: 5,
});
