import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Alert, AlertOutbox } from '../alert/AlertSink';
import type { Catalog, Subscription } from '../catalog';
import { catalog as defaultCatalog } from '../catalog';
import { matchesTag } from '../catalog/tagExpression';
import { TxcError } from '../../errors';
import { encodeMessageJson } from '../events/envelope';
import type { MergedWrite, TxWriter } from '../../adapters/store/groupCommit';
import { mergedLists, writerFor } from '../../adapters/store/groupCommit';
import type { InvocationContext } from '../invocation/InvocationContext';
import type { Logger } from '../../logger';
import type { OutgoingMessage, PublishedMessage } from '../../adapters/mq/types';
import type { AttemptRecord, ClaimRequest, ClaimResult } from './ConsumeBarrier';
import { ConsumeBarrier } from './ConsumeBarrier';
import type { DeadLetterBody } from './deadLetterBody';
import { deadLetterIdOf } from './deadLetterBody';
import type { ClassifiedError } from './errors';
import { classifyError, MessageRejectedError, REJECTION_CODES } from './errors';
import type { RetryDelay } from './retryLadder';
import { rocketMqRetryDelay } from './retryLadder';
import type { BarrierRow } from './tables';
import type { DecodedMessage, DeliveryMode, Effects, IncomingMessage, MessageHandler, MessageOutcome } from './types';
import { OUTCOMES, REPLAY_PROPERTIES } from './types';

/** Most keys of batches sent back for a retry that the runtime remembers (see {@link ConsumerRuntime.sentBack}). */
const MAX_KEYS_SENT_BACK = 4_096;

/** Longest dedup key the barrier stores (`dedup_key varchar(128)`). */
export const MAX_DEDUP_KEY_LENGTH = 128;

/** Largest body a consumer accepts: the transactional-message limit (mq-http-protocol.md §6). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The DLQ publish the runtime needs (MqClient satisfies it). */
export interface MessagePublisher {
  publish(topic: string, message: OutgoingMessage): Promise<PublishedMessage>;
}

export interface ConsumerRuntimeOptions {
  /** Catalog group id; its maxAttempts and topic come from the catalog. */
  readonly group: string;
  readonly handler: MessageHandler<any>;
  readonly db: Kysely<any>;
  readonly publisher: MessagePublisher;
  /**
   * Handlers' alerts and key-reuse conflicts are recorded here in the transaction of their effect and
   * sent after it commits (dead letters are alerted by dlq-alerter).
   */
  readonly alerts: AlertOutbox;
  readonly logger: Logger;
  readonly catalog?: Catalog;
  /** @default DEFAULT_MAX_BODY_BYTES */
  readonly maxBodyBytes?: number;
  /** Delay after failed attempt n before the next; @default RocketMQ's ladder (10 s … 2 h). */
  readonly retryDelay?: RetryDelay;
  /** Overrides the group's catalog maxAttempts (tests, demos). */
  readonly maxAttempts?: number;
  readonly now?: () => number;
}

/** The runtime's configuration problems (unknown group). */
export class ConsumerConfigError extends TxcError {
  override readonly name = 'ConsumerConfigError';
}

/** A message this group processes, with its barrier request. */
interface Prepared {
  readonly message: IncomingMessage;
  readonly request: ClaimRequest;
}

/** A local-only handler's first delivery, handled and ready to apply. */
interface FirstDelivery {
  readonly prepared: Prepared;
  readonly decoded: DecodedMessage<unknown>;
  readonly effects: Effects;
  readonly startedAt: number;
}

/** Claims made before the batch's messages run, by message: null when its row exists (or most likely does). */
type Claims = Map<IncomingMessage, ClaimResult | null>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const settled = (outcome: Omit<MessageOutcome, 'settled'>): MessageOutcome => ({ ...outcome, settled: true });
const unsettled = (outcome: Omit<MessageOutcome, 'settled'>): MessageOutcome => ({ ...outcome, settled: false });

/**
 * The consumer runtime: for each message, claim the barrier, run the domain handler, commit its effects
 * together with the barrier, classify failures, and forward exhausted or permanently failing messages
 * to the DLQ topic. One engine for both delivery modes: the caller acks (pull) or retries the batch
 * (trigger) from the per-message outcomes. Messages run one after another so a poison message only
 * affects itself.
 */
