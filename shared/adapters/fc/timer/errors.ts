import { TxcError } from '../../../errors';

/** The stable code of a refused timer event. */
export const TIMER_EVENT_INVALID = 'TIMER_EVENT_INVALID';

/** The timer trigger event is not JSON or lacks `triggerTime`/`triggerName`. */
export class TimerEventError extends TxcError {
  override readonly name = 'TimerEventError';
  constructor(message: string, options?: ErrorOptions) {
    super(TIMER_EVENT_INVALID, message, options);
  }
}
