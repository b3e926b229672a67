import type { AlertOutbox } from '../../../engines/alert/AlertSink';
import { alertSinkOf } from '../../../engines/alert/alertConfig';
import { catalog } from '../../../engines/catalog';
import { mqConnectionOf } from '../../../config';
import { mqHandler } from './handler';
import type { FcMqHandler } from './handler';
import type { Logger } from '../../../logger';
import { createLogger } from '../../../logger';
import { MqClient } from '../../mq/MqClient';
import type { Database } from '../../store/Database';
import { openDatabase } from '../../store/openDatabase';
import type { ConsumerConfig } from '../../../engines/consumer/config';
import { readConsumerConfig } from '../../../engines/consumer/config';
import { consumerApp } from '../../../engines/consumer/consumerApp';
import { ConsumerConfigError, ConsumerRuntime } from '../../../engines/consumer/ConsumerRuntime';
import type { MessageHandler } from '../../../engines/consumer/types';

/** What a consumer function builds once per instance (module scope on a warm FC instance). */
export interface ConsumerDependencies {
  readonly config: ConsumerConfig;
  readonly database: Database;
  readonly mq: MqClient;
  /** Alerts, aggregated per incident in the database, which is also their outbox. */
  readonly alerts: AlertOutbox;
  readonly logger: Logger;
}

/** Opens the database (migrating it), the MQ client and the alert sink from configuration. */
export async function consumerDependencies(
  functionName: string,
  config: ConsumerConfig = readConsumerConfig(),
): Promise<ConsumerDependencies> {
  const logger = createLogger(functionName, config.TXC_LOG_LEVEL);
  const database = await openDatabase(config.TXC_DATABASE_URL);
  return { config, database, mq: new MqClient(mqConnectionOf(config)), alerts: alertSinkOf(config, database.db, logger), logger };
}

/** One runtime per MQ trigger of `functionName` in the catalog, with the handler for its group. */
export function runtimesFor(
  functionName: string,
  deps: ConsumerDependencies,
  handlers: Readonly<Record<string, MessageHandler<any>>>,
): ConsumerRuntime[] {
  const triggers = catalog()
    .mqTriggers()
    .filter((trigger) => trigger.function === functionName);
  if (triggers.length === 0)
    throw new ConsumerConfigError('CONSUMER_FUNCTION_UNKNOWN', `function '${functionName}' has no MQ trigger in the catalog`);
  return triggers.map(({ subscription }) => {
    const handler = handlers[subscription.id];
    if (!handler)
      throw new ConsumerConfigError('CONSUMER_HANDLER_MISSING', `function '${functionName}' has no handler for group '${subscription.id}'`);
    return new ConsumerRuntime({
      group: subscription.id,
      handler,
      db: deps.database.db,
      publisher: deps.mq,
      alerts: deps.alerts,
      logger: deps.logger,
      maxBodyBytes: deps.config.TXC_CONSUMER_MAX_BODY_BYTES,
      maxAttempts: deps.config.TXC_CONSUMER_MAX_ATTEMPTS,
    });
  });
}

/** Builds dependencies on first use and keeps them for the instance's life; a failed build is retried next time. */
export function lazyDependencies(functionName: string): () => Promise<ConsumerDependencies> {
  let deps: Promise<ConsumerDependencies> | undefined;
  return () =>
    (deps ??= consumerDependencies(functionName).catch((error: unknown) => {
      deps = undefined;
      throw error;
    }));
}

/**
 * The FC handler of a consumer function: builds its dependencies on the first invocation (kept for
 * the instance's life) and routes each trigger batch through the consumer runtime.
 */
export function consumerFunction(
  functionName: string,
  handlersOf: (deps: ConsumerDependencies) => Readonly<Record<string, MessageHandler<any>>>,
  dependencies: () => Promise<ConsumerDependencies> = lazyDependencies(functionName),
): FcMqHandler {
  let app: ReturnType<typeof consumerApp> | undefined;
  return mqHandler(async (messages, context) => {
    if (!app) {
      const deps = await dependencies();
      app = consumerApp(runtimesFor(functionName, deps, handlersOf(deps)), deps.logger);
    }
    return app(messages, context);
  });
}
