import type { HttpResponse } from './InvocationContext';

/** A JSON answer of a neutral HTTP app. */
export function jsonResponse(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/**
 * The one error shape of every txcenter HTTP API (tx-gateway, the DLQ replay endpoint, the FC
 * adapter's own refusals): `{error: {code, message, details?}}`.
 */
export function jsonErrorResponse(
  statusCode: number,
  code: string,
  message: string,
  details?: unknown,
  headers?: Readonly<Record<string, string>>,
): HttpResponse {
  return jsonResponse(statusCode, { error: { code, message, ...(details === undefined ? {} : { details }) } }, headers);
}
