import { randomUUID } from 'node:crypto';
import type { FunctionDef } from '../../shared/engines/catalog';
import type { Logger } from '../../shared/logger';
import type { Clock } from '../broker/core/clock';
import { systemClock } from '../broker/core/clock';
import { FunctionFailedError, FunctionTimeoutError } from './errors';
import type { FcContext, FcHandler } from './types';

/** Local stand-ins for the account fields FC fills in. */
export const LOCAL_ACCOUNT_ID = '1234567890123456';
export const LOCAL_REGION = 'cn-hangzhou';
export const LOCAL_SERVICE = 'txcenter';

export interface Invocation {
  readonly fn: FunctionDef;
  readonly handler: FcHandler;
  readonly event: Buffer;
  readonly retryCount?: number;
  /** Overrides the catalog timeout (tests of deadline overrun). */
  readonly timeoutMs?: number;
  readonly requestId?: string;
  /** Runs the deadline timer (tests pass a manual clock so an overrun needs no real waiting). */
  readonly clock?: Clock;
}

export interface InvocationResult {
  readonly requestId: string;
  readonly result: unknown;
  readonly durationMs: number;
}

/** Builds the FC 3.0 context object for one invocation. */
export function fcContext(fn: FunctionDef, requestId: string, retryCount: number, timeoutSeconds = fn.timeoutSeconds): FcContext {
  return {
    requestId,
    credentials: { accessKeyId: '', accessKeySecret: '', securityToken: '' },
    function: { name: fn.name, handler: 'handler.handler', memory: fn.memoryMB, timeout: timeoutSeconds },
    service: { name: LOCAL_SERVICE, logProject: '', logStore: '', qualifier: 'LATEST' },
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    retryCount,
  };
}

/**
 * Runs one invocation under the function's timeout. A handler that throws → {@link FunctionFailedError};
 * one still running at the deadline → {@link FunctionTimeoutError} (FC kills the instance; in one
 * process we cannot, so its late result is discarded and the invocation counts as failed, which makes
 * an MQ batch retry — safe because consumers are idempotent).
 */
export async function invokeFunction(invocation: Invocation, logger: Logger): Promise<InvocationResult> {
  const requestId = invocation.requestId ?? randomUUID();
  const timeoutMs = invocation.timeoutMs ?? invocation.fn.timeoutSeconds * 1_000;
  const started = performance.now();
  const clock = invocation.clock ?? systemClock;
  let timer: unknown;
  const deadline = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(new FunctionTimeoutError(invocation.fn.name, timeoutMs, requestId)), timeoutMs);
  });
  try {
    // The context carries the timeout in force, as FC's does: handlers derive their deadline from it.
    const context = fcContext(invocation.fn, requestId, invocation.retryCount ?? 0, timeoutMs / 1_000);
    const run = invocation.handler(invocation.event, context);
    run.catch(() => undefined); // a late rejection after the deadline must not become unhandled
    const result = await Promise.race([run, deadline]);
    const durationMs = performance.now() - started;
    // Fields inline, not a child logger per invocation: that allocation showed in the e2e profile.
    logger.debug({ function: invocation.fn.name, requestId, durationMs: Math.round(durationMs) }, 'invocation finished');
    return { requestId, result, durationMs };
  } catch (error) {
    const failure = error instanceof FunctionTimeoutError ? error : new FunctionFailedError(invocation.fn.name, error, requestId);
    logger.warn({ function: invocation.fn.name, requestId, code: failure.code, err: error }, 'invocation failed');
    throw failure;
  } finally {
    clock.clearTimeout(timer);
  }
}
