import * as z from '../../../zod';
import type { TIMER_EVENT_INVALID } from './errors';

/**
 * The FC timer trigger event (fc-platform.md, "Trigger events"), e.g.
 * `{"triggerTime":"2023-12-26T07:49:00Z","triggerName":"every-minute","payload":"<configured string>"}`.
 * @see https://help.aliyun.com/zh/functioncompute/fc-3-0/user-guide/time-triggers
 */
export const timerEventSchema = z.object({
  triggerTime: z.iso.datetime({ offset: true }),
  triggerName: z.string().check(z.minLength(1)),
  // FC omits the payload when the trigger was configured without one.
  payload: z._default(z.string(), ''),
});

/** A refused timer event: returned (and logged), not thrown, because FC's retries cannot fix it. */
export interface TimerFailure {
  readonly ok: false;
  readonly code: typeof TIMER_EVENT_INVALID;
  readonly message: string;
}
