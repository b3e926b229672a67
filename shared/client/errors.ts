import { TxcError } from '../errors';

/**
 * tx-gateway refused a request or could not be reached. `code` is the gateway's error code
 * (`TX_STATE_CONFLICT`, `BROKER_UNAVAILABLE`, …) or `GATEWAY_UNREACHABLE`; `status` is 0 when unreachable.
 */
export class TxClientError extends TxcError {
  override readonly name = 'TxClientError';
  constructor(
    code: string,
    message: string,
    readonly status: number,
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** `runInTransaction` found the businessKey's transaction already decided: the work is not run again. */
export class TxAlreadyDecidedError extends TxcError {
  override readonly name = 'TxAlreadyDecidedError';
  constructor(
    readonly txId: string,
    readonly state: string,
  ) {
    super('TX_ALREADY_DECIDED', `transaction '${txId}' for this businessKey is already ${state}`);
  }
}
