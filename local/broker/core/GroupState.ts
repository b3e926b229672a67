import type { TagExpression } from '../../../shared/engines/catalog/tagExpression';
import { matchesTag } from '../../../shared/engines/catalog/tagExpression';
import { MinHeap } from './MinHeap';
import type { Delivery, StoredMessage } from './types';

/** A long-poll request parked on a group (or a topic's half messages) until messages arrive or time runs out. */
export interface Waiter {
  readonly max: number;
  readonly filter: TagExpression;
  /** Tries to serve the waiter; true when it was answered and should be removed. */
  readonly offer: () => boolean;
  /** Answers the waiter with "no message" (time is up, the client left, or the broker closes). */
  readonly cancel: () => void;
}

/** Delivers the message at `seq`; false when it became a dead letter instead. */
export type Deliver = (seq: number) => boolean;

/**
 * One consumer group's view of a topic log: what is done (acked, filtered out, dead), what is in flight,
 * and when the next redelivery or scheduled message falls due. Everything below `lowWater` is done;
 * `scanPos` is how far new messages have been examined.
 */
export class GroupState {
  lowWater = 0;
  scanPos = 0;
  readonly done = new Set<number>();
  readonly inflight = new Map<number, Delivery>();
  readonly dead = new Map<number, { readonly count: number; readonly at: number }>();
  /** Redeliveries and scheduled messages, by due time; stale entries are skipped lazily. */
  readonly due = new MinHeap<{ readonly at: number; readonly seq: number }>();
  /** Due entries waiting to be delivered, oldest first. */
  private ready: number[] = [];
  readonly waiters = { normal: [] as Waiter[], order: [] as Waiter[] };
  timer: unknown;
  timerAt = Number.POSITIVE_INFINITY;

  constructor(readonly name: string) {}

  isDone(seq: number): boolean {
    return seq < this.lowWater || this.done.has(seq);
  }

  markDone(seq: number): void {
    this.inflight.delete(seq);
    if (seq < this.lowWater) return;
    this.done.add(seq);
    while (this.done.delete(this.lowWater)) this.lowWater += 1;
    if (this.scanPos < this.lowWater) this.scanPos = this.lowWater;
  }

  setWatermark(lowWater: number, done: readonly number[]): void {
    this.lowWater = lowWater;
    this.scanPos = Math.max(this.scanPos, lowWater);
    this.done.clear();
    for (const seq of done) this.done.add(seq);
  }

  /**
   * Moves due heap entries to the ready list. Expired deliveries that used up their attempts are handed
   * to `deadLetter` instead (so dead letters appear even when nobody polls).
   */
  sweep(now: number, maxReconsume: number, deadLetter: (seq: number, count: number) => void): void {
    for (let top = this.due.peek(); top !== undefined && top.at <= now; top = this.due.peek()) {
      this.due.pop();
      if (this.isDone(top.seq)) continue;
      const delivery = this.inflight.get(top.seq);
      if (delivery !== undefined && delivery.next !== top.at) continue; // superseded by a later delivery
      if (delivery !== undefined && delivery.count >= maxReconsume) deadLetter(top.seq, delivery.count);
      else this.ready.push(top.seq);
    }
  }

  /** Unordered consumption: due redeliveries first, then new messages in log order. */
  takeNormal(now: number, log: readonly StoredMessage[], filter: TagExpression, max: number, deliver: Deliver): number {
    let taken = 0;
    while (taken < max && this.ready.length > 0) {
      const seq = this.ready.shift() as number;
      if (this.isDone(seq)) continue;
      const delivery = this.inflight.get(seq);
      if (delivery !== undefined && delivery.next > now) continue;
      const message = log[seq] as StoredMessage;
      // RocketMQ semantics: a message the group's filter does not select is skipped for that group.
      if (!matchesTag(filter, message.tag)) this.markDone(seq);
      else if (deliver(seq)) taken += 1;
    }
    while (taken < max && this.scanPos < log.length) {
      const seq = this.scanPos;
      this.scanPos += 1;
      if (this.isDone(seq) || this.inflight.has(seq)) continue;
      const message = log[seq] as StoredMessage;
      if (message.deliverAt > now) this.due.push({ at: message.deliverAt, seq });
      else if (!matchesTag(filter, message.tag)) this.markDone(seq);
      else if (deliver(seq)) taken += 1;
    }
    return taken;
  }

  /**
   * Ordered consumption (§4.9): per sharding key, messages go out in log order, and a partition with a
   * message still in flight is skipped until that message is acked or its invisibility ends.
   */
  takeOrdered(now: number, log: readonly StoredMessage[], filter: TagExpression, max: number, deliver: Deliver): number {
    let taken = 0;
    const blocked = new Set<string>();
    for (let seq = this.lowWater; seq < log.length && taken < max; seq += 1) {
      if (this.isDone(seq)) continue;
      const message = log[seq] as StoredMessage;
      const partition = message.shardingKey ?? '';
      if (blocked.has(partition)) continue;
      const delivery = this.inflight.get(seq);
      if ((delivery !== undefined && delivery.next > now) || message.deliverAt > now) {
        blocked.add(partition);
        continue;
      }
      if (!matchesTag(filter, message.tag)) this.markDone(seq);
      else if (deliver(seq)) taken += 1;
    }
    this.scanPos = Math.max(this.scanPos, this.lowWater);
    return taken;
  }

  /** Counts for inspection: not yet delivered or due again, currently invisible, dead. */
  counts(now: number, logLength: number): { backlog: number; inFlight: number; deadLetters: number } {
    let inFlight = 0;
    for (const delivery of this.inflight.values()) if (delivery.next > now) inFlight += 1;
    const open = logLength - this.lowWater - this.done.size;
    return { backlog: Math.max(0, open - inFlight), inFlight, deadLetters: this.dead.size };
  }
}