export class ConsumerRuntime {
  readonly subscription: Subscription;
  readonly barrier: ConsumeBarrier;
  /** Commits effects with their barrier row, batched with the process's other writes. */
  private readonly writer: TxWriter<any>;
  private readonly catalog: Catalog;
  private readonly maxAttempts: number;
  private readonly maxBodyBytes: number;
  private readonly retryDelay: RetryDelay;
  private readonly now: () => number;
  /**
   * Keys of the trigger batches this runtime answered with an unsettled message: FC delivers the whole
   * batch again, mostly to the same instance, where each of them has a row by then. Oldest first.
   */
  private readonly sentBack = new Set<string>();

  constructor(private readonly options: ConsumerRuntimeOptions) {
    this.catalog = options.catalog ?? defaultCatalog();
    const subscription = this.catalog.group(options.group);
    if (!subscription) throw new ConsumerConfigError('CONSUMER_GROUP_UNKNOWN', `group '${options.group}' is not in the catalog`);
    this.subscription = subscription;
    this.barrier = new ConsumeBarrier(options.db);
    this.writer = writerFor(options.db);
    this.maxAttempts = options.maxAttempts ?? subscription.maxAttempts;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.retryDelay = options.retryDelay ?? rocketMqRetryDelay;
    this.now = options.now ?? Date.now;
  }

  get group(): string {
    return this.subscription.id;
  }

  /**
   * Processes a batch and reports every message's outcome, in batch order. Never throws for a
   * message's failure. A local-only handler applies the batch's first deliveries in one write (a
   * failing message is retried alone, so it never undoes its siblings); another handler claims them in
   * one write. The rest, and every handler's run, go one by one.
   */
  async processBatch(messages: readonly IncomingMessage[], invocation: InvocationContext, mode: DeliveryMode): Promise<MessageOutcome[]> {
    // One child logger per invocation: every line names the group and the FC request it served.
    const log = this.options.logger.child({ group: this.group, requestId: invocation.requestId });
    const prepared = messages.map((message) => this.prepare(message, invocation, mode));
    const candidates = prepared.filter((p): p is Prepared => 'request' in p);
    // The batch's first deliveries are written together expecting no row of theirs (on MySQL, a row found
    // stops that commit, which then runs again write by write). A message that most likely has a row
    // claims at its turn, starting by reading it (null): a replay (of a dead letter), a redelivery the
    // broker counted (pull) or of a batch sent back (trigger), a key's later delivery in the batch.
    const claims: Claims = new Map();
    const seen = new Set<string>();
    const firsts = candidates.filter(({ message, request }) => {
      const { dedupKey } = request;
      const first =
        !seen.has(dedupKey) && !this.sentBack.delete(dedupKey) && request.replayId === undefined && (message.deliveryCount ?? 1) <= 1;
      seen.add(dedupKey);
      if (!first) claims.set(message, null);
      return first;
    });
    const applied = await this.applyFirstDeliveries(firsts, invocation, log, claims);
    await this.claimTogether(firsts, claims);
    const outcomes: MessageOutcome[] = [];
    for (const p of prepared)
      outcomes.push('outcome' in p ? p.outcome : (applied.get(p.message) ?? (await this.claimAndRun(p, invocation, log, claims))));
    if (mode === 'trigger' && outcomes.some((outcome) => !outcome.settled)) this.rememberSentBack(candidates);
    return outcomes;
  }

  private rememberSentBack(batch: readonly Prepared[]): void {
    for (const { request } of batch) {
      this.sentBack.add(request.dedupKey);
      if (this.sentBack.size > MAX_KEYS_SENT_BACK) this.sentBack.delete(this.sentBack.values().next().value!);
    }
  }

  async processMessage(message: IncomingMessage, invocation: InvocationContext, mode: DeliveryMode): Promise<MessageOutcome> {
    const [outcome] = await this.processBatch([message], invocation, mode);
    return outcome!;
  }

