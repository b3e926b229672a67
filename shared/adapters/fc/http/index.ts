/**
 * @module fc/http — Function Compute HTTP trigger adapter: FC 3.0 `(event: Buffer, context)` and
 * FC 2.0 `(request, response, context)` ⇄ the neutral {@link HttpRequest}/{@link HttpResponse}.
 * The neutral request has lowercase header names and a text body unless `isBase64Encoded` (non-text
 * content types).
 */
export { HttpBodyTooLargeError, HttpEventError } from './errors';
export { MAX_BODY_BYTES, createRequestFromFc2, isFc2HttpInvocation, sendFc2Response } from './fc2';
export { createRequest, createResponse } from './fc3';
export { DEFAULT_FUNCTION_TIMEOUT_SECONDS, invocationContextOf } from './fcContext';
export { httpHandler } from './handler';
export type { FcHttpHandler, HttpHandlerOptions } from './handler';
export type { Fc2HttpRequest, Fc2HttpResponse, Fc3HttpEvent, Fc3HttpResponse, FcContext } from './types';
