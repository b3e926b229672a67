import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { TxStoreError } from './errors';
import type { RowSink, TxWriter, WriteBatch } from '../../adapters/store/groupCommit';
import { writeAtCommit, writerFor } from '../../adapters/store/groupCommit';
import type { TxDecision, TxState } from './stateMachine';
import { stateAfter, TX_STATES } from './stateMachine';
import type { BrokerState, TxEventRow, TxRow, TxTables } from './tables';
import { BROKER_STATES, TX_KINDS } from './tables';
import type { DecisionContext, NewTx, TxEvent, TxEventType, TxRecord, TxStore } from './TxStore';
import { TX_EVENT_TYPES } from './TxStore';
import type { DeliveredRow, EventRow, PlainPublishedRow, PublishedRow, TxQueries } from './txQueries';
import { compileTxQueries, insertEvents, markDeliveredRows, markPlainPublishedRows, markPublishedRows } from './txQueries';

/** Duplicate-key errors of both drivers (SQLite constraint codes, MySQL ER_DUP_ENTRY). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'ER_DUP_ENTRY';
}

function optionalNumber(value: number | string | null): number | undefined {
  return value === null ? undefined : Number(value);
}

function toRecord(row: Selectable<TxRow>): TxRecord {
  return {
    txId: row.tx_id,
    kind: row.kind === TX_KINDS.plain ? TX_KINDS.plain : TX_KINDS.transactional,
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

/**
 * The one {@link TxStore} implementation, over Kysely: the same queries run on SQLite and MySQL.
 * Driver failures are wrapped in {@link TxStoreError}.
 *
 * The new transaction's and plain event's INSERT and the decision's compare-and-set go with the
 * batch's COMMIT ({@link writeAtCommit}; on MySQL no round trip of their own), after the statements
 * the batch's jobs run directly. Holding them is safe because none of those reads what they write:
 * - an INSERT's tx_id is new, and nobody learns it before the COMMIT (callers are answered after it),
 *   so no job of the batch names it; a second INSERT of the same businessKey is held as well and fails
 *   at the COMMIT, after which the batch runs again with its statements sent directly and that one
 *   finds the key taken;
 * - a decision's row may be named by a direct statement of another job of its batch (a takeover's
 *   claim, a failed publish or discard, a check), which then runs before it whatever the queue order:
 *   a claim compares the claim time, which a decision leaves alone, and PUBLISH_PENDING, which it keeps;
 *   a failed publish or a discard compares the state as the decision does, so it wins, the held
 *   decision matches no row and stops the COMMIT, and the batch runs again directly in queue order; a check
 *   reads the state before the decision, as if it had run first, which it may: both were in flight;
 * - the batch's collected rows (timeline, handles, delivery marks) are written after the held
 *   statements, as they were after the direct ones.
 * The durable-before-acting order is kept: every caller is answered after the COMMIT.
 */
export class SqlTxStore implements TxStore {
  private readonly writer: TxWriter<TxTables>;
  private readonly q: TxQueries;
  /** Timeline rows, one INSERT per batch of writes; the handles, plain-event marks and delivery marks, one UPDATE each per batch. */
  private readonly events: RowSink<TxTables, EventRow>;
  private readonly published: RowSink<TxTables, PublishedRow>;
  private readonly plainPublished: RowSink<TxTables, PlainPublishedRow>;
  private readonly delivered: RowSink<TxTables, DeliveredRow>;

  constructor(private readonly db: Kysely<TxTables>) {
    this.writer = writerFor(db);
    this.q = compileTxQueries(db);
    this.events = { statement: (_, rows) => insertEvents(db, rows) };
    this.published = { statement: (_, rows) => markPublishedRows(db, rows) };
    this.plainPublished = { statement: (_, rows) => markPlainPublishedRows(db, rows) };
    this.delivered = { statement: (_, rows) => markDeliveredRows(db, rows) };
  }

