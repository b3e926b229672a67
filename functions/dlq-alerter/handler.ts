import { ConsumeBarrier } from '../../shared/consumer/ConsumeBarrier';
import { consumerFunction, lazyDependencies } from '../../shared/consumer/consumerFunction';
import { bearerTokenAuthenticator } from '../../shared/dlq/replayAuthenticator';
import { deadLetterHandler } from '../../shared/dlq/deadLetterHandler';
import { DeadLetterStore } from '../../shared/dlq/DeadLetterStore';
import { replayHttpApp } from '../../shared/dlq/replayHttpApp';
import { httpHandler } from '../../shared/fc/http/handler';
import type { HttpApp } from '../../shared/fc/InvocationContext';
import { isMqTriggerEvent } from '../../shared/fc/mq/parseMqEvent';

/**
 * dlq-alerter: the MQ trigger on the DLQ topic stores dead letters and alerts once per incident; the
 * HTTP trigger lists, shows and replays them (bearer token TXC_DLQ_REPLAY_TOKEN). One FC function has
 * one entry point, so the payload's shape picks the adapter: a JSON array is a RocketMQ batch.
 */
const dependencies = lazyDependencies('dlq-alerter');

const consume = consumerFunction('dlq-alerter', () => ({ GID_TXC_DLQ: deadLetterHandler() }), dependencies);

let app: HttpApp | undefined;
const http = httpHandler(async (request, context) => {
  if (!app) {
    const deps = await dependencies();
    app = replayHttpApp({
      store: new DeadLetterStore(deps.database.db),
      barrier: new ConsumeBarrier(deps.database.db),
      publisher: deps.mq,
      authenticator: bearerTokenAuthenticator(deps.config.TXC_DLQ_REPLAY_TOKEN),
      logger: deps.logger,
    });
  }
  return app(request, context);
});

export async function handler(event: unknown, context: unknown, third?: unknown): Promise<unknown> {
  return isMqTriggerEvent(event) ? consume(event as Buffer, context) : (http as (...args: unknown[]) => Promise<unknown>)(event, context, third);
}
