import { TxcError } from '../../../errors';
import type { ErrorCode } from '../api';

/** A page tried to build an element or attribute the UI never needs (script, on*, style, an outside href). */
export class UnsafeElementError extends TxcError {
  override readonly name = 'UnsafeElementError';
  constructor(message: string) {
    super('UI_UNSAFE_ELEMENT', message);
  }
}

/** Failures the browser sees without an answer from the console: network down, or an answer that is not the API's JSON. */
export type ClientErrorCode = 'NETWORK_FAILED' | 'BAD_RESPONSE';

/** A refused or failed API call as the UI shows it: the server's typed error, or a {@link ClientErrorCode}. */
export class ApiError extends TxcError {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when no answer arrived. */
    readonly status: number,
    override readonly code: ErrorCode | ClientErrorCode,
    message: string,
    options?: ErrorOptions & { details?: Record<string, unknown> },
  ) {
    super(code, message, options);
  }
}
