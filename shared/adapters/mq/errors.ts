import { TxcError } from '../../errors';

/**
 * A failure reported by the MQ endpoint. `code` is the wire ErrorCode (`MessageNotExist`,
 * `ReceiptHandleError`, `TopicNotExist`, `SignatureDoesNotMatch`, …) so callers branch on it.
 */
export class MqError extends TxcError {
  override readonly name = 'MqError';
  constructor(
    code: string,
    message: string,
    readonly requestId?: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** The endpoint could not be reached or did not answer in time: safe to retry later. */
export class MqUnavailableError extends TxcError {
  override readonly name = 'MqUnavailableError';
  constructor(message: string, options?: ErrorOptions) {
    super('MQ_UNAVAILABLE', message, options);
  }
}

/** A message we were asked to send cannot be encoded faithfully by the SDK. */
export class MqEncodingError extends TxcError {
  override readonly name = 'MqEncodingError';
  constructor(message: string) {
    super('MQ_ENCODING', message);
  }
}

/** Wire codes meaning "the receipt handle is no longer (or never was) valid". */
export const HANDLE_INVALID_CODES: ReadonlySet<string> = new Set(['MessageNotExist', 'ReceiptHandleError']);
