import type { MessageOutcome } from '../../../engines/consumer/types';
import type { IncomingMessage } from '../../../engines/consumer/types';
import type { Logger } from '../../../logger';
import { createLogger } from '../../../logger';
import { invocationContextOf } from '../http/fcContext';
import type { InvocationContext } from '../../../engines/invocation/InvocationContext';
import { MqBatchRetryError, MqEventError } from './errors';
import { parseMqEvent } from './parseMqEvent';

/** A platform-neutral consumer of a batch: returns each message's outcome. */
export type MqApp = (messages: readonly IncomingMessage[], context: InvocationContext) => Promise<readonly MessageOutcome[]>;

/** What the handler resolves to when the whole batch is done (FC logs it). */
export interface MqBatchResult {
  readonly ok: boolean;
  readonly processed: number;
  readonly refused: number;
  readonly code?: string;
  readonly message?: string;
}

/** The exported `handler` of an MQ-triggered function (FC 3.0 `(event: Buffer, context)`). */
export type FcMqHandler = (event: Buffer | string, context: unknown) => Promise<MqBatchResult>;

export interface MqHandlerOptions {
  logger?: Logger;
}

/**
 * Adapts a neutral {@link MqApp} to the FC RocketMQ trigger. FC has no per-message ack: when any
 * message is unsettled the handler throws {@link MqBatchRetryError} and FC retries the whole batch,
 * whose finished messages the consume barrier skips. A payload that is not a CloudEvents array, or an
 * element without a message id, is logged and refused, never retried (the same bytes would fail again).
 *
 * @example
 * ```ts
 * export const handler = mqHandler((messages, context) => consumers.process(messages, context));
 * ```
 */
export function mqHandler(app: MqApp, options: MqHandlerOptions = {}): FcMqHandler {
  let logger = options.logger;
  return async (event, fcContext) => {
    const context = invocationContextOf(fcContext);
    let parsed: ReturnType<typeof parseMqEvent>;
    try {
      parsed = parseMqEvent(event);
    } catch (error) {
      if (!(error instanceof MqEventError)) throw error;
      (logger ??= createLogger('fc-mq')).error({ requestId: context.requestId, code: error.code, err: error }, 'refused MQ trigger event');
      return { ok: false, processed: 0, refused: 1, code: error.code, message: error.message };
    }
    for (const refused of parsed.refused)
      (logger ??= createLogger('fc-mq')).error(
        { requestId: context.requestId, index: refused.index, err: refused.reason },
        'refused CloudEvent in batch',
      );
    const outcomes = await app(parsed.messages, context);
    const pending = outcomes.filter((outcome) => !outcome.settled).map((outcome) => outcome.messageId);
    if (pending.length > 0) throw new MqBatchRetryError(pending);
    return { ok: true, processed: outcomes.length, refused: parsed.refused.length };
  };
}
