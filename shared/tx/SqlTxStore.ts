import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { TxStoreError } from './errors';
import type { TxWriter } from './groupCommit';
import { writerFor } from './groupCommit';
import type { TxDecision, TxState } from './stateMachine';
import { stateAfter, TX_STATES } from './stateMachine';
import type { BrokerState, TxEventRow, TxRow, TxTables } from './tables';
import { BROKER_STATES } from './tables';
import type { DecisionContext, NewTx, TxEvent, TxEventType, TxRecord, TxStore } from './TxStore';
import { TX_EVENT_TYPES } from './TxStore';

/** Duplicate-key errors of both drivers (SQLite constraint codes, MySQL ER_DUP_ENTRY). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'ER_DUP_ENTRY';
}

function optionalNumber(value: number | string | null): number | undefined {
  return value === null ? undefined : Number(value);
}

function toRecord(row: TxRow): TxRecord {
  return {
    txId: row.tx_id,
    systemId: row.system_id,
    businessKey: row.business_key,
    topic: row.topic,
    tag: row.tag,
    payloadHash: row.payload_hash,
    body: row.body,
    properties: row.properties === null ? undefined : (JSON.parse(row.properties) as Record<string, string>),
    checkbackPath: row.checkback_path ?? undefined,
    state: row.state as TxState,
    broker: row.broker as BrokerState,
    reason: row.reason ?? undefined,
    messageId: row.message_id ?? undefined,
    receiptHandle: row.receipt_handle ?? undefined,
    publishClaimedAt: Number(row.publish_claimed_at),
    checkCount: Number(row.check_count),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    decidedAt: optionalNumber(row.decided_at),
  };
}

function toEvent(row: Pick<TxEventRow, 'at' | 'type' | 'state' | 'actor' | 'detail'>): TxEvent {
  return {
    at: Number(row.at),
    type: row.type as TxEventType,
    state: row.state as TxState,
    actor: row.actor,
    detail: row.detail === null ? undefined : (JSON.parse(row.detail) as Record<string, unknown>),
  };
}

type Db = Kysely<TxTables> | Transaction<TxTables>;

function insertTx(db: Db, tx: NewTx, at: number): Promise<unknown> {
  return db
    .insertInto('txc_tx')
    .values({
      tx_id: tx.txId,
      system_id: tx.systemId,
      business_key: tx.businessKey,
      active_business_key: tx.businessKey,
      topic: tx.topic,
      tag: tx.tag,
      payload_hash: tx.payloadHash,
      body: tx.body,
      properties: tx.properties === undefined ? null : JSON.stringify(tx.properties),
      checkback_path: tx.checkbackPath ?? null,
      state: TX_STATES.prepared,
      broker: BROKER_STATES.publishPending,
      reason: null,
      message_id: null,
      receipt_handle: null,
      publish_claimed_at: at,
      check_count: 0,
      created_at: at,
      updated_at: at,
      decided_at: null,
    })
    .execute();
}

/**
 * The one {@link TxStore} implementation, over Kysely: the same queries run on SQLite and MySQL.
 * Driver failures are wrapped in {@link TxStoreError}.
 */
export class SqlTxStore implements TxStore {
  private readonly writer: TxWriter<TxTables>;

  constructor(private readonly db: Kysely<TxTables>) {
    this.writer = writerFor(db);
  }