  /** The barrier request of a message, or its outcome when it is not this group's to process. */
  private prepare(message: IncomingMessage, invocation: InvocationContext, mode: DeliveryMode): Prepared | { outcome: MessageOutcome } {
    const replayGroup = message.properties[REPLAY_PROPERTIES.group];
    // A key the barrier cannot hold (not one of ours: txIds are ≤ 64) would fail every claim as a
    // "database unavailable" retry; such a message is deduplicated by its message id instead.
    const keyFits = message.key !== undefined && message.key !== '' && message.key.length <= MAX_DEDUP_KEY_LENGTH;
    const dedupKey = this.options.handler.dedupBy === 'key' && keyFits ? message.key! : message.messageId;
    if (replayGroup !== undefined && replayGroup !== this.group)
      return { outcome: settled({ messageId: message.messageId, dedupKey, kind: OUTCOMES.notForThisGroup }) };
    // A cloud trigger of a `*` or `A||B` group has no tag filter (Aliyun documents one tag only), so
    // the group's own expression is applied here: a message outside it is acked and skipped.
    if (!matchesTag(this.subscription.filter, message.tag))
      return { outcome: settled({ messageId: message.messageId, dedupKey, kind: OUTCOMES.notForThisGroup }) };
    const request: ClaimRequest = {
      group: this.group,
      dedupKey,
      payloadHash: sha256(message.body),
      messageId: message.messageId,
      topic: message.topic,
      tag: message.tag,
      replayId: message.properties[REPLAY_PROPERTIES.replayId],
      leaseUntil: invocation.deadline,
      honourBackoff: mode === 'pull',
      now: this.now(),
    };
    return { message, request };
  }

  /**
   * The first deliveries of a handler that is not local-only, claimed in one write before any runs
   * (see {@link ConsumeBarrier.claimNew}): sets each message's claim, or null when its row existed.
   * None when the store failed (each message then claims alone and reports it) or for a local-only
   * handler, whose first deliveries were applied already.
   */
  private async claimTogether(firsts: readonly Prepared[], claims: Claims): Promise<void> {
    if (this.options.handler.localOnly || firsts.length === 0) return;
    try {
      const results = await this.barrier.claimNew(firsts.map((p) => p.request));
      firsts.forEach((p, index) => claims.set(p.message, results[index] ?? null));
    } catch {}
  }

  /** The general path: claim the barrier (leased), run the handler, commit effects with COMPLETED. */
  private async claimAndRun(
    { message, request }: Prepared,
    invocation: InvocationContext,
    log: Logger,
    claims: Claims,
  ): Promise<MessageOutcome> {
    const { dedupKey } = request;
    const base = { messageId: message.messageId, dedupKey };
    let claim: ClaimResult;
    try {
      // null: the row exists (or most likely does), so the claim starts by reading it.
      claim = claims.get(message) ?? (await this.barrier.claim(request, claims.get(message) === null));
    } catch (error) {
      // The database is unreachable: nothing was decided, the message simply comes back.
      const classified = classifyError(error);
      log.error({ messageId: message.messageId, code: classified.code, err: error }, 'consume barrier unavailable');
      return unsettled({ ...base, kind: OUTCOMES.retry, errorCode: classified.code, error: classified.message });
    }
    switch (claim.kind) {
      case 'duplicate':
        return settled({ ...base, kind: OUTCOMES.duplicate });
      case 'busy':
        return unsettled({ ...base, kind: OUTCOMES.busy });
      case 'conflict':
        return this.flagConflict(message, dedupKey, claim.row, request.payloadHash, log);
      case 'dead-letter-unpublished':
        return this.republishDeadLetter(message, claim.row, log);
      case 'claimed':
        return this.run(message, dedupKey, claim.attempt, claim.token, invocation, log);
    }
  }

