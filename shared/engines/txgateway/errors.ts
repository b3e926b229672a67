import { TxcError } from '../../errors';

/** No route for this method and path. */
export class RouteNotFoundError extends TxcError {
  override readonly name = 'RouteNotFoundError';
  constructor(method: string, path: string) {
    super('ROUTE_NOT_FOUND', `no route for ${method} ${path}`);
  }
}

/** The path exists but not with this method. */
export class MethodNotAllowedError extends TxcError {
  override readonly name = 'MethodNotAllowedError';
  constructor(
    method: string,
    path: string,
    readonly allowed: readonly string[],
  ) {
    super('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed.join(', ')}`);
  }
}

/** The request body exceeds the gateway's limit. */
export class RequestTooLargeError extends TxcError {
  override readonly name = 'RequestTooLargeError';
  constructor(bytes: number, limit: number) {
    super('PAYLOAD_TOO_LARGE', `request body of ${bytes} bytes exceeds the ${limit}-byte limit`);
  }
}

/** The body is not JSON, or not sent as application/json. */
export class InvalidJsonError extends TxcError {
  override readonly name = 'InvalidJsonError';
  constructor(message: string) {
    super('INVALID_JSON', message);
  }
}
