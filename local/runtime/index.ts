/** @module runtime — runs catalog functions locally with their cloud triggers (HTTP, timer, MQ). */
export { DEFAULT_GATEWAY_PORT, DEFAULT_HOST, DEFAULT_POLL_WAIT_SECONDS, startRuntime } from './Runtime';
export type { Runtime, RuntimeOptions } from './Runtime';
export { FC_BACKOFF_RETRY } from './MqTrigger';
export type { MqRetryPolicy } from './MqTrigger';
export { FunctionFailedError, FunctionTimeoutError, RuntimeConfigError } from './errors';
export { handlerPath, loadFunctionHandler } from './loadHandler';
export { parseSchedule } from './schedule';
export type { FcContext, FcHandler, FcHttpEvent, FcHttpResult, FcMqCloudEvent, FcTimerEvent, HandlerLoader, RuntimeEvent } from './types';
