import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { MergedWrite, RowSink, TxWriter, WriteBatch } from '../../adapters/store/groupCommit';
import { mergedLists, writeAtCommit, writerFor } from '../../adapters/store/groupCommit';
import { consumeStatsSink } from './consumeStats';
import type { ClassifiedError } from './errors';
import { LeaseLostError } from './errors';
import type { BarrierRow, BarrierStatus, ConsumerTables } from './tables';
import { BARRIER_STATUSES } from './tables';

/** What {@link ConsumeBarrier.claim} decided for one delivery. */
export type ClaimResult =
  | { readonly kind: 'claimed'; readonly attempt: number; readonly token: string }
  | { readonly kind: 'duplicate'; readonly row: BarrierRow }
  | { readonly kind: 'conflict'; readonly row: BarrierRow }
  | { readonly kind: 'busy'; readonly until: number }
  | { readonly kind: 'dead-letter-unpublished'; readonly row: BarrierRow };

export interface ClaimRequest {
  readonly group: string;
  readonly dedupKey: string;
  readonly payloadHash: string;
  readonly messageId: string;
  readonly topic: string;
  readonly tag: string | undefined;
  /** Set when the message is a DLQ replay: reopens a DEAD_LETTERED row once per replay id. */
  readonly replayId: string | undefined;
  /** Epoch ms the in-progress claim expires: the invocation's deadline, so a crashed run is retried. */
  readonly leaseUntil: number;
  /** Pull mode holds a failed message back until its retry delay; trigger mode leaves backoff to FC. */
  readonly honourBackoff: boolean;
  readonly now: number;
}

export interface AttemptRecord {
  readonly group: string;
  readonly dedupKey: string;
  readonly attempt: number;
  readonly messageId: string;
  readonly deliveryCount: number | undefined;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome: string;
  readonly error?: ClassifiedError;
}

/** One consumption, as the timeline and the reconciler see it. */
export interface Consumption {
  readonly group: string;
  readonly dedupKey: string;
  readonly status: string;
  readonly eventId: string | null;
  readonly businessKey: string | null;
  readonly topic: string;
  readonly tag: string | null;
  readonly attempts: number;
  readonly summary: string | null;
  readonly lastError: string | null;
  readonly firstSeenAt: number;
  readonly completedAt: number | null;
}

/** Longest timeline summary stored. */
const SUMMARY_MAX_CHARS = 1_000;
/** Races lost to a concurrent claim before giving up with "busy". */
const MAX_CLAIM_ROUNDS = 3;

function attemptRow(record: AttemptRecord): Insertable<ConsumerTables['txc_consume_attempt']> {
  return {
    group_id: record.group,
    dedup_key: record.dedupKey,
    attempt: record.attempt,
    message_id: record.messageId,
    delivery_count: record.deliveryCount ?? null,
    started_at: record.startedAt,
    finished_at: record.finishedAt,
    outcome: record.outcome,
    error_code: record.error?.code ?? null,
    error_message: record.error?.message ?? null,
  };
}

/** A new barrier row: attempt 1, leased to `token` until `leaseUntil`. */
function barrierRow(
  request: ClaimRequest,
  row: { status: BarrierStatus; token: string; leaseUntil: number; summary?: string; eventId?: string; businessKey?: string },
): Insertable<ConsumerTables['txc_consume_barrier']> {
  return {
    group_id: request.group,
    dedup_key: request.dedupKey,
    status: row.status,
    payload_hash: request.payloadHash,
    message_id: request.messageId,
    topic: request.topic,
    tag: request.tag ?? null,
    event_id: row.eventId ?? null,
    business_key: row.businessKey ?? null,
    attempts: 1,
    lease_token: row.token,
    lease_until: row.leaseUntil,
    next_attempt_at: 0,
    replay_id: request.replayId ?? null,
    last_error_code: null,
    last_error: null,
    summary: row.summary?.slice(0, SUMMARY_MAX_CHARS) ?? null,
    dead_letter_id: null,
    dlq_published_at: null,
    created_at: request.now,
    updated_at: request.now,
    completed_at: row.status === BARRIER_STATUSES.completed ? request.now : null,
  };
}