  private async run(
    message: IncomingMessage,
    dedupKey: string,
    attempt: number,
    token: string,
    invocation: InvocationContext,
    log: Logger,
  ): Promise<MessageOutcome> {
    const { handler, db } = this.options;
    const startedAt = this.now();
    const base = { messageId: message.messageId, dedupKey, attempt };
    let toSend: Alert[];
    try {
      const size = Buffer.byteLength(message.body, 'utf8');
      if (size > this.maxBodyBytes)
        throw new MessageRejectedError(
          REJECTION_CODES.tooLarge,
          `body of message ${message.messageId} is ${size} bytes, the limit is ${this.maxBodyBytes}`,
        );
      const decoded = handler.decode(message);
      const effects = await handler.handle(decoded, { group: this.group, message, attempt, invocation, db });
      // Effects, their alerts, COMPLETED and the attempt record commit together: a crash before the
      // commit leaves none, so the retry re-runs the handler; a crash after leaves all, so the retry is
      // a duplicate and the reconciler's sweep sends the recorded alerts.
      toSend = await this.writer.write(async (trx, batch) => {
        await effects.apply(trx);
        await this.barrier.complete(trx, batch, this.group, dedupKey, token, {
          summary: effects.summary,
          eventId: decoded.eventId,
          businessKey: decoded.businessKey,
          attempts: attempt,
          now: this.now(),
        });
        this.barrier.collectAttempt(batch, this.appliedAttempt(message, dedupKey, attempt, startedAt));
        return this.recordAlerts(trx, effects.alerts);
      });
    } catch (error) {
      return this.failed(message, dedupKey, attempt, token, startedAt, error, log);
    }
    return this.afterApplied(base, toSend, log);
  }

  /** Records alerts in the effect's transaction; returns those to send once it commits. */
  private async recordAlerts(trx: Transaction<any>, alerts: readonly Alert[] | undefined): Promise<Alert[]> {
    const toSend: Alert[] = [];
    for (const alert of alerts ?? []) if (await this.options.alerts.record(trx, alert)) toSend.push(alert);
    return toSend;
  }

  /**
   * A local-only handler's first deliveries, in one group-committed write (see {@link writerFor}):
   * their barrier rows (COMPLETED, one insert with the other batches' in that commit), effects and
   * attempts. Alerts are recorded in the same write (the outbox). Safe without a
   * claim because `handle` does nothing outside the effects, and a concurrent run of the same message
   * finds the row (insert-ignore on its key) and takes the general path. Messages missing from the
   * answer take the general path: the row existed (its claim is set to null: start by reading it), or
   * something failed (the general path runs the handler again and records the failure properly).
   */
  private async applyFirstDeliveries(
    firsts: readonly Prepared[],
    invocation: InvocationContext,
    log: Logger,
    claims: Claims,
  ): Promise<Map<IncomingMessage, MessageOutcome>> {
    const { handler, db } = this.options;
    const applied = new Map<IncomingMessage, MessageOutcome>();
    if (!handler.localOnly) return applied;
    const startedAt = this.now();
    const runs: FirstDelivery[] = [];
    for (const prepared of firsts) {
      const { message } = prepared;
      if (Buffer.byteLength(message.body, 'utf8') > this.maxBodyBytes) continue;
      try {
        const decoded = handler.decode(message);
        runs.push({
          prepared,
          decoded,
          startedAt,
          effects: await handler.handle(decoded, { group: this.group, message, attempt: 1, invocation, db }),
        });
      } catch {}
    }
    const inserted = await this.applyTogether(runs);
    for (const [index, { prepared }] of runs.entries()) {
      const toSend = inserted[index];
      if (toSend === null) claims.set(prepared.message, null);
      if (!toSend) continue;
      applied.set(
        prepared.message,
        await this.afterApplied({ messageId: prepared.message.messageId, dedupKey: prepared.request.dedupKey, attempt: 1 }, toSend, log),
      );
    }
    return applied;
  }

  /**
   * Applies first deliveries in one write, with those of the process's other batches (pull loops) that
   * land in the same commit ({@link firstDeliveries}); per run, the alerts to send, null when its row
   * existed, or undefined when it failed. If the write fails, one run's effects undid the others': each
   * runs again alone, so only the failing one is left to the general path.
   */
  private async applyTogether(runs: readonly FirstDelivery[]): Promise<(Alert[] | null | undefined)[]> {
    if (runs.length === 0) return [];
    try {
      return await this.writer.writeMerged(this.firstDeliveries, runs);
    } catch {
      if (runs.length === 1) return [undefined];
      return (await Promise.all(runs.map((run) => this.applyTogether([run])))).flat();
    }
  }

