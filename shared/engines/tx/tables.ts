import type { ColumnType, Generated } from 'kysely';

/** Where the broker stands for a transaction (orthogonal to the business state). */
export const BROKER_STATES = {
  /** Stored, half message not yet (known to be) published. */
  publishPending: 'PUBLISH_PENDING',
  /** Half message published, no decision yet. */
  half: 'HALF',
  /** Decision stored, the broker not (yet) told: check-back finishes it. */
  decisionPending: 'DECISION_PENDING',
  /** The broker acknowledged the decision. */
  decisionDelivered: 'DECISION_DELIVERED',
  /** The half message was never published (publish failed): nothing at the broker. */
  notPublished: 'NOT_PUBLISHED',
  /** A plain event's normal message was accepted by the broker. */
  published: 'PUBLISHED',
} as const;
export type BrokerState = (typeof BROKER_STATES)[keyof typeof BROKER_STATES];

/** What a `txc_tx` row is: a transaction (half message, decision) or a plain event (one normal message). */
export const TX_KINDS = { transactional: 'TRANSACTIONAL', plain: 'PLAIN' } as const;
export type TxKind = (typeof TX_KINDS)[keyof typeof TX_KINDS];

/** Row of `txc_tx`: one transaction or plain event. Times are epoch ms (bigint; strings on MySQL, numbers on SQLite). */
export interface TxRow {
  tx_id: string;
  /** {@link TX_KINDS}; defaults to TRANSACTIONAL (migration 401). */
  kind: ColumnType<string, string | undefined, string>;
  system_id: string;
  business_key: string;
  /** business_key while this transaction holds it, NULL once released (publish failed). Unique with system_id. */
  active_business_key: string | null;
  topic: string;
  tag: string;
  payload_hash: string;
  /** The message body published (the envelope), kept to re-publish after a crashed prepare. */
  body: string;
  /** JSON object of user properties sent with the message, or NULL. */
  properties: string | null;
  checkback_path: string | null;
  state: string;
  broker: string;
  reason: string | null;
  message_id: string | null;
  receipt_handle: string | null;
  publish_claimed_at: number | string;
  check_count: number;
  created_at: number | string;
  updated_at: number | string;
  decided_at: number | string | null;
}

/** Row of `txc_tx_event`: the timeline, one row per transition, check or broker call. */
export interface TxEventRow {
  id: Generated<number>;
  tx_id: string;
  at: number | string;
  type: string;
  /** The transaction's state after the event. */
  state: string;
  /** Who caused it: a system id, `checkback`, `gateway` or `policy`. */
  actor: string;
  detail: string | null;
}

/** The transaction center's tables, for `Kysely<TxTables>`. */
export interface TxTables {
  txc_tx: TxRow;
  txc_tx_event: TxEventRow;
}
