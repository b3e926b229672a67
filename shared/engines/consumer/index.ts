/**
 * @module consumer — the consumer runtime: consume barrier (exactly-once effects), error
 * classification and retries, dead-letter forwarding, both delivery modes (FC trigger, SDK pull).
 */
export { ConsumeBarrier } from './ConsumeBarrier';
export type { ClaimResult, Consumption } from './ConsumeBarrier';
export { consumerApp } from './consumerApp';
export { consumerConfigSchema, readConsumerConfig } from './config';
export type { ConsumerConfig } from './config';
export { ConsumerConfigError, ConsumerRuntime, DEFAULT_MAX_BODY_BYTES } from './ConsumerRuntime';
export type { ConsumerRuntimeOptions, MessagePublisher } from './ConsumerRuntime';
export { deadLetterBodySchema, deadLetterIdOf } from './deadLetterBody';
export type { DeadLetterBody } from './deadLetterBody';
export { decodeEnvelope, describeIssues, parseJsonBody } from './decodeEnvelope';
export type { EnvelopeOf } from './decodeEnvelope';
export {
  classifyError,
  LeaseLostError,
  MessageRejectedError,
  PermanentFailureError,
  REJECTION_CODES,
  TransientFailureError,
} from './errors';
export type { ClassifiedError, ErrorKind, RejectionCode } from './errors';
export { fromReceived, pullOnce } from './pullConsumer';
export type { PullClient, PullOptions, PullResult } from './pullConsumer';
export { rocketMqRetryDelay, ROCKETMQ_RETRY_LADDER_SECONDS } from './retryLadder';
export type { RetryDelay } from './retryLadder';
export { DELIVERY_MODES, OUTCOMES, REPLAY_PROPERTIES } from './types';
export type {
  DecodedMessage,
  DeliveryMode,
  Effects,
  HandlerContext,
  IncomingMessage,
  MessageHandler,
  MessageOutcome,
  OutcomeKind,
} from './types';
