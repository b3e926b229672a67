import { TxcError } from '../../../errors';

/** The trigger event is not a RocketMQ CloudEvents batch: refused (retrying the same bytes cannot help). */
export class MqEventError extends TxcError {
  override readonly name = 'MqEventError';
  constructor(message: string, options?: ErrorOptions) {
    super('MQ_EVENT_INVALID', message, options);
  }
}

/**
 * Thrown to Function Compute so it retries the whole batch: some messages still need another attempt.
 * Messages already done are skipped by the consume barrier on the retry.
 */
export class MqBatchRetryError extends TxcError {
  override readonly name = 'MqBatchRetryError';
  constructor(readonly pendingMessageIds: readonly string[]) {
    super('MQ_BATCH_RETRY', `${pendingMessageIds.length} message(s) need another attempt: ${pendingMessageIds.slice(0, 10).join(', ')}`);
  }
}
