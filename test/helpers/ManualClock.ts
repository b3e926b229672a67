import type { Clock } from '../../local/broker/core/clock';

/** A clock that moves only when told to; due timers run in time order on `advance`. */
export class ManualClock implements Clock {
  private time: number;
  private timers: { at: number; seq: number; callback: () => void }[] = [];
  private seq = 0;

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const timer = { at: this.time + Math.max(0, delayMs), seq: (this.seq += 1), callback };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer !== handle);
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = end;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}