const num = (value: number | string | null): number | null => (value === null ? null : Number(value));

/**
 * The consume barrier (Eventuate's dedup table + Powertools' idempotency record): one row per
 * (group, message key or id). Every state change is a conditional UPDATE on the row's lease token,
 * so two runs can never both believe they own a message; the COMPLETED write shares the transaction
 * of the handler's effects, so "effect applied" and "message done" commit together or not at all.
 * Completions, dead letters and conflicts are counted per group and minute (txc_consume_stats) in the
 * same batch as the write that decides them, and only when that write changed a row.
 */
export class ConsumeBarrier {
  /** Claims commit with the process's other writes (group commit, see {@link writerFor}). */
  private readonly writer: TxWriter<ConsumerTables>;

  /** Attempt rows of a batch of writes, one INSERT per batch. */
  private readonly attempts: RowSink<ConsumerTables, Insertable<ConsumerTables['txc_consume_attempt']>> = {
    statement: (trx, rows) => trx.insertInto('txc_consume_attempt').values(rows).compile(),
  };

  /** Claims of concurrent batches (pull loops) that land in one commit: one insert for all. */
  private readonly newClaims: MergedWrite<ConsumerTables, readonly Insertable<ConsumerTables['txc_consume_barrier']>[], boolean[]> =
    mergedLists((trx, _batch, rows) => this.insertRows(trx, rows));

  constructor(private readonly db: Kysely<ConsumerTables>) {
    this.writer = writerFor(db);
  }

