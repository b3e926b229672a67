/** @module fc/timer — Function Compute timer trigger adapter: FC timer event ⇄ the neutral {@link TimerEvent}. */
export { TIMER_EVENT_INVALID, TimerEventError } from './errors';
export { parseTimerEvent, timerHandler } from './handler';
export type { FcTimerHandler, TimerHandlerOptions } from './handler';
export type { TimerFailure } from './types';
