import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT_ID } from './invoke';
import type { FcHttpEvent, FcHttpResult } from './types';

/** FC refuses HTTP request bodies above 32 MB; the local runtime keeps the same limit. */
export const MAX_HTTP_BODY_BYTES = 32 * 1024 * 1024;

const TEXT_CONTENT = /^(text\/|application\/(json|xml|x-www-form-urlencoded|.*\+json|.*\+xml))/;

/** Builds the FC 3.0 HTTP trigger event from a node request and its collected body. */
export function toFcHttpEvent(request: IncomingMessage, body: Buffer, requestId: string, now = new Date()): FcHttpEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) queryParameters[name] = value;
  // FC base64-encodes bodies it cannot treat as text.
  const binary = body.length > 0 && !TEXT_CONTENT.test(headers['content-type'] ?? 'text/plain');
  const host = headers.host ?? 'localhost';
  return {
    version: 'v1',
    rawPath: url.pathname,
    body: binary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: binary,
    headers,
    queryParameters,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      requestId,
      time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timeEpoch: String(now.getTime()),
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
    },
  };
}

function isHttpResult(value: unknown): value is FcHttpResult {
  return typeof value === 'object' && value !== null && typeof (value as FcHttpResult).statusCode === 'number';
}

/**
 * Writes what an FC 3.0 HTTP function returned. A `{statusCode, …}` object is a full response; any
 * other value is the body of a 200 (strings and Buffers as is, other values as JSON), as FC does.
 */
export function writeFcHttpResult(response: ServerResponse, result: unknown, requestId: string): void {
  response.setHeader('x-fc-request-id', requestId);
  if (isHttpResult(result)) {
    for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, value);
    response.statusCode = result.statusCode;
    const body = result.body ?? '';
    response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
    return;
  }
  response.statusCode = 200;
  if (typeof result === 'string' || Buffer.isBuffer(result)) response.end(result);
  else {
    response.setHeader('content-type', 'application/json');
    response.end(result === undefined ? '' : JSON.stringify(result));
  }
}

/** The error body FC answers with when a function fails or times out (`errorType` is FC's field). */
export function writeFcError(response: ServerResponse, statusCode: number, errorType: string, message: string, requestId: string): void {
  response.statusCode = statusCode;
  response.setHeader('x-fc-request-id', requestId);
  response.setHeader('x-fc-error-type', errorType);
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ code: errorType, errorType, message }));
}
