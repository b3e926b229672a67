/**
 * @module fc/mq — Function Compute RocketMQ trigger adapter: a CloudEvents batch (4.x or 5.x
 * instance) ⇄ neutral {@link IncomingMessage}s; unsettled messages make FC retry the batch.
 */
export { MqBatchRetryError, MqEventError } from './errors';
export { mqHandler } from './handler';
export type { FcMqHandler, MqApp, MqBatchResult, MqHandlerOptions } from './handler';
export { isMqTriggerEvent, parseMqEvent } from './parseMqEvent';
export type { RefusedEvent } from './parseMqEvent';
export type { MqCloudEvent, RocketMq4SystemProperties, RocketMq5SystemProperties } from './types';
