import type { InvocationContext } from '../invocation/InvocationContext';
import type { AckFailure, ConsumeOptions, ReceivedMessage } from '../../adapters/mq/types';
import type { ConsumerRuntime } from './ConsumerRuntime';
import type { IncomingMessage, MessageOutcome } from './types';

/** The SDK operations pull mode needs (MqClient satisfies it). */
export interface PullClient {
  consume(topic: string, group: string, options?: ConsumeOptions): Promise<ReceivedMessage[]>;
  ack(topic: string, group: string, receiptHandles: readonly string[]): Promise<AckFailure[]>;
}

export interface PullOptions {
  /** 1..16 @default 16 */
  readonly maxMessages?: number;
  /** Long-poll seconds 0..30 @default 0 */
  readonly waitSeconds?: number;
}

/** A pulled message in the runtime's neutral shape; ConsumedTimes becomes `deliveryCount`. */
export function fromReceived(topic: string, received: ReceivedMessage): IncomingMessage {
  return {
    messageId: received.messageId,
    topic,
    tag: received.tag,
    key: received.key,
    body: received.body,
    properties: received.properties,
    publishTime: received.publishTime,
    deliveryCount: received.consumedTimes,
  };
}

export interface PullResult {
  readonly outcomes: readonly MessageOutcome[];
  /** Handles the broker refused on ack (expired): those messages come back and are skipped as duplicates. */
  readonly ackFailures: readonly AckFailure[];
}

/**
 * One pull-mode round: consume up to 16 messages of the runtime's subscription, process each, and ack
 * each settled message on its own right after it is processed. Unsettled ones are left unacked, so only
 * they come back (after the broker's invisibility time); a poison message never returns its siblings.
 */
export async function pullOnce(
  client: PullClient,
  runtime: ConsumerRuntime,
  invocation: InvocationContext,
  options: PullOptions = {},
): Promise<PullResult> {
  const { topic, id: group, tagExpression } = runtime.subscription;
  const received = await client.consume(topic, group, {
    tagExpression,
    maxMessages: options.maxMessages ?? 16,
    waitSeconds: options.waitSeconds ?? 0,
  });
  const outcomes: MessageOutcome[] = [];
  const ackFailures: AckFailure[] = [];
  for (const message of received) {
    const outcome = await runtime.processMessage(fromReceived(topic, message), invocation, 'pull');
    outcomes.push(outcome);
    // The outcome is durable in the barrier before the ack: losing the ack only causes a duplicate.
    if (outcome.settled) ackFailures.push(...(await client.ack(topic, group, [message.receiptHandle])));
  }
  return { outcomes, ackFailures };
}
