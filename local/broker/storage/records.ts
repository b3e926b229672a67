/**
 * Journal records: one JSON object per line. Replaying them in order rebuilds the broker's state; every
 * record is an idempotent "set" so replaying one whose effect is already in a snapshot is harmless.
 * Field names are short because a record is written for every publish, consume answer and ack request.
 */

interface Addressed {
  /** Instance id ('' when none). */
  readonly ns: string;
  /** Topic. */
  readonly tp: string;
}

interface MessageFields {
  readonly id: string;
  /** Body. */
  readonly b: string;
  /** Uppercase hex MD5 of the body. */
  readonly md5: string;
  readonly tag?: string;
  /** Encoded properties (`k:v|k:v`). */
  readonly p?: string;
  /** Publish time, ms epoch. */
  readonly pt: number;
}

/** A message appended to a topic log at sequence `s` (a publish, or a snapshot of a retained message). */
export interface PublishRecord extends Addressed, MessageFields {
  readonly t: 'P';
  readonly s: number;
  /** Deliverable from (StartDeliverTime or publish time), ms epoch. */
  readonly da: number;
}

/** A delivery to a group: the message is in flight with this count, first time, invisibility end and token. */
export interface DeliveryRecord extends Addressed {
  readonly t: 'D';
  readonly g: string;
  readonly s: number;
  readonly c: number;
  readonly f: number;
  readonly n: number;
  readonly k: string;
}

/**
 * The deliveries of one consume answer: all share the invisibility end `n`; each item is
 * `[seq, count, first, token]`. One record per answer instead of one per message (up to 16).
 */
export interface DeliveryBatchRecord extends Addressed {
  readonly t: 'DS';
  readonly g: string;
  readonly n: number;
  readonly d: readonly (readonly [number, number, number, string])[];
}

/** The acks of one ack request: the group acknowledged the messages at sequences `s`. */
export interface AckBatchRecord extends Addressed {
  readonly t: 'AS';
  readonly g: string;
  readonly s: readonly number[];
}

/** A group acknowledged the message at `s`. */
export interface AckRecord extends Addressed {
  readonly t: 'A';
  readonly g: string;
  readonly s: number;
}

/** The message at `s` exhausted its deliveries for the group and became a dead letter at `at`. */
export interface DeadLetterRecord extends Addressed {
  readonly t: 'X';
  readonly g: string;
  readonly s: number;
  readonly c: number;
  readonly at: number;
}

/** Snapshot only: a group's low-water mark (everything below is done) and the done set above it. */
export interface GroupRecord extends Addressed {
  readonly t: 'G';
  readonly g: string;
  readonly lw: number;
  readonly done: readonly number[];
}

/** A transactional half message, invisible until committed; first check at `ck`. */
export interface HalfRecord extends Addressed, MessageFields {
  readonly t: 'H';
  /** Token of the publish handle, valid until `ck`. */
  readonly k: string;
  readonly ck: number;
  /** Checks offered so far (snapshot only; 0 on publish). */
  readonly c?: number;
}

/** A half message was offered to `consumeHalfMessage`: count `c`, next offer / handle expiry `n`, token `k`. */
export interface HalfCheckRecord extends Addressed {
  readonly t: 'HD';
  readonly id: string;
  readonly c: number;
  readonly n: number;
  readonly k: string;
}

/** A half message was committed and appended to the topic log at `s`. */
export interface CommitRecord extends Addressed {
  readonly t: 'HC';
  readonly id: string;
  readonly s: number;
}

/** A half message was rolled back (or given up after the give-up age). */
export interface RollbackRecord extends Addressed {
  readonly t: 'HR';
  readonly id: string;
}

export type JournalRecord =
  | PublishRecord
  | DeliveryRecord
  | AckRecord
  | DeliveryBatchRecord
  | AckBatchRecord
  | DeadLetterRecord
  | GroupRecord
  | HalfRecord
  | HalfCheckRecord
  | CommitRecord
  | RollbackRecord;

export const RECORD_TYPES: ReadonlySet<string> = new Set(['P', 'D', 'A', 'DS', 'AS', 'X', 'G', 'H', 'HD', 'HC', 'HR']);
