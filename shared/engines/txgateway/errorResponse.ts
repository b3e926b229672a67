import type { HttpResponse } from '../invocation/InvocationContext';
import { jsonErrorResponse } from '../invocation/httpResponses';

/** The one table mapping domain error codes to HTTP statuses; anything else is a 500. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNAUTHENTICATED: 401,
  TX_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  TX_STATE_CONFLICT: 409,
  TX_BUSINESS_KEY_REUSED: 409,
  TX_PREPARE_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  TX_UNKNOWN_SCENARIO: 422,
  TX_MESSAGE_REFUSED: 422,
  BROKER_REFUSED: 500,
  BROKER_UNAVAILABLE: 503,
  TX_STORE_FAILED: 503,
};

/** Retry hint (seconds) for transient failures that carry none of their own. */
const DEFAULT_RETRY_AFTER_SECONDS = 2;

/** Renders an error as `{error: {code, message, details?}}` with its status and Retry-After when transient. */
export function errorResponse(code: string, message: string, details?: unknown, retryAfterSeconds?: number): HttpResponse {
  const status = STATUS_BY_CODE[code] ?? 500;
  const retry = retryAfterSeconds ?? (status === 503 ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
  return jsonErrorResponse(status, code, message, details, retry === undefined ? {} : { 'retry-after': String(retry) });
}
