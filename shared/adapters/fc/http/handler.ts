import type { Logger } from '../../../logger';
import { createLogger } from '../../../logger';
import type { HttpApp, HttpRequest, HttpResponse, InvocationContext } from '../../../engines/invocation/InvocationContext';
import { jsonErrorResponse } from '../../../engines/invocation/httpResponses';
import { HttpBodyTooLargeError, HttpEventError } from './errors';
import { createRequestFromFc2, isFc2HttpInvocation, sendFc2Response } from './fc2';
import { createRequest, createResponse } from './fc3';
import { invocationContextOf } from './fcContext';
import type { Fc2HttpRequest, Fc2HttpResponse, Fc3HttpResponse, FcContext } from './types';

/** The exported `handler` of an HTTP function: FC 3.0 `(event, context)` or FC 2.0 `(request, response, context)`. */
export interface FcHttpHandler {
  (event: Buffer | string, context: FcContext): Promise<Fc3HttpResponse>;
  (request: Fc2HttpRequest, response: Fc2HttpResponse, context: FcContext): Promise<void>;
}

export interface HttpHandlerOptions {
  /** Where refused events and app failures are logged. @default a JSON logger named "fc-http" */
  logger?: Logger;
}

/** Statuses for failures the adapter answers itself; the app maps its own domain codes. */
const ADAPTER_ERROR_STATUS: Readonly<Record<string, number>> = { HTTP_EVENT_INVALID: 400, HTTP_BODY_TOO_LARGE: 413 };
const INTERNAL_ERROR_STATUS = 500;

/**
 * Runs the app on a request, turning every failure into a response: a malformed event → 400, an
 * oversized body → 413, anything the app throws → 500 with the request id (details only in the log).
 */
async function respond(
  read: () => Promise<HttpRequest>,
  app: HttpApp,
  context: InvocationContext,
  logger: () => Logger,
): Promise<HttpResponse> {
  let request: HttpRequest;
  try {
    request = await read();
  } catch (error) {
    if (!(error instanceof HttpEventError || error instanceof HttpBodyTooLargeError)) throw error;
    logger().warn({ requestId: context.requestId, code: error.code, err: error }, 'refused HTTP event');
    return jsonErrorResponse(ADAPTER_ERROR_STATUS[error.code] ?? 400, error.code, error.message);
  }
  try {
    return await app(request, context);
  } catch (error) {
    logger().error(
      { requestId: context.requestId, err: error, method: request.requestContext.http.method, path: request.rawPath },
      'HTTP app failed',
    );
    return jsonErrorResponse(INTERNAL_ERROR_STATUS, 'INTERNAL_ERROR', `internal error (request ${context.requestId})`);
  }
}

/**
 * Adapts a neutral {@link HttpApp} to Function Compute. The invocation style is picked per call by
 * a type guard, so one bundle serves functions created with either HTTP semantics.
 *
 * @example
 * ```ts
 * export const handler = httpHandler(gatewayApp);
 * ```
 */
export function httpHandler(app: HttpApp, options: HttpHandlerOptions = {}): FcHttpHandler {
  let logger = options.logger;
  const log = (): Logger => (logger ??= createLogger('fc-http'));
  async function handler(first: unknown, second: unknown, third?: unknown): Promise<Fc3HttpResponse | undefined> {
    if (isFc2HttpInvocation(first, second)) {
      const context = invocationContextOf(third);
      sendFc2Response(second as Fc2HttpResponse, await respond(() => createRequestFromFc2(first, context.requestId), app, context, log));
      return;
    }
    const context = invocationContextOf(second);
    return createResponse(await respond(async () => createRequest(first), app, context, log));
  }
  return handler as FcHttpHandler;
}
