import { GroupState } from './GroupState';
import type { Waiter } from './GroupState';
import { MinHeap } from './MinHeap';
import type { HalfMessage, StoredMessage } from './types';

/** One `(instance, topic)`: its message log, the groups consuming it and its undecided half messages. */
export class TopicState {
  /** Messages by sequence number; only durable messages are in it, in sequence order. */
  readonly log: StoredMessage[] = [];
  /** Next sequence number to assign (ahead of `log.length` while appends are being synced). */
  nextSeq = 0;
  readonly groups = new Map<string, GroupState>();
  readonly halves = new Map<string, HalfMessage>();
  readonly halfDue = new MinHeap<{ readonly at: number; readonly id: string }>();
  readonly halfWaiters: Waiter[] = [];
  halfTimer: unknown;
  halfTimerAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly ns: string,
    readonly name: string,
  ) {}

  group(name: string): GroupState {
    let group = this.groups.get(name);
    if (group === undefined) {
      group = new GroupState(name);
      this.groups.set(name, group);
    }
    return group;
  }

  /** Appends a durable message; sequence numbers arrive in order because the journal reports in order. */
  append(message: StoredMessage): void {
    if (message.seq < this.log.length) return; // already present (replay of a snapshot overlap)
    this.log.push(message);
    if (this.nextSeq < this.log.length) this.nextSeq = this.log.length;
  }
}

/** Map key of a topic: instance id and topic name. */
export function topicKey(ns: string, topic: string): string {
  return `${ns}\u0000${topic}`;
}