  private async guard<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new TxStoreError(`transaction store: ${operation} failed`, { cause: error });
    }
  }

  private async event(db: Db, txId: string, type: TxEventType, state: TxState, actor: string, at: number, detail?: Readonly<Record<string, unknown>>): Promise<void> {
    await db
      .insertInto('txc_tx_event')
      .values({ tx_id: txId, at, type, state, actor, detail: detail === undefined ? null : JSON.stringify(detail) })
      .execute();
  }

  /** Appends an event carrying the transaction's current state, in one statement (no read round trip). */
  private async eventAtCurrentState(db: Db, txId: string, type: TxEventType, actor: string, at: number, detail: Readonly<Record<string, unknown>>): Promise<void> {
    await db
      .insertInto('txc_tx_event')
      .columns(['tx_id', 'at', 'type', 'state', 'actor', 'detail'])
      .expression((eb) =>
        eb
          .selectFrom('txc_tx')
          .select([
            'tx_id',
            eb.val(at).as('at'),
            eb.val(type).as('type'),
            'state',
            eb.val(actor).as('actor'),
            eb.val(JSON.stringify(detail)).as('detail'),
          ])
          .where('tx_id', '=', txId),
      )
      .execute();
  }

  async insertPrepared(tx: NewTx, at: number): Promise<boolean> {
    try {
      return await this.writer.write(async (trx) => {
        try {
          await insertTx(trx, tx, at);
        } catch (error) {
          // The failed INSERT is the job's first statement and undoes only itself: the rest of a group commit stands.
          if (isUniqueViolation(error)) return false;
          throw error;
        }
        await this.event(trx, tx.txId, TX_EVENT_TYPES.prepared, TX_STATES.prepared, tx.systemId, at, { businessKey: tx.businessKey });
        return true;
      });
    } catch (error) {
      throw new TxStoreError('transaction store: insert failed', { cause: error });
    }
  }

  get(txId: string): Promise<TxRecord | undefined> {
    return this.guard('get', async () => {
      const row = await this.db.selectFrom('txc_tx').selectAll().where('tx_id', '=', txId).executeTakeFirst();
      return row && toRecord(row);
    });
  }

  findByBusinessKey(systemId: string, businessKey: string): Promise<TxRecord | undefined> {
    return this.guard('find by business key', async () => {
      const row = await this.db
        .selectFrom('txc_tx')
        .selectAll()
        .where('system_id', '=', systemId)
        .where('active_business_key', '=', businessKey)
        .executeTakeFirst();
      return row && toRecord(row);
    });
  }

  claimPublish(txId: string, previousClaimAt: number, at: number): Promise<boolean> {
    return this.guard('claim publish', () => this.writer.write(async (trx) => {
      const result = await trx
        .updateTable('txc_tx')
        .set({ publish_claimed_at: at, updated_at: at })
        .where('tx_id', '=', txId)
        .where('broker', '=', BROKER_STATES.publishPending)
        .where('publish_claimed_at', '=', previousClaimAt)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    }));
  }

  markPublished(txId: string, published: { messageId: string; receiptHandle: string }, at: number): Promise<void> {
    return this.guard('mark published', () =>
      this.writer.write(async (trx) => {
        // A decision may already be stored (takeover race): then only the handle is added.
        await trx
          .updateTable('txc_tx')
          .set({
            message_id: published.messageId,
            receipt_handle: published.receiptHandle,
            broker: sql<string>`case when broker = ${BROKER_STATES.publishPending} then ${BROKER_STATES.half} else broker end`,
            updated_at: at,
          })
          .where('tx_id', '=', txId)
          .execute();
        await this.eventAtCurrentState(trx, txId, TX_EVENT_TYPES.published, 'gateway', at, { messageId: published.messageId });
      }),
    );
  }

  failPublish(txId: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<boolean> {
    return this.guard('fail publish', () =>
      this.writer.write(async (trx) => {
        const result = await trx
          .updateTable('txc_tx')
          .set({
            state: TX_STATES.rolledBack,
            broker: BROKER_STATES.notPublished,
            reason: 'publish-failed',
            active_business_key: null,
            decided_at: at,
            updated_at: at,
          })
          .where('tx_id', '=', txId)
          .where('state', '=', TX_STATES.prepared)
          .where('broker', '=', BROKER_STATES.publishPending)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await this.event(trx, txId, TX_EVENT_TYPES.publishFailed, TX_STATES.rolledBack, 'gateway', at, detail);
        return true;
      }),
    );
  }

  decide(txId: string, decision: TxDecision, context: DecisionContext, at: number): Promise<boolean> {
    const state = stateAfter(decision);
    return this.guard('decide', () =>
      this.writer.write(async (trx) => {
        // Compare-and-set on PREPARED: of concurrent commit and rollback exactly one updates a row.
        const result = await trx
          .updateTable('txc_tx')
          .set({
            state,
            broker: sql<string>`case when broker = ${BROKER_STATES.half} then ${BROKER_STATES.decisionPending} else broker end`,
            reason: context.reason,
            decided_at: at,
            updated_at: at,
          })
          .where('tx_id', '=', txId)
          .where('state', '=', TX_STATES.prepared)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        const type = decision === 'COMMIT' ? TX_EVENT_TYPES.committed : TX_EVENT_TYPES.rolledBack;
        await this.event(trx, txId, type, state, context.actor, at, { reason: context.reason, ...context.detail });
        return true;
      }),
    );
  }

  markDelivered(txId: string, actor: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<void> {
    return this.guard('mark delivered', () =>
      this.writer.write(async (trx) => {
        await trx
          .updateTable('txc_tx')
          .set({ broker: BROKER_STATES.decisionDelivered, updated_at: at })
          .where('tx_id', '=', txId)
          .where('state', '!=', TX_STATES.prepared)
          .execute();
        await this.eventAtCurrentState(trx, txId, TX_EVENT_TYPES.brokerNotified, actor, at, detail);
      }),
    );
  }

  recordDeliveryFailure(txId: string, actor: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<void> {
    return this.guard('record delivery failure', () => this.writer.write((trx) => this.eventAtCurrentState(trx, txId, TX_EVENT_TYPES.brokerNotifyFailed, actor, at, detail)));
  }

  recordCheck(txId: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<number> {
    return this.guard('record check', () =>
      this.writer.write(async (trx) => {
        await trx
          .updateTable('txc_tx')
          .set({ check_count: sql<number>`check_count + 1`, updated_at: at })
          .where('tx_id', '=', txId)
          .execute();
        const row = await trx.selectFrom('txc_tx').select(['state', 'check_count']).where('tx_id', '=', txId).executeTakeFirstOrThrow();
        await this.event(trx, txId, TX_EVENT_TYPES.check, row.state as TxState, 'checkback', at, detail);
        return Number(row.check_count);
      }),
    );
  }

  timeline(txId: string): Promise<TxEvent[]> {
    return this.guard('timeline', async () => {
      const rows = await this.db
        .selectFrom('txc_tx_event')
        .select(['at', 'type', 'state', 'actor', 'detail'])
        .where('tx_id', '=', txId)
        .orderBy('id')
        .execute();
      return rows.map(toEvent);
    });
  }
}
