import type { InvocationContext } from '../invocation/InvocationContext';
import type { Logger } from '../../logger';
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
    // Consecutive messages of one topic go to their runtime as one batch (one transaction for a
    // local-only handler's first deliveries); outcomes stay in the trigger's order.
    for (let start = 0; start < messages.length; ) {
      const topic = messages[start]!.topic;
      let end = start + 1;
      while (end < messages.length && messages[end]!.topic === topic) end += 1;
      const run = messages.slice(start, end);
      start = end;
      const runtime = byTopic.get(topic);
      if (runtime) {
        outcomes.push(...(await runtime.processBatch(run, context, 'trigger')));
        continue;
      }
      for (const message of run) {
        logger.error(
          { requestId: context.requestId, topic: message.topic, messageId: message.messageId },
          'message of a topic this function does not subscribe to',
        );
        outcomes.push({ messageId: message.messageId, dedupKey: message.messageId, kind: OUTCOMES.notForThisGroup, settled: true });
      }
    }
    return outcomes;
  };
}
