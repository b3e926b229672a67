import type { TxDecision, TxState } from './stateMachine';
import { TX_STATES } from './states';
import type { BrokerState, TxKind } from './tables';
import { BROKER_STATES, TX_KINDS } from './tables';

/** A stored transaction. */
export interface TxRecord {
  readonly txId: string;
  /** A transaction, or a plain event (stored COMMITTED at once, published as a normal message). */
  readonly kind: TxKind;
  readonly systemId: string;
  readonly businessKey: string;
  readonly topic: string;
  readonly tag: string;
  readonly payloadHash: string;
  readonly body: string;
  readonly properties: Readonly<Record<string, string>> | undefined;
  readonly checkbackPath: string | undefined;
  readonly state: TxState;
  readonly broker: BrokerState;
  /** Why it was decided: `client`, `checkback`, `policy`, `publish-failed`. */
  readonly reason: string | undefined;
  readonly messageId: string | undefined;
  readonly receiptHandle: string | undefined;
  /** When the current publish attempt was claimed (epoch ms); a stale claim may be taken over. */
  readonly publishClaimedAt: number;
  readonly checkCount: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly decidedAt: number | undefined;
}

/** What prepare stores before publishing. */
export type NewTx = Pick<
  TxRecord,
  'txId' | 'systemId' | 'businessKey' | 'topic' | 'tag' | 'payloadHash' | 'body' | 'properties' | 'checkbackPath'
>;

/**
 * The record {@link TxStore.insertPrepared} (a transaction: PREPARED) or {@link TxStore.insertPlain}
 * (a plain event: COMMITTED on arrival) stores, built without reading it back (one round trip less on
 * MySQL); either waits for its publish.
 */
export function storedRecord(tx: NewTx, kind: TxKind, at: number): TxRecord {
  const plain = kind === TX_KINDS.plain;
  return {
    ...tx,
    kind,
    state: plain ? TX_STATES.committed : TX_STATES.prepared,
    broker: BROKER_STATES.publishPending,
    reason: plain ? 'plain' : undefined,
    messageId: undefined,
    receiptHandle: undefined,
    publishClaimedAt: at,
    checkCount: 0,
    createdAt: at,
    updatedAt: at,
    decidedAt: plain ? at : undefined,
  };
}

export const TX_EVENT_TYPES = {
  prepared: 'PREPARED',
  /** A plain event was stored (it is a fact: COMMITTED from the start). */
  accepted: 'ACCEPTED',
  published: 'PUBLISHED',
  publishFailed: 'PUBLISH_FAILED',
  committed: 'COMMITTED',
  rolledBack: 'ROLLED_BACK',
  brokerNotified: 'BROKER_NOTIFIED',
  brokerNotifyFailed: 'BROKER_NOTIFY_FAILED',
  check: 'CHECK',
} as const;
export type TxEventType = (typeof TX_EVENT_TYPES)[keyof typeof TX_EVENT_TYPES];

/** One entry of a transaction's timeline. */
export interface TxEvent {
  readonly at: number;
  readonly type: TxEventType;
  /** State after the event. */
  readonly state: TxState;
  readonly actor: string;
  readonly detail: Readonly<Record<string, unknown>> | undefined;
}

/** Who decided and why, recorded with the decision. */
export interface DecisionContext {
  readonly actor: string;
  readonly reason: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * Durable transaction state and timeline. Every mutation that changes state is conditional on the
 * current state (compare-and-set), so concurrent callers cannot both win, and writes its timeline
 * event in the same local transaction.
 */
export interface TxStore {
  /** Stores a new PREPARED transaction (broker PUBLISH_PENDING). Returns false when the (system, businessKey) is held by another transaction. */
  insertPrepared(tx: NewTx, at: number): Promise<boolean>;
  get(txId: string): Promise<TxRecord | undefined>;
  /** The transaction currently holding (system, businessKey), if any. */
  findByBusinessKey(systemId: string, businessKey: string): Promise<TxRecord | undefined>;
  /** Takes over a stale publish attempt: true only for the one caller whose `previousClaimAt` still matches. */
  claimPublish(txId: string, previousClaimAt: number, at: number): Promise<boolean>;
  /** Records the published half message (message id, receipt handle). */
  markPublished(txId: string, published: { messageId: string; receiptHandle: string }, at: number): Promise<void>;
  /** PREPARED + PUBLISH_PENDING → ROLLED_BACK (NOT_PUBLISHED), releasing the businessKey. False if it was no longer so. */
  failPublish(txId: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<boolean>;
  /**
   * Deletes a PREPARED + PUBLISH_PENDING transaction and its timeline, for a publish the broker
   * refused: the request is refused as a whole and leaves nothing behind. False if it was no longer so.
   */
  discardUnpublished(txId: string): Promise<boolean>;
  /** PREPARED → COMMITTED | ROLLED_BACK; false when the transaction was not PREPARED any more (someone else decided). */
  decide(txId: string, decision: TxDecision, context: DecisionContext, at: number): Promise<boolean>;
  /** The broker acknowledged the decision (or the half message is otherwise settled). */
  markDelivered(txId: string, actor: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<void>;
  /** Records a broker call that failed; the decision stays pending for check-back. */
  recordDeliveryFailure(txId: string, actor: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<void>;
  /** Records one check of an undecided transaction and returns the new check count. */
  recordCheck(txId: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<number>;
  timeline(txId: string): Promise<TxEvent[]>;
  /** Stores a plain event: COMMITTED, broker PUBLISH_PENDING, claimed by the caller. False when (system, businessKey) is taken. */
  insertPlain(event: NewTx, at: number): Promise<boolean>;
  /** A plain event's normal message was accepted: broker PUBLISHED. */
  markPlainPublished(eventId: string, messageId: string, at: number): Promise<void>;
  /** A plain event's publish failed: the claim is released (the next retry publishes at once) and the failure recorded. */
  releasePublishClaim(eventId: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<void>;
}
