import { TxcError } from '../../errors';
import type { ErrorCode } from './api';
import { ERROR_STATUS } from './api';

/** A refusal or failure of the console API: its `code` picks the HTTP status ({@link ERROR_STATUS}). */
export class ConsoleError extends TxcError {
  override readonly name = 'ConsoleError';
  constructor(
    override readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions & { details?: Record<string, unknown>; retryAfterSeconds?: number },
  ) {
    super(code, message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
  readonly retryAfterSeconds: number | undefined;

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** TXC_OPERATORS or the session secret is malformed (a cold-start configuration error). */
export class ConsoleConfigError extends TxcError {
  override readonly name = 'ConsoleConfigError';
  constructor(message: string) {
    super('CONSOLE_CONFIG_INVALID', message);
  }
}
