/**
 * Child process of the crash test: pulls GID_TXC_OPS once with a handler that, on the message whose
 * customer is `CRASH`, writes a marker file and hangs (the parent then kills it with SIGKILL).
 * argv: brokerUrl databaseUrl markerFile
 */
import { writeFileSync } from 'node:fs';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET } from '../../../../local/broker/options';
import { ConsumerRuntime } from '../../../../shared/engines/consumer/ConsumerRuntime';
import { pullOnce } from '../../../../shared/engines/consumer/pullConsumer';
import { contextWithDeadline } from '../../../../shared/engines/invocation/InvocationContext';
import { MqClient } from '../../../../shared/adapters/mq/MqClient';
import { openDatabase } from '../../../../shared/adapters/store/openDatabase';
import { touchpointHandler } from '../../../../shared/domain/touchpoints/touchpointHandler';
import { RecordingAlertSink, silentLogger } from './factories';

/** The child's invocation deadline = its barrier lease: short, so the parent can take over soon. */
const CHILD_LEASE_MS = 2_000;

const [brokerUrl, databaseUrl, markerFile] = process.argv.slice(2) as [string, string, string];
const database = await openDatabase(databaseUrl);
const mq = new MqClient({ endpoint: brokerUrl, accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET });
const inner = touchpointHandler();
const runtime = new ConsumerRuntime({
  group: 'GID_TXC_OPS',
  db: database.db,
  publisher: mq,
  alerts: new RecordingAlertSink(),
  logger: silentLogger,
  handler: {
    ...inner,
    // The hang stands for a remote step, so this handler takes the claimed (leased) path.
    localOnly: false,
    async handle(decoded, context) {
      if (decoded.value.payload.customerId === 'CRASH') {
        writeFileSync(markerFile, context.message.messageId);
        // Hang until killed; the timer keeps the event loop alive, or Node would exit (code 13: unsettled await).
        await new Promise(() => setInterval(() => {}, 1_000));
      }
      return inner.handle(decoded, context);
    },
  },
});
await pullOnce(mq, runtime, contextWithDeadline('child', 'crash-test', Date.now() + CHILD_LEASE_MS), { maxMessages: 16, waitSeconds: 5 });