  /** The batch's first deliveries: their barrier rows in one insert, then each inserted one's effects, attempt and alerts. */
  private readonly firstDeliveries: MergedWrite<any, readonly FirstDelivery[], (Alert[] | null)[]> = mergedLists(
    async (trx, batch, runs) => {
      const inserted = await this.barrier.insertCompleted(
        trx,
        batch,
        runs.map(({ prepared: { request }, decoded, effects }) => ({
          request,
          done: { summary: effects.summary, eventId: decoded.eventId, businessKey: decoded.businessKey },
        })),
      );
      const toSend: (Alert[] | null)[] = [];
      for (const [index, { prepared, effects, startedAt }] of runs.entries()) {
        if (!inserted[index]) {
          toSend.push(null);
          continue;
        }
        await effects.apply(trx);
        this.barrier.collectAttempt(batch, this.appliedAttempt(prepared.message, prepared.request.dedupKey, 1, startedAt));
        toSend.push(await this.recordAlerts(trx, effects.alerts));
      }
      return toSend;
    },
  );

  private appliedAttempt(message: IncomingMessage, dedupKey: string, attempt: number, startedAt: number): AttemptRecord {
    return {
      group: this.group,
      dedupKey,
      attempt,
      messageId: message.messageId,
      deliveryCount: message.deliveryCount,
      startedAt,
      finishedAt: this.now(),
      outcome: 'applied',
    };
  }

  /** Committed: alerts are side channels whose failure must not undo "applied" (the sweep re-sends them). */
  private async afterApplied(
    base: { messageId: string; dedupKey: string; attempt: number },
    toSend: readonly Alert[],
    log: Logger,
  ): Promise<MessageOutcome> {
    for (const alert of toSend) await this.sendSafely(alert, log);
    return settled({ ...base, kind: OUTCOMES.applied });
  }

  private async failed(
    message: IncomingMessage,
    dedupKey: string,
    attempt: number,
    token: string,
    startedAt: number,
    error: unknown,
    log: Logger,
  ): Promise<MessageOutcome> {
    const base = { messageId: message.messageId, dedupKey, attempt };
    const classified = classifyError(error);
    try {
      await this.barrier.recordAttempt({
        group: this.group,
        dedupKey,
        attempt,
        messageId: message.messageId,
        deliveryCount: message.deliveryCount,
        startedAt,
        finishedAt: this.now(),
        outcome: classified.kind,
        error: classified,
      });
      if (classified.code === 'CONSUME_LEASE_LOST')
        return unsettled({ ...base, kind: OUTCOMES.busy, errorCode: classified.code, error: classified.message });
      if (classified.kind === 'permanent' || attempt >= this.maxAttempts)
        return await this.deadLetter(message, dedupKey, token, attempt, classified, log);
      await this.barrier.fail(this.group, dedupKey, token, classified, this.now() + this.retryDelay(attempt), this.now());
      log.warn({ messageId: message.messageId, attempt, code: classified.code, err: error }, 'consume failed, will retry');
    } catch (storeError) {
      // Could not even record the failure: the lease expires and the next delivery retries.
      log.error(
        { messageId: message.messageId, code: classifyError(storeError).code, err: storeError },
        'could not record a consume failure',
      );
    }
    return unsettled({ ...base, kind: OUTCOMES.retry, errorCode: classified.code, error: classified.message });
  }

  private async deadLetter(
    message: IncomingMessage,
    dedupKey: string,
    token: string,
    attempt: number,
    error: ClassifiedError,
    log: Logger,
  ): Promise<MessageOutcome> {
    const replayId = message.properties[REPLAY_PROPERTIES.replayId];
    const deadLetterId = deadLetterIdOf(this.group, dedupKey, replayId);
    // Decision first: if the publish below fails or we crash, the next delivery publishes again.
    await this.barrier.markDeadLettered(this.group, dedupKey, token, error, deadLetterId, this.now());
    return this.publishDeadLetter(message, dedupKey, deadLetterId, attempt, error, log);
  }

  private async republishDeadLetter(message: IncomingMessage, row: BarrierRow, log: Logger): Promise<MessageOutcome> {
    const history = await this.barrier.attemptHistory(this.group, row.dedup_key);
    const last = history.at(-1)?.error;
    const error: ClassifiedError = last ?? { kind: 'transient', code: row.last_error_code ?? 'UNKNOWN', message: row.last_error ?? '' };
    return this.publishDeadLetter(message, row.dedup_key, row.dead_letter_id!, row.attempts, error, log);
  }

