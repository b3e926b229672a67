import * as z from '../../../zod';
import type { Logger } from '../../../logger';
import { createLogger } from '../../../logger';
import { invocationContextOf } from '../http/fcContext';
import type { FcContext } from '../http/types';
import type { TimerApp, TimerEvent } from '../../../engines/invocation/InvocationContext';
import { TIMER_EVENT_INVALID, TimerEventError } from './errors';
import type { TimerFailure } from './types';
import { timerEventSchema } from './types';

/** FC 2.0 event functions may pass a Node-style callback as the third argument. */
type FcCallback = (error: Error | null, result?: unknown) => void;

/** The exported `handler` of a timer function (FC 3.0; FC 2.0 with its callback). */
export type FcTimerHandler = (event: Buffer | string, context: FcContext, callback?: FcCallback) => Promise<unknown>;

export interface TimerHandlerOptions {
  /** Where refused events are logged. @default a JSON logger named "fc-timer" */
  logger?: Logger;
}

/**
 * Parses a timer trigger event (a Buffer or string of JSON; an object from local callers).
 * @throws TimerEventError naming what is wrong.
 */
export function parseTimerEvent(event: unknown): TimerEvent {
  let json: unknown = event;
  if (Buffer.isBuffer(event) || typeof event === 'string') {
    try {
      json = JSON.parse(event.toString());
    } catch (error) {
      throw new TimerEventError('timer trigger event is not JSON', { cause: error });
    }
  }
  const parsed = timerEventSchema.safeParse(json);
  if (!parsed.success) throw new TimerEventError(`not a timer trigger event: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * Adapts a neutral {@link TimerApp} to Function Compute. A malformed event is logged and answered
 * with a {@link TimerFailure} instead of an error: the platform would only retry the same bytes.
 * Errors thrown by the app propagate, so FC records the failed invocation.
 *
 * @example
 * ```ts
 * export const handler = timerHandler((event, context) => reconcile(dependencies, context));
 * ```
 */
export function timerHandler(app: TimerApp, options: TimerHandlerOptions = {}): FcTimerHandler {
  let logger = options.logger;
  async function run(event: unknown, fcContext: unknown): Promise<unknown> {
    const context = invocationContextOf(fcContext);
    let timerEvent: TimerEvent;
    try {
      timerEvent = parseTimerEvent(event);
    } catch (error) {
      if (!(error instanceof TimerEventError)) throw error;
      (logger ??= createLogger('fc-timer')).error({ requestId: context.requestId, code: error.code, err: error }, 'refused timer event');
      return { ok: false, code: TIMER_EVENT_INVALID, message: error.message } satisfies TimerFailure;
    }
    return app(timerEvent, context);
  }
  return async (event, fcContext, callback) => {
    if (typeof callback !== 'function') return run(event, fcContext);
    // FC 2.0 waits for the callback; resolving as well would report the result twice.
    run(event, fcContext).then(
      (result) => callback(null, result),
      (error: Error) => callback(error),
    );
    return undefined;
  };
}
