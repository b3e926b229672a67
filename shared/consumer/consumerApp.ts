import type { InvocationContext } from '../fc/InvocationContext';
import type { Logger } from '../logger';
import type { ConsumerRuntime } from './ConsumerRuntime';
import type { IncomingMessage, MessageOutcome } from './types';
import { OUTCOMES } from './types';

/**
 * One function, several triggers (e.g. consumer-orchestration: companion + fund-trade): a trigger
 * event carries the topic, not the group, and each function has one group per topic, so the topic
 * picks the runtime. A message of a topic this function does not subscribe to is logged and settled.
 */
export function consumerApp(runtimes: readonly ConsumerRuntime[], logger: Logger) {
  const byTopic = new Map(runtimes.map((runtime) => [runtime.subscription.topic, runtime]));
  return async (messages: readonly IncomingMessage[], context: InvocationContext): Promise<MessageOutcome[]> => {
    const outcomes: MessageOutcome[] = [];
    for (const message of messages) {
      const runtime = byTopic.get(message.topic);
      if (!runtime) {
        logger.error({ requestId: context.requestId, topic: message.topic, messageId: message.messageId }, 'message of a topic this function does not subscribe to');
        outcomes.push({ messageId: message.messageId, dedupKey: message.messageId, kind: OUTCOMES.notForThisGroup, settled: true });
        continue;
      }
      outcomes.push(await runtime.processMessage(message, context, 'trigger'));
    }
    return outcomes;
  };
}
