/** @module txgateway — tx-gateway's platform-neutral HTTP app over the transaction coordinator. */
export { createTxGatewayApp, MAX_REQUEST_BODY_BYTES } from './createTxGatewayApp';
export type { TxGatewayDeps } from './createTxGatewayApp';
export { errorResponse, STATUS_BY_CODE } from './errorResponse';
export { InvalidJsonError, MethodNotAllowedError, RequestTooLargeError, RouteNotFoundError } from './errors';
export { prepareBodySchema, publishEventBodySchema, txIdSchema } from './requestSchemas';
export type { PrepareBody, PublishEventBody } from './requestSchemas';