  private async guard<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new TxStoreError(`transaction store: ${operation} failed`, { cause: error });
    }
  }

  /** Adds a timeline row to the batch's single INSERT; `state` undefined takes the transaction's state then. */
  private event(
    batch: WriteBatch<TxTables>,
    txId: string,
    type: TxEventType,
    state: TxState | undefined,
    actor: string,
    at: number,
    detail?: Readonly<Record<string, unknown>>,
  ): void {
    batch.collect(this.events, {
      txId,
      at,
      type,
      state: state ?? null,
      actor,
      detail: detail === undefined ? null : JSON.stringify(detail),
    });
  }

  async insertPrepared(tx: NewTx, at: number): Promise<boolean> {
    try {
      return await this.writer.write(async (trx, batch) => {
        try {
          await writeAtCommit(
            trx,
            this.q.insertTx.bind({
              txId: tx.txId,
              systemId: tx.systemId,
              businessKey: tx.businessKey,
              topic: tx.topic,
              tag: tx.tag,
              payloadHash: tx.payloadHash,
              body: tx.body,
              properties: tx.properties === undefined ? null : JSON.stringify(tx.properties),
              checkbackPath: tx.checkbackPath ?? null,
              at,
            }),
          );
        } catch (error) {
          // Thrown where the INSERT runs directly (SQLite; on MySQL when a stopped batch runs again).
          // The failed INSERT is the job's first statement and undoes only itself: the rest of a group commit stands.
          if (isUniqueViolation(error)) return false;
          throw error;
        }
        this.event(batch, tx.txId, TX_EVENT_TYPES.prepared, TX_STATES.prepared, tx.systemId, at, { businessKey: tx.businessKey });
        return true;
      });
    } catch (error) {
      throw new TxStoreError('transaction store: insert failed', { cause: error });
    }
  }

  get(txId: string): Promise<TxRecord | undefined> {
    return this.guard('get', async () => {
      const row = (await this.db.executeQuery(this.q.get.bind({ txId }))).rows[0];
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
    return this.guard('claim publish', () =>
      this.writer.write(async (trx) => {
        const result = await trx
          .updateTable('txc_tx')
          .set({ publish_claimed_at: at, updated_at: at })
          .where('tx_id', '=', txId)
          .where('broker', '=', BROKER_STATES.publishPending)
          .where('publish_claimed_at', '=', previousClaimAt)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),
    );
  }

  markPublished(txId: string, published: { messageId: string; receiptHandle: string }, at: number): Promise<void> {
    return this.guard('mark published', () =>
      this.writer.write(async (_, batch) => {
        batch.collect(this.published, { txId, messageId: published.messageId, receiptHandle: published.receiptHandle, at });
        this.event(batch, txId, TX_EVENT_TYPES.published, undefined, 'gateway', at, { messageId: published.messageId });
      }),
    );
  }

  failPublish(txId: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<boolean> {
    return this.guard('fail publish', () =>
      this.writer.write(async (trx, batch) => {
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
        this.event(batch, txId, TX_EVENT_TYPES.publishFailed, TX_STATES.rolledBack, 'gateway', at, detail);
        return true;
      }),
    );
  }

  discardUnpublished(txId: string): Promise<boolean> {
    return this.guard('discard unpublished', () =>
      this.writer.write(async (trx) => {
        const result = await trx
          .deleteFrom('txc_tx')
          .where('tx_id', '=', txId)
          .where('state', '=', TX_STATES.prepared)
          .where('broker', '=', BROKER_STATES.publishPending)
          .executeTakeFirst();
        if (Number(result.numDeletedRows) !== 1) return false;
        await trx.deleteFrom('txc_tx_event').where('tx_id', '=', txId).execute();
        return true;
      }),
    );
  }

  decide(txId: string, decision: TxDecision, context: DecisionContext, at: number): Promise<boolean> {
    const state = stateAfter(decision);
    return this.guard('decide', () =>
      this.writer.write(async (trx, batch) => {
        if (!(await writeAtCommit(trx, this.q.decide.bind({ txId, state, reason: context.reason, at }), 1))) return false;
        const type = decision === 'COMMIT' ? TX_EVENT_TYPES.committed : TX_EVENT_TYPES.rolledBack;
        this.event(batch, txId, type, state, context.actor, at, { reason: context.reason, ...context.detail });
        return true;
      }),
    );
  }

  markDelivered(txId: string, actor: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<void> {
    return this.guard('mark delivered', () =>
      this.writer.write(async (_, batch) => {
        batch.collect(this.delivered, { txId, at });
        this.event(batch, txId, TX_EVENT_TYPES.brokerNotified, undefined, actor, at, detail);
      }),
    );
  }

  recordDeliveryFailure(txId: string, actor: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<void> {
    return this.guard('record delivery failure', () =>
      this.writer.write(async (_, batch) => this.event(batch, txId, TX_EVENT_TYPES.brokerNotifyFailed, undefined, actor, at, detail)),
    );
  }

  recordCheck(txId: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<number> {
    return this.guard('record check', () =>
      this.writer.write(async (trx, batch) => {
        await trx
          .updateTable('txc_tx')
          .set({ check_count: sql<number>`check_count + 1`, updated_at: at })
          .where('tx_id', '=', txId)
          .execute();
        const row = await trx.selectFrom('txc_tx').select(['state', 'check_count']).where('tx_id', '=', txId).executeTakeFirstOrThrow();
        this.event(batch, txId, TX_EVENT_TYPES.check, row.state as TxState, 'checkback', at, detail);
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

  insertPlain(event: NewTx, at: number): Promise<boolean> {
    return this.guard('insert plain event', () =>
      this.writer.write(async (trx, batch) => {
        try {
          await writeAtCommit(
            trx,
            trx.insertInto('txc_tx').values({
              tx_id: event.txId,
              kind: TX_KINDS.plain,
              system_id: event.systemId,
              business_key: event.businessKey,
              active_business_key: event.businessKey,
              topic: event.topic,
              tag: event.tag,
              payload_hash: event.payloadHash,
              body: event.body,
              properties: event.properties === undefined ? null : JSON.stringify(event.properties),
              checkback_path: null,
              state: TX_STATES.committed,
              broker: BROKER_STATES.publishPending,
              reason: 'plain',
              message_id: null,
              receipt_handle: null,
              publish_claimed_at: at,
              check_count: 0,
              created_at: at,
              updated_at: at,
              decided_at: at,
            }),
          );
        } catch (error) {
          // Thrown where the INSERT runs directly, as in insertPrepared.
          // The failed INSERT is the job's first statement and undoes only itself: the rest of a group commit stands.
          if (isUniqueViolation(error)) return false;
          throw error;
        }
        this.event(batch, event.txId, TX_EVENT_TYPES.accepted, TX_STATES.committed, event.systemId, at, { businessKey: event.businessKey });
        return true;
      }),
    );
  }

  markPlainPublished(eventId: string, messageId: string, at: number): Promise<void> {
    return this.guard('mark plain event published', () =>
      this.writer.write(async (_, batch) => {
        batch.collect(this.plainPublished, { txId: eventId, messageId, at });
        this.event(batch, eventId, TX_EVENT_TYPES.published, TX_STATES.committed, 'gateway', at, { messageId });
      }),
    );
  }

  releasePublishClaim(eventId: string, detail: Readonly<Record<string, unknown>>, at: number): Promise<void> {
    return this.guard('release publish claim', () =>
      this.writer.write(async (trx, batch) => {
        await trx
          .updateTable('txc_tx')
          .set({ publish_claimed_at: 0, updated_at: at })
          .where('tx_id', '=', eventId)
          .where('broker', '=', BROKER_STATES.publishPending)
          .execute();
        this.event(batch, eventId, TX_EVENT_TYPES.publishFailed, TX_STATES.committed, 'gateway', at, detail);
      }),
    );
  }
}
