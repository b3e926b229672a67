/** @module checkback — tx-checkback's engine and the call to business systems' check-back endpoints. */
export { askBusinessSystem, CHECK_ANSWERS, checkbackRequestSchema, checkbackResponseSchema } from './askBusinessSystem';
export type { CheckAnswer, CheckbackRequestBody, CheckResult } from './askBusinessSystem';
export { CheckbackRunner, DEFAULT_CHECKBACK_TIMEOUT_MS, DEFAULT_SAFETY_MARGIN_MS } from './CheckbackRunner';
export type { CheckbackDeps, CheckbackReport } from './CheckbackRunner';
