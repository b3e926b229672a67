import type { FunctionDef } from '../../shared/engines/catalog';
import type { Logger } from '../../shared/logger';
import type { Clock } from '../broker/core/clock';
import { invokeFunction } from './invoke';
import type { Schedule } from './schedule';
import type { FcHandler, FcTimerEvent, RuntimeEvent } from './types';

export interface TimerTriggerOptions {
  readonly fn: FunctionDef;
  readonly trigger: string;
  readonly payload: string;
  readonly schedule: Schedule;
  readonly handler: FcHandler;
  readonly logger: Logger;
  readonly onEvent: (event: RuntimeEvent) => void;
  readonly timeoutMs?: number;
  readonly clock: Clock;
}

/**
 * Fires a timer-triggered function on its schedule with FC's timer event. A firing that comes while
 * the previous invocation still runs is skipped (logged), so a slow drain never piles up copies.
 */
export class TimerTrigger {
  private timer: unknown;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: TimerTriggerOptions) {}

  start(): void {
    this.arm(this.options.clock.now());
  }

  private arm(afterMs: number): void {
    if (this.stopped) return;
    const { clock, schedule } = this.options;
    const at = schedule.next(afterMs);
    this.timer = clock.setTimeout(
      () => {
        this.fire(at);
        this.arm(Math.max(at, clock.now()));
      },
      Math.max(0, at - clock.now()),
    );
  }

  /** Fires now, outside the schedule (the demo's "run the reconciler now"). Resolves when done. */
  async fireNow(): Promise<void> {
    await this.running;
    this.fire(this.options.clock.now());
    await this.running;
  }

  private fire(at: number): void {
    const { fn, trigger, payload, handler, logger, onEvent, timeoutMs, clock } = this.options;
    if (this.running) {
      logger.info({ function: fn.name, trigger }, 'timer firing skipped: previous invocation still running');
      return;
    }
    const event: FcTimerEvent = { triggerTime: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'), triggerName: trigger, payload };
    const started = performance.now();
    this.running = invokeFunction({ fn, handler, event: Buffer.from(JSON.stringify(event)), timeoutMs, clock }, logger)
      .then(
        ({ requestId }) =>
          onEvent({ type: 'invoked', functionName: fn.name, trigger, requestId, ok: true, durationMs: performance.now() - started }),
        (error: { requestId: string; message: string }) =>
          onEvent({
            type: 'invoked',
            functionName: fn.name,
            trigger,
            requestId: error.requestId,
            ok: false,
            durationMs: performance.now() - started,
            error: error.message,
          }),
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Stops the schedule and waits for a running invocation. */
  async close(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
    await this.running;
  }
}
