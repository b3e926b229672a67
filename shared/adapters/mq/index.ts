/** @module mq — typed wrapper over the RocketMQ HTTP SDK. */
export {
  isHandleInvalid,
  MAX_CHECK_IMMUNITY_SECONDS,
  MAX_MESSAGES_PER_CONSUME,
  MAX_WAIT_SECONDS,
  MIN_CHECK_IMMUNITY_SECONDS,
  MqClient,
} from './MqClient';
export type { MqClientOptions } from './MqClient';
export { HANDLE_INVALID_CODES, MqEncodingError, MqError, MqUnavailableError } from './errors';
export type {
  AckFailure,
  ConsumeOptions,
  MqConnection,
  OutgoingMessage,
  PublishedHalfMessage,
  PublishedMessage,
  ReceivedMessage,
} from './types';
