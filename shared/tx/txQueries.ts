import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { precompile } from './precompiledQuery';
import { TX_STATES } from './stateMachine';
import type { TxTables } from './tables';
import { BROKER_STATES } from './tables';

/** Arguments of the new-transaction INSERT (everything else is fixed: PREPARED, PUBLISH_PENDING, no handle yet). */
export interface InsertTxArgs extends Record<string, unknown> {
  txId: string;
  systemId: string;
  businessKey: string;
  topic: string;
  tag: string;
  payloadHash: string;
  body: string;
  properties: string | null;
  checkbackPath: string | null;
  at: number;
}

/** Arguments of a timeline INSERT; `detail` is JSON text or NULL. */
export interface EventArgs extends Record<string, unknown> {
  txId: string;
  at: number;
  type: string;
  state: string;
  actor: string;
  detail: string | null;
}

/**
 * The statements of every prepare + commit, compiled once per store (see {@link precompile}); the
 * rarer ones (takeover, failed publish, checks, timeline) stay ordinary Kysely queries.
 */
export function compileTxQueries(db: Kysely<TxTables>) {
  return {
    get: precompile(['txId'], (a: { txId: string }) => db.selectFrom('txc_tx').selectAll().where('tx_id', '=', a.txId)),

    insertTx: precompile(['txId', 'systemId', 'businessKey', 'topic', 'tag', 'payloadHash', 'body', 'properties', 'checkbackPath', 'at'], (a: InsertTxArgs) =>
      db.insertInto('txc_tx').values({
        tx_id: a.txId,
        system_id: a.systemId,
        business_key: a.businessKey,
        active_business_key: a.businessKey,
        topic: a.topic,
        tag: a.tag,
        payload_hash: a.payloadHash,
        body: a.body,
        properties: a.properties,
        checkback_path: a.checkbackPath,
        state: TX_STATES.prepared,
        broker: BROKER_STATES.publishPending,
        reason: null,
        message_id: null,
        receipt_handle: null,
        publish_claimed_at: a.at,
        check_count: 0,
        created_at: a.at,
        updated_at: a.at,
        decided_at: null,
      }),
    ),

    event: precompile(['txId', 'at', 'type', 'state', 'actor', 'detail'], (a: EventArgs) =>
      db.insertInto('txc_tx_event').values({ tx_id: a.txId, at: a.at, type: a.type, state: a.state, actor: a.actor, detail: a.detail }),
    ),

    /** A timeline row carrying the transaction's current state, in one statement (no read round trip). */
    eventAtCurrentState: precompile(['txId', 'at', 'type', 'actor', 'detail'], (a: { txId: string; at: number; type: string; actor: string; detail: string }) =>
      db
        .insertInto('txc_tx_event')
        .columns(['tx_id', 'at', 'type', 'state', 'actor', 'detail'])
        .expression((eb) =>
          eb
            .selectFrom('txc_tx')
            .select(['tx_id', eb.val(a.at).as('at'), eb.val(a.type).as('type'), 'state', eb.val(a.actor).as('actor'), eb.val(a.detail).as('detail')])
            .where('tx_id', '=', a.txId),
        ),
    ),

    // A decision may already be stored (takeover race): then only the handle is added.
    markPublished: precompile(['txId', 'messageId', 'receiptHandle', 'at'], (a: { txId: string; messageId: string; receiptHandle: string; at: number }) =>
      db
        .updateTable('txc_tx')
        .set({
          message_id: a.messageId,
          receipt_handle: a.receiptHandle,
          broker: sql<string>`case when broker = ${BROKER_STATES.publishPending} then ${BROKER_STATES.half} else broker end`,
          updated_at: a.at,
        })
        .where('tx_id', '=', a.txId),
    ),

    // Compare-and-set on PREPARED: of concurrent commit and rollback exactly one updates a row.
    decide: precompile(['txId', 'state', 'reason', 'at'], (a: { txId: string; state: string; reason: string; at: number }) =>
      db
        .updateTable('txc_tx')
        .set({
          state: a.state,
          broker: sql<string>`case when broker = ${BROKER_STATES.half} then ${BROKER_STATES.decisionPending} else broker end`,
          reason: a.reason,
          decided_at: a.at,
          updated_at: a.at,
        })
        .where('tx_id', '=', a.txId)
        .where('state', '=', TX_STATES.prepared),
    ),

    markDelivered: precompile(['txId', 'at'], (a: { txId: string; at: number }) =>
      db
        .updateTable('txc_tx')
        .set({ broker: BROKER_STATES.decisionDelivered, updated_at: a.at })
        .where('tx_id', '=', a.txId)
        .where('state', '!=', TX_STATES.prepared),
    ),
  };
}

export type TxQueries = ReturnType<typeof compileTxQueries>;
