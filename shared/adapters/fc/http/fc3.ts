import * as z from '../../../zod';
import type { HttpRequest, HttpResponse } from '../../../engines/invocation/InvocationContext';
import { HttpEventError } from './errors';
import { neutralRequest } from './neutralRequest';
import type { Fc3HttpResponse } from './types';
import { fc3HttpEventSchema } from './types';

/**
 * Parses an FC 3.0 HTTP trigger event (the handler's `event` Buffer; a string or an already-parsed
 * object is accepted for local callers) into the neutral request.
 * @throws HttpEventError when the bytes are not JSON or not an HTTP trigger event.
 */
export function createRequest(event: unknown): HttpRequest {
  let json: unknown = event;
  if (Buffer.isBuffer(event) || typeof event === 'string') {
    try {
      json = JSON.parse(event.toString());
    } catch (error) {
      throw new HttpEventError('HTTP trigger event is not JSON', { cause: error });
    }
  }
  const parsed = fc3HttpEventSchema.safeParse(json);
  if (!parsed.success) throw new HttpEventError(`not an FC 3.0 HTTP trigger event: ${z.prettifyError(parsed.error)}`);
  const event3 = parsed.data;
  const context = event3.requestContext;
  const timeEpoch = Number(context.timeEpoch);
  return neutralRequest({
    method: context.http.method,
    // rawPath is the path as the client sent it; http.path may be rewritten by a custom domain.
    path: event3.rawPath,
    headers: event3.headers,
    query: event3.queryParameters,
    body: Buffer.from(event3.body, event3.isBase64Encoded ? 'base64' : 'utf8'),
    requestId: context.requestId,
    sourceIp: context.http.sourceIp,
    protocol: context.http.protocol,
    accountId: context.accountId,
    domainName: context.domainName,
    domainPrefix: context.domainPrefix,
    time: context.time || undefined,
    timeEpoch: Number.isFinite(timeEpoch) && timeEpoch > 0 ? timeEpoch : undefined,
  });
}

/** Header values as FC expects them: strings only. */
export function responseHeaders(response: HttpResponse): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = String(value);
  return headers;
}

/** Translates the neutral response into the FC 3.0 HTTP response. */
export function createResponse(response: HttpResponse): Fc3HttpResponse {
  return {
    statusCode: response.statusCode,
    headers: responseHeaders(response),
    isBase64Encoded: response.isBase64Encoded ?? false,
    body: response.body,
  };
}