  private async publishDeadLetter(
    message: IncomingMessage,
    dedupKey: string,
    deadLetterId: string,
    attempts: number,
    error: ClassifiedError,
    log: Logger,
  ): Promise<MessageOutcome> {
    const { deadLetter } = this.catalog;
    const base = { messageId: message.messageId, dedupKey, attempt: attempts, errorCode: error.code, error: error.message };
    try {
      const history = await this.barrier.attemptHistory(this.group, dedupKey);
      const tooLarge = error.code === REJECTION_CODES.tooLarge;
      const body: DeadLetterBody = {
        v: 1,
        deadLetterId,
        group: this.group,
        dedupKey,
        original: {
          topic: message.topic,
          tag: message.tag,
          key: message.key,
          messageId: message.messageId,
          publishTime: message.publishTime,
          properties: { ...message.properties },
          // An oversized body would not fit the DLQ message either; its start is enough to diagnose.
          body: tooLarge ? message.body.slice(0, 1_024) : message.body,
        },
        error,
        attempts,
        history: history.map((h) => ({
          attempt: h.attempt,
          messageId: h.messageId,
          deliveryCount: h.deliveryCount,
          startedAt: h.startedAt,
          finishedAt: h.finishedAt,
          outcome: h.outcome,
          errorCode: h.error?.code,
          error: h.error?.message,
        })),
        replayOf: message.properties[REPLAY_PROPERTIES.deadLetterId],
        deadLetteredAt: this.now(),
      };
      // `>` escaped so the body never contains "]]>" (the SDK sends bodies as unsplit CDATA).
      await this.options.publisher.publish(deadLetter.topic, { body: encodeMessageJson(body), tag: deadLetter.tag, key: deadLetterId });
      await this.barrier.markDlqPublished(this.group, dedupKey, deadLetterId, this.now());
      log.warn({ messageId: message.messageId, deadLetterId, attempts, code: error.code }, 'message dead-lettered');
      return settled({ ...base, kind: OUTCOMES.deadLettered });
    } catch (publishError) {
      const classified = classifyError(publishError);
      log.error(
        { messageId: message.messageId, deadLetterId, code: classified.code, err: publishError },
        'dead-letter publish failed, will retry',
      );
      return unsettled({ ...base, kind: OUTCOMES.retry });
    }
  }

  private async flagConflict(
    message: IncomingMessage,
    dedupKey: string,
    row: BarrierRow,
    payloadHash: string,
    log: Logger,
  ): Promise<MessageOutcome> {
    const base = { messageId: message.messageId, dedupKey };
    const alert: Alert = {
      kind: 'consume-key-conflict',
      severity: 'critical',
      title: `Message key reused with a different payload (${this.group})`,
      text: `Group ${this.group} received message ${message.messageId} with key ${dedupKey}, already used by message ${row.message_id} with another payload. It was NOT applied; the stored conflict needs a human decision.`,
      incidentKey: `consume-key-conflict:${this.group}:${dedupKey}`,
      details: { group: this.group, dedupKey, messageId: message.messageId, firstMessageId: row.message_id },
    };
    let send: boolean;
    try {
      // The conflict and its alert commit together, so a crash after the commit cannot lose the alert.
      send = await this.writer.write(async (trx, batch) => {
        await this.barrier.recordConflict(
          this.group,
          dedupKey,
          message.messageId,
          row.payload_hash,
          payloadHash,
          message.body,
          this.now(),
          trx,
          batch,
        );
        return this.options.alerts.record(trx, alert);
      });
    } catch (error) {
      return unsettled({ ...base, kind: OUTCOMES.retry, errorCode: classifyError(error).code });
    }
    if (send) await this.sendSafely(alert, log);
    return settled({ ...base, kind: OUTCOMES.conflict, errorCode: 'CONSUME_KEY_CONFLICT' });
  }

  /** Alerts are side channels: a failing webhook must not turn a done message into a retry (the sweep re-sends). */
  private async sendSafely(alert: Alert, log: Logger): Promise<void> {
    try {
      await this.options.alerts.send(alert);
    } catch (error) {
      log.error(
        { kind: alert.kind, incidentKey: alert.incidentKey, code: classifyError(error).code, err: error },
        'alert could not be sent; the reconciler re-sends it',
      );
    }
  }
}