  /** @param rowExists the row is known to exist (a {@link claimNew} did not insert it): start by reading it. */
  async claim(request: ClaimRequest, rowExists = false): Promise<ClaimResult> {
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round += 1) {
      const result = await this.claimOnce(request, !(rowExists && round === 0));
      if (result) return result;
    }
    return { kind: 'busy', until: request.now };
  }

  /**
   * One insert-or-read-decide-write round; undefined when a concurrent writer changed the row in
   * between. The insert comes first because a first delivery (no row yet) is the common case.
   */
  private async claimOnce(request: ClaimRequest, insert: boolean): Promise<ClaimResult | undefined> {
    const { group, dedupKey, now } = request;
    const token = randomUUID();
    if (insert) {
      const [claimed] = await this.claimNew([request]);
      if (claimed) return claimed;
    }
    const row = await this.db
      .selectFrom('txc_consume_barrier')
      .selectAll()
      .where('group_id', '=', group)
      .where('dedup_key', '=', dedupKey)
      .executeTakeFirst();
    if (!row) return undefined;
    const isNewReplay = request.replayId !== undefined && request.replayId !== row.replay_id;
    if (row.payload_hash !== request.payloadHash) return { kind: 'conflict', row };
    // Decided but the DLQ publish did not happen (crash or broker error): publish again.
    if (row.status === BARRIER_STATUSES.deadLettered && row.dlq_published_at === null) return { kind: 'dead-letter-unpublished', row };
    if (row.status === BARRIER_STATUSES.deadLettered && isNewReplay) {
      // A replay starts a fresh attempt count; its replay id makes the reopening happen once.
      return this.take(row, request, token, 1, { replay_id: request.replayId!, dead_letter_id: null, dlq_published_at: null });
    }
    if (row.status === BARRIER_STATUSES.completed || row.status === BARRIER_STATUSES.deadLettered) return { kind: 'duplicate', row };
    if (row.status === BARRIER_STATUSES.inProgress && Number(row.lease_until) > now)
      return { kind: 'busy', until: Number(row.lease_until) };
    if (row.status === BARRIER_STATUSES.failed && request.honourBackoff && Number(row.next_attempt_at) > now)
      return { kind: 'busy', until: Number(row.next_attempt_at) };
    // FAILED, or IN_PROGRESS whose lease expired (the run crashed or timed out): next attempt.
    return this.take(row, request, token, row.attempts + 1, {});
  }

  /**
   * First deliveries of a local-only handler: inserts their rows already COMPLETED inside the effects'
   * transaction, so barrier, effects and attempts commit together (a crash leaves none of them). One
   * multi-row insert-ignore for them all, sent with the COMMIT on MySQL (see {@link insertRows}).
   * @returns per entry, false when a row existed (a redelivery, replay, concurrent run or the same key
   * earlier in `entries`): use {@link claim} for that message instead.
   */
  async insertCompleted(
    trx: Transaction<any>,
    batch: WriteBatch<any>,
    entries: readonly { request: ClaimRequest; done: { summary: string; eventId?: string; businessKey?: string } }[],
  ): Promise<boolean[]> {
    const inserted = await this.insertRows(
      trx as Transaction<ConsumerTables>,
      entries.map(({ request, done }) =>
        barrierRow(request, { status: BARRIER_STATUSES.completed, token: randomUUID(), leaseUntil: request.now, ...done }),
      ),
    );
    entries.forEach(({ request }, index) => {
      if (inserted[index]) batch.collect(consumeStatsSink, { group: request.group, at: request.now, kind: 'consumed', attempts: 1 });
    });
    return inserted;
  }

  /**
   * Claims first deliveries together: their rows IN_PROGRESS in one multi-row insert-ignore, committed
   * before any of them runs (as {@link claim}'s), with the claims of the process's other batches in
   * that commit: on MySQL the insert goes in the COMMIT's round trip (see {@link insertRows}).
   * @returns per request, its claim, or undefined when a row existed: use {@link claim} for that one.
   */
  async claimNew(requests: readonly ClaimRequest[]): Promise<({ kind: 'claimed'; attempt: 1; token: string } | undefined)[]> {
    const rows = requests.map((request) =>
      barrierRow(request, { status: BARRIER_STATUSES.inProgress, token: randomUUID(), leaseUntil: request.leaseUntil }),
    );
    const inserted = await this.writer.writeMerged(this.newClaims, rows);
    return rows.map((row, index) => (inserted[index] ? { kind: 'claimed', attempt: 1, token: row.lease_token } : undefined));
  }

  /**
   * Inserts the rows whose key is free (insert-ignore on the primary key, the first of a key in `rows`
   * wins); true for each row inserted. On MySQL the insert goes with the COMMIT, expecting every row
   * inserted (the common case: first deliveries); when a row existed, the check stops the COMMIT and the
   * writer runs the batch again with its statements sent directly, where the insert answers for real and
   * which rows are ours is read back (a transaction sees its own rows, each carrying its statement's token).
   */
  private async insertRows(
    trx: Transaction<ConsumerTables>,
    rows: readonly Insertable<ConsumerTables['txc_consume_barrier']>[],
  ): Promise<boolean[]> {
    if (rows.length === 0) return [];
    if (await writeAtCommit(trx, trx.insertInto('txc_consume_barrier').values(rows).orIgnore(), rows.length)) return rows.map(() => true);
    if (rows.length === 1) return [false];
    const stored = await trx
      .selectFrom('txc_consume_barrier')
      .select('lease_token')
      .where((eb) => eb.or(rows.map((row) => eb.and([eb('group_id', '=', row.group_id), eb('dedup_key', '=', row.dedup_key)]))))
      .execute();
    const tokens = new Set(stored.map((row) => row.lease_token));
    return rows.map((row) => tokens.has(row.lease_token));
  }

  private async take(
    row: BarrierRow,
    request: ClaimRequest,
    token: string,
    attempt: number,
    extra: Partial<BarrierRow>,
  ): Promise<ClaimResult | undefined> {
    const updated = await this.db
      .updateTable('txc_consume_barrier')
      .set({
        ...extra,
        status: BARRIER_STATUSES.inProgress,
        attempts: attempt,
        lease_token: token,
        lease_until: request.leaseUntil,
        message_id: request.messageId,
        updated_at: request.now,
      })
      .where('group_id', '=', row.group_id)
      .where('dedup_key', '=', row.dedup_key)
      .where('lease_token', '=', row.lease_token)
      .where('status', '=', row.status)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1 ? { kind: 'claimed', attempt, token } : undefined;
  }

  /**
   * Marks the message COMPLETED inside the effects' transaction.
   * @throws LeaseLostError when another run took the row over: the caller's transaction must roll back.
   */
  async complete(
    trx: Transaction<any>,
    batch: WriteBatch<any>,
    group: string,
    dedupKey: string,
    token: string,
    done: { summary: string; eventId?: string; businessKey?: string; attempts: number; now: number },
  ): Promise<void> {
    const db = trx as Transaction<ConsumerTables>;
    // The compare-and-set on the lease goes with the COMMIT on MySQL, after the effects: a stale token
    // stops that COMMIT, and run alone its job throws here, so its effects never commit.
    const completed = await writeAtCommit(
      db,
      db
        .updateTable('txc_consume_barrier')
        .set({
          status: BARRIER_STATUSES.completed,
          summary: done.summary.slice(0, SUMMARY_MAX_CHARS),
          event_id: done.eventId ?? null,
          business_key: done.businessKey ?? null,
          last_error_code: null,
          last_error: null,
          completed_at: done.now,
          updated_at: done.now,
        })
        .where('group_id', '=', group)
        .where('dedup_key', '=', dedupKey)
        .where('lease_token', '=', token)
        .where('status', '=', BARRIER_STATUSES.inProgress),
      1,
    );
    if (!completed) throw new LeaseLostError(group, dedupKey);
    batch.collect(consumeStatsSink, { group, at: done.now, kind: 'consumed', attempts: done.attempts });
  }

  /** Records a failed attempt that will be retried after `nextAttemptAt`. */
  async fail(group: string, dedupKey: string, token: string, error: ClassifiedError, nextAttemptAt: number, now: number): Promise<void> {
    await this.db
      .updateTable('txc_consume_barrier')
      .set({
        status: BARRIER_STATUSES.failed,
        last_error_code: error.code,
        last_error: error.message,
        next_attempt_at: nextAttemptAt,
        lease_until: now,
        updated_at: now,
      })
      .where('group_id', '=', group)
      .where('dedup_key', '=', dedupKey)
      .where('lease_token', '=', token)
      // Never downgrade a row another path already completed.
      .where('status', '=', BARRIER_STATUSES.inProgress)
      .execute();
  }

  /** The durable decision to dead-letter, written before the DLQ publish (which is repeated until marked). */
  async markDeadLettered(
    group: string,
    dedupKey: string,
    token: string,
    error: ClassifiedError,
    deadLetterId: string,
    now: number,
  ): Promise<void> {
    await this.writer.write(async (trx, batch) => {
      const updated = await trx
        .updateTable('txc_consume_barrier')
        .set({
          status: BARRIER_STATUSES.deadLettered,
          last_error_code: error.code,
          last_error: error.message,
          dead_letter_id: deadLetterId,
          dlq_published_at: null,
          lease_until: now,
          updated_at: now,
        })
        .where('group_id', '=', group)
        .where('dedup_key', '=', dedupKey)
        .where('lease_token', '=', token)
        // Never downgrade a row another path already completed.
        .where('status', '=', BARRIER_STATUSES.inProgress)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) batch.collect(consumeStatsSink, { group, at: now, kind: 'dead-lettered' });
    });
  }

  async markDlqPublished(group: string, dedupKey: string, deadLetterId: string, now: number): Promise<void> {
    await this.db
      .updateTable('txc_consume_barrier')
      .set({ dlq_published_at: now, updated_at: now })
      .where('group_id', '=', group)
      .where('dedup_key', '=', dedupKey)
      .where('dead_letter_id', '=', deadLetterId)
      .execute();
  }

  /** Appends to the attempt history on its own. */
  async recordAttempt(record: AttemptRecord): Promise<void> {
    await this.db.insertInto('txc_consume_attempt').values(attemptRow(record)).execute();
  }

  /**
   * Appends to the attempt history in a write of {@link writerFor}'s, committed with its effects: the
   * batch's attempts are one multi-row INSERT before its COMMIT (on MySQL sent with it).
   */
  collectAttempt(batch: WriteBatch<any>, record: AttemptRecord): void {
    batch.collect(this.attempts, attemptRow(record));
  }

  async attemptHistory(group: string, dedupKey: string): Promise<AttemptRecord[]> {
    const rows = await this.db
      .selectFrom('txc_consume_attempt')
      .selectAll()
      .where('group_id', '=', group)
      .where('dedup_key', '=', dedupKey)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      group: row.group_id,
      dedupKey: row.dedup_key,
      attempt: row.attempt,
      messageId: row.message_id,
      deliveryCount: row.delivery_count ?? undefined,
      startedAt: Number(row.started_at),
      finishedAt: Number(row.finished_at),
      outcome: row.outcome,
      error: row.error_code
        ? { kind: row.outcome === 'permanent' ? 'permanent' : 'transient', code: row.error_code, message: row.error_message ?? '' }
        : undefined,
    }));
  }

  async recordConflict(
    group: string,
    dedupKey: string,
    messageId: string,
    storedHash: string,
    receivedHash: string,
    body: string,
    now: number,
    trx: Transaction<any>,
    batch: WriteBatch<any>,
  ): Promise<void> {
    await (trx as Transaction<ConsumerTables>)
      .insertInto('txc_consume_conflict')
      .values({
        group_id: group,
        dedup_key: dedupKey,
        message_id: messageId,
        stored_hash: storedHash,
        received_hash: receivedHash,
        body,
        detected_at: now,
      })
      .execute();
    batch.collect(consumeStatsSink, { group, at: now, kind: 'conflict' });
  }

  async conflicts(group: string, dedupKey: string): Promise<{ messageId: string; detectedAt: number }[]> {
    const rows = await this.db
      .selectFrom('txc_consume_conflict')
      .select(['message_id', 'detected_at'])
      .where('group_id', '=', group)
      .where('dedup_key', '=', dedupKey)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ messageId: row.message_id, detectedAt: Number(row.detected_at) }));
  }

  /** The reconciler's question: has `group` applied the event (transaction) `eventId`? */
  async hasConsumed(group: string, eventId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('txc_consume_barrier')
      .select('status')
      .where('group_id', '=', group)
      .where((eb) => eb.or([eb('event_id', '=', eventId), eb('dedup_key', '=', eventId)]))
      .where('status', '=', BARRIER_STATUSES.completed)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Every group's consumption of an event or business key, oldest first: the timeline's subscriber lane. */
  async consumptionsOf(filter: { eventId: string } | { businessKey: string }): Promise<Consumption[]> {
    let query = this.db.selectFrom('txc_consume_barrier').selectAll();
    query =
      'eventId' in filter
        ? query.where((eb) => eb.or([eb('event_id', '=', filter.eventId), eb('dedup_key', '=', filter.eventId)]))
        : query.where('business_key', '=', filter.businessKey);
    const rows = await query.orderBy('created_at').orderBy('group_id').execute();
    return rows.map((row) => ({
      group: row.group_id,
      dedupKey: row.dedup_key,
      status: row.status,
      eventId: row.event_id,
      businessKey: row.business_key,
      topic: row.topic,
      tag: row.tag,
      attempts: row.attempts,
      summary: row.summary,
      lastError: row.last_error,
      firstSeenAt: Number(row.created_at),
      completedAt: num(row.completed_at),
    }));
  }
}
