import type { HttpRequest, HttpResponse } from '../../../engines/invocation/InvocationContext';
import { HttpBodyTooLargeError, HttpEventError } from './errors';
import { responseHeaders } from './fc3';
import { neutralRequest } from './neutralRequest';
import type { Fc2HttpRequest, Fc2HttpResponse } from './types';

/** FC's limit for a synchronous HTTP request body. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * FC 2.0 calls HTTP functions as `(request, response, context)`: the request is an object with
 * `method`/`headers` (never a Buffer) and the response has `send`/`setStatusCode`. FC 3.0 passes a
 * Buffer and the context instead, so checking the response's methods is what tells them apart.
 */
export function isFc2HttpInvocation(request: unknown, response: unknown): request is Fc2HttpRequest {
  if (typeof request !== 'object' || request === null || Buffer.isBuffer(request)) return false;
  const candidate = response as Partial<Fc2HttpResponse> | null | undefined;
  return typeof candidate?.send === 'function' && typeof candidate.setStatusCode === 'function';
}

async function readBody(request: Fc2HttpRequest, limitBytes: number): Promise<Buffer> {
  if (typeof request[Symbol.asyncIterator] !== 'function') return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > limitBytes) throw new HttpBodyTooLargeError(limitBytes);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads an FC 2.0 HTTP request (fields plus the body stream) into the neutral request.
 * @throws HttpEventError when method or path is missing; HttpBodyTooLargeError past {@link MAX_BODY_BYTES}.
 */
export async function createRequestFromFc2(request: Fc2HttpRequest, requestId: string, limitBytes = MAX_BODY_BYTES): Promise<HttpRequest> {
  if (
    typeof request.method !== 'string' ||
    request.method === '' ||
    typeof request.path !== 'string' ||
    typeof request.headers !== 'object' ||
    request.headers === null
  ) {
    throw new HttpEventError('FC 2.0 HTTP request lacks method, path or headers');
  }
  return neutralRequest({
    method: request.method,
    path: request.path,
    headers: request.headers,
    query: request.queries ?? {},
    body: await readBody(request, limitBytes),
    requestId,
    sourceIp: request.clientIP ?? '',
  });
}

/** Writes the neutral response through the FC 2.0 response object. */
export function sendFc2Response(target: Fc2HttpResponse, response: HttpResponse): void {
  target.setStatusCode(response.statusCode);
  for (const [name, value] of Object.entries(responseHeaders(response))) target.setHeader(name, value);
  target.send(response.isBase64Encoded ? Buffer.from(response.body, 'base64') : response.body);
}
