import { TxcError } from '../../shared/errors';

/** The runtime was started with options or catalog entries it cannot run (bad cron, missing handler). */
export class RuntimeConfigError extends TxcError {
  override readonly name = 'RuntimeConfigError';
  constructor(message: string, options?: ErrorOptions) {
    super('RUNTIME_CONFIG_INVALID', message, options);
  }
}

/** A handler ran past its function's timeout; the invocation counts as failed (as FC reports it). */
export class FunctionTimeoutError extends TxcError {
  override readonly name = 'FunctionTimeoutError';
  constructor(
    functionName: string,
    timeoutMs: number,
    readonly requestId: string,
  ) {
    super('FunctionTimeout', `function '${functionName}' did not finish within ${timeoutMs} ms`);
  }
}

/** A handler threw (or rejected); `cause` is what it threw. */
export class FunctionFailedError extends TxcError {
  override readonly name = 'FunctionFailedError';
  constructor(
    functionName: string,
    cause: unknown,
    readonly requestId: string,
  ) {
    super('FunctionFailed', `function '${functionName}' failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** How an invocation failed: it threw, or it overran its deadline. */
export type InvocationError = FunctionFailedError | FunctionTimeoutError;
