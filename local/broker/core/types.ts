/** Core data shapes shared by the topic, group and broker state. */

/** A message in a topic log (normal, or a committed transactional one). */
export interface StoredMessage {
  readonly seq: number;
  readonly id: string;
  readonly body: string;
  /** Uppercase hex MD5 of the body. */
  readonly md5: string;
  readonly tag: string | undefined;
  /** Encoded properties, '' when none. */
  readonly properties: string;
  readonly publishTime: number;
  /** Not delivered before this time (StartDeliverTime), ms epoch. */
  readonly deliverAt: number;
  /** Partition for ordered consumption; messages without one share a partition. */
  readonly shardingKey: string | undefined;
}

/** The current delivery of a message to a group. */
export interface Delivery {
  /** ConsumedTimes so far (first delivery = 1). */
  readonly count: number;
  readonly first: number;
  /** Invisible (and the handle valid) until this time, ms epoch. */
  readonly next: number;
  /** The current handle's random token: earlier handles stop working. */
  readonly token: string;
}

/** A transactional half message waiting for commit or rollback. */
export interface HalfMessage {
  readonly message: Omit<StoredMessage, 'seq'>;
  /** Offered to consumeHalfMessage from this time; the current handle is valid until then. */
  checkAt: number;
  /** Offers so far (0 = only the publish handle exists). */
  checks: number;
  firstCheck: number;
  token: string;
  /** Set when a commit/rollback was accepted but is not yet on disk, so a second decision is refused. */
  decided: boolean;
  /** Whether its give-up entry is in the topic's due heap (queued lazily, see `BrokerCore.addHalf`). */
  giveUpQueued: boolean;
}

export const CONSUME_MODES = {
  /** consumeMessage */
  normal: 'normal',
  /** consumeMessageOrderly (`trans=order`) */
  order: 'order',
  /** consumeHalfMessage (`trans=pop`) */
  half: 'half',
} as const;

export type ConsumeMode = (typeof CONSUME_MODES)[keyof typeof CONSUME_MODES];

export const DECISIONS = { commit: 'commit', rollback: 'rollback' } as const;
export type Decision = (typeof DECISIONS)[keyof typeof DECISIONS];

/** A message as one consume answer hands it out (rendered to XML by the codec). */
export interface DeliveredMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly bodyMd5: string;
  readonly body: string;
  readonly publishTime: number;
  readonly firstConsumeTime: number;
  readonly nextConsumeTime: number;
  readonly consumedTimes: number;
  readonly tag: string | undefined;
  /** Encoded `k:v|k:v`, '' when there are none. */
  readonly properties: string;
}
