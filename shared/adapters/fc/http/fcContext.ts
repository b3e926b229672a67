import { randomUUID } from 'node:crypto';
import type { InvocationContext } from '../../../engines/invocation/InvocationContext';
import { contextWithDeadline } from '../../../engines/invocation/InvocationContext';
import { fcContextSchema } from './types';

/** Used when FC omits the function timeout (it always sends one; local callers may not). The catalog's default. */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 60;
const MS_PER_SECOND = 1_000;

/**
 * Translates the FC context (2.0 or 3.0) into an {@link InvocationContext}. The deadline counts the
 * function timeout from now, the moment the handler starts, which is at most a few ms later than FC's
 * own clock started: domain code that keeps a margin is safe. A context we cannot read still yields a
 * usable one (fresh request id, default timeout) rather than failing the invocation.
 */
export function invocationContextOf(fcContext: unknown, now: () => number = Date.now): InvocationContext {
  const parsed = fcContextSchema.safeParse(fcContext);
  const requestId = parsed.success ? parsed.data.requestId : randomUUID();
  const fn = parsed.success ? parsed.data.function : undefined;
  const timeoutSeconds = fn?.timeout ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS;
  return contextWithDeadline(requestId, fn?.name ?? 'unknown', now() + timeoutSeconds * MS_PER_SECOND, now);
}
