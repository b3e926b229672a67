import type { Kysely, Transaction } from 'kysely';
import type { Alert } from '../alert/AlertSink';
import type { InvocationContext } from '../invocation/InvocationContext';

/** The two ways messages reach a consumer (DESIGN.md §2.1). */
export const DELIVERY_MODES = {
  /** FC RocketMQ trigger: a CloudEvents batch, whole-batch retry, no reconsume count. */
  trigger: 'trigger',
  /** HTTP SDK pull: up to 16 per consume, ack per message, ConsumedTimes known. */
  pull: 'pull',
} as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[keyof typeof DELIVERY_MODES];

/** A delivered message, whatever the delivery mode. Built by the FC MQ adapter or the pull loop. */
export interface IncomingMessage {
  readonly messageId: string;
  readonly topic: string;
  readonly tag: string | undefined;
  /** `KEYS`: the transaction id for txcenter messages. */
  readonly key: string | undefined;
  readonly body: string;
  readonly properties: Readonly<Record<string, string>>;
  /** Epoch ms the broker stored the message. */
  readonly publishTime: number;
  /** Pull mode only: the broker's ConsumedTimes (first delivery = 1). */
  readonly deliveryCount?: number;
}

/** What a handler learnt about a message it can process, for the barrier's timeline columns. */
export interface DecodedMessage<T> {
  readonly value: T;
  readonly eventId?: string;
  readonly businessKey?: string;
}

/** Local effects of one message: applied in the SAME transaction that completes the barrier. */
export interface Effects {
  /** One line for the timeline, e.g. `touch-point app for C1001`. */
  readonly summary: string;
  apply(trx: Transaction<any>): Promise<void>;
  /** Raised after the commit (e.g. a compliance violation). */
  readonly alerts?: readonly Alert[];
}

/** Per-message context a handler gets (remote calls use `invocation.remainingMs()` as their budget). */
export interface HandlerContext {
  readonly group: string;
  readonly message: IncomingMessage;
  readonly attempt: number;
  readonly invocation: InvocationContext;
  readonly db: Kysely<any>;
}

/**
 * A domain handler: `decode` validates the body (throw a {@link ValidationError}-like error to dead-letter
 * it at once), `handle` runs remote idempotent steps and returns the local effects. It never writes the
 * database itself: the runtime applies the effects with the barrier, so effects happen exactly once.
 */
export interface MessageHandler<T = unknown> {
  /** `key`: the message key (transaction id), so a re-publish is a duplicate; `messageId`: each message once. */
  readonly dedupBy: 'key' | 'messageId';
  /**
   * True when `handle` makes no remote call and has no side effect outside its returned effects: a
   * first delivery then needs no separate claim, and the runtime writes the barrier row, the effects
   * and the attempt in one transaction (one SQL write instead of three). @default false
   */
  readonly localOnly?: boolean;
  decode(message: IncomingMessage): DecodedMessage<T>;
  handle(decoded: DecodedMessage<T>, context: HandlerContext): Promise<Effects>;
}

/** What became of one message; `settled` ones are acknowledged, the others come back. */
export const OUTCOMES = {
  applied: 'applied',
  duplicate: 'duplicate',
  conflict: 'conflict',
  deadLettered: 'dead-lettered',
  notForThisGroup: 'not-for-this-group',
  retry: 'retry',
  busy: 'busy',
} as const;
export type OutcomeKind = (typeof OUTCOMES)[keyof typeof OUTCOMES];

export interface MessageOutcome {
  readonly messageId: string;
  readonly dedupKey: string;
  readonly kind: OutcomeKind;
  /** True when the message is done for this group (ack it; in trigger mode it needs no retry). */
  readonly settled: boolean;
  readonly attempt?: number;
  readonly errorCode?: string;
  readonly error?: string;
}

/** Properties the DLQ replay puts on a replayed message (values avoid `: | ' " & < >`). */
export const REPLAY_PROPERTIES = {
  /** Unique per replay run and dead letter: reopens a DEAD_LETTERED barrier exactly once. */
  replayId: 'TXC_REPLAY_ID',
  /** Only this group processes the replay; other subscribers of the tag ignore it. */
  group: 'TXC_REPLAY_GROUP',
  /** The dead letter being replayed, so a repeated failure is linked to it and not replayed again. */
  deadLetterId: 'TXC_REPLAY_OF',
} as const;
