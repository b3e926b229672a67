import { TxcError } from '../../../errors';

/** The platform handed us an HTTP event we cannot read. Answered with 400, never thrown to FC. */
export class HttpEventError extends TxcError {
  override readonly name = 'HttpEventError';
  constructor(message: string, options?: ErrorOptions) {
    super('HTTP_EVENT_INVALID', message, options);
  }
}

/** The request body exceeds {@link MAX_BODY_BYTES}. Answered with 413. */
export class HttpBodyTooLargeError extends TxcError {
  override readonly name = 'HttpBodyTooLargeError';
  constructor(limitBytes: number) {
    super('HTTP_BODY_TOO_LARGE', `request body exceeds ${limitBytes} bytes`);
  }
}
