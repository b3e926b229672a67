import { TxcError } from '../../errors';

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

  /**
   * True when the same request may succeed later: the gateway was unreachable, failing (5xx), timed
   * out or throttled (408, 429), or asked for a retry (`Retry-After`, e.g. a prepare in progress).
   * Any other refusal is permanent: retrying the same request gets the same answer.
   */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 408 || this.status === 429 || this.retryAfterSeconds !== undefined;
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
