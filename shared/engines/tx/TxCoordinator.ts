import type { Catalog } from '../catalog';
import { MqEncodingError, MqError, MqUnavailableError } from '../../adapters/mq';
import type { DeliveryOutcome, TxBroker } from './brokerDecision';
import { deliverDecision } from './brokerDecision';
import {
  TxBrokerRefusedError,
  TxBrokerUnavailableError,
  TxBusinessKeyReusedError,
  TxMessageRefusedError,
  TxNotFoundError,
  TxPrepareInProgressError,
  TxUnknownScenarioError,
} from './errors';
import { payloadHash } from './payloadHash';
import type { TxDecision } from './stateMachine';
import { stateAfter, transition, TX_STATES } from './stateMachine';
import { BROKER_STATES, TX_KINDS } from './tables';
import { newTxId } from './txId';
import type { DecisionContext, NewTx, TxEvent, TxRecord, TxStore } from './TxStore';
import { storedRecord } from './TxStore';
import { outgoingMessage } from './outgoingMessage';

/**
 * The record after {@link TxStore.decide} and {@link TxStore.markDelivered} succeeded, built without
 * reading it back: only the state, broker state, reason and decision time changed (`updatedAt` is
 * the decision time; the delivery mark stored a few ms later).
 */
function decidedRecord(tx: TxRecord, decision: TxDecision, reason: string, at: number): TxRecord {
  return { ...tx, state: stateAfter(decision), broker: BROKER_STATES.decisionDelivered, reason, decidedAt: at, updatedAt: at };
}

/** Transactional message size limit (mq-http-protocol.md §6). */
export const MAX_TRANSACTIONAL_MESSAGE_BYTES = 64 * 1024;
/**
 * Largest envelope prepare accepts: the stored body is a MySQL TEXT column (65 535 bytes), one byte
 * short of the broker's limit, and a longer one would fail the insert as a "retry later" store error.
 */
export const MAX_ENVELOPE_BYTES = Math.min(MAX_TRANSACTIONAL_MESSAGE_BYTES, 65_535);
/** Broker codes that refuse the message itself: the caller's request, not our configuration, must change. */
const MESSAGE_REFUSAL_CODES: ReadonlySet<string> = new Set(['InvalidArgument', 'MalformedXML']);
/** Retry hint when the broker is down. */
export const BROKER_RETRY_AFTER_SECONDS = 5;
/** A publish attempt older than this is presumed dead (its gateway crashed) and may be taken over. */
export const PUBLISH_CLAIM_STALE_MS = 15_000;
/** Retry hint while another request publishes the same businessKey. */
export const PREPARE_IN_PROGRESS_RETRY_SECONDS = 1;

/**
 * Prepared transactions an instance remembers until their decision (see {@link TxCoordinator.decide}).
 * A client commits ~0.1 s after its prepare, so few are held at once; the oldest go first when more
 * are (prepares never decided, or decided on another instance).
 */
export const MAX_REMEMBERED_PREPARES = 1_024;

/** A validated prepare request (the gateway's edge schema produces it). */
export interface PrepareRequest {
  readonly topic: string;
  readonly tag: string;
  readonly businessKey: string;
  readonly payload: unknown;
  /** Extra search keys, sent as the `bizKeys` message property (space separated). */
  readonly keys?: readonly string[];
  /** A check-back path for this transaction, resolved against the system's check-back origin. */
  readonly checkback?: { readonly path: string };
}

export interface TxCoordinatorDeps {
  readonly store: TxStore;
  readonly broker: TxBroker;
  readonly catalog: Catalog;
  readonly now?: () => number;
  readonly newTxId?: (now: number) => string;
  /** Overrides every scenario's check-immunity (tests and demos with a broker allowing less than 10 s). */
  readonly checkImmunitySeconds?: number;
}

/** A transaction as a caller sees it. */
export interface TxView {
  readonly tx: TxRecord;
  readonly delivery: DeliveryOutcome | 'not-decided';
}

/** Delivery status derived from what the store knows. */
export function deliveryOf(tx: TxRecord): TxView['delivery'] {
  if (tx.state === TX_STATES.prepared) return 'not-decided';
  return tx.broker === BROKER_STATES.decisionDelivered || tx.broker === BROKER_STATES.notPublished || tx.broker === BROKER_STATES.published
    ? 'done'
    : 'pending-checkback';
}

/**
 * The transaction center's engine behind tx-gateway: prepare, commit, rollback, status.
 * Ordering rule everywhere: store first, then the broker, so no broker state exists that the store
 * cannot explain (a half message without a stored transaction is foreign and check-back rolls it back).
 */
export class TxCoordinator {
  private readonly now: () => number;
  private readonly newTxId: (now: number) => string;
  /** Transactions this instance prepared and published, not yet decided here: their decision needs no read. */
  private readonly prepared = new Map<string, TxRecord>();

  constructor(private readonly deps: TxCoordinatorDeps) {
    this.now = deps.now ?? Date.now;
    this.newTxId = deps.newTxId ?? newTxId;
  }

  /**
   * Stores the transaction, publishes its half message and records the handle. Idempotent on
   * (system, businessKey): the same request returns the same transaction (`created: false`).
   * @throws TxBusinessKeyReusedError, TxUnknownScenarioError, TxPayloadTooLargeError,
   *   TxPrepareInProgressError, TxBrokerUnavailableError, TxMessageRefusedError, TxBrokerRefusedError
   */
  async prepare(systemId: string, request: PrepareRequest): Promise<TxView & { created: boolean }> {
    const topic = this.deps.catalog.topic(request.topic);
    if (!topic) throw new TxUnknownScenarioError(request.topic, request.tag, 'unknown topic');
    if (topic.messageType !== 'transactional')
      throw new TxUnknownScenarioError(request.topic, request.tag, 'topic takes plain events, not transactions: use POST /v1/events');
    if (!this.deps.catalog.tag(request.topic, request.tag))
      throw new TxUnknownScenarioError(request.topic, request.tag, 'unknown tag for this topic');

    const hash = payloadHash({
      topic: request.topic,
      tag: request.tag,
      payload: request.payload,
      keys: request.keys,
      checkback: request.checkback,
    });
    const at = this.now();
    const txId = this.newTxId(at);
    const { body, properties } = outgoingMessage(txId, systemId, request, at, MAX_ENVELOPE_BYTES);
    const fresh: NewTx = {
      txId,
      systemId,
      businessKey: request.businessKey,
      topic: request.topic,
      tag: request.tag,
      payloadHash: hash,
      body,
      properties,
      checkbackPath: request.checkback?.path,
    };
    // Insert first (the common case) and look the key up only when it is taken: one round trip less.
    if (!(await this.deps.store.insertPrepared(fresh, at))) {
      const holder = await this.deps.store.findByBusinessKey(systemId, request.businessKey);
      // The holder released the key between our insert and our read (its publish failed): retry.
      if (!holder) throw new TxPrepareInProgressError(txId, PREPARE_IN_PROGRESS_RETRY_SECONDS);
      return this.replay(holder, hash);
    }
    const tx = await this.publish(storedRecord(fresh, TX_KINDS.transactional, at));
    this.remember(tx);
    return { tx, delivery: deliveryOf(tx), created: true };
  }

  private async replay(existing: TxRecord, hash: string): Promise<TxView & { created: boolean }> {
    if (existing.payloadHash !== hash) throw new TxBusinessKeyReusedError(existing.businessKey, existing.txId);
    if (existing.state !== TX_STATES.prepared || existing.broker !== BROKER_STATES.publishPending) {
      return { tx: existing, delivery: deliveryOf(existing), created: false };
    }
    // Still publishing: either in flight elsewhere, or its gateway died after storing (take over).
    const at = this.now();
    if (
      at - existing.publishClaimedAt < PUBLISH_CLAIM_STALE_MS ||
      !(await this.deps.store.claimPublish(existing.txId, existing.publishClaimedAt, at))
    ) {
      throw new TxPrepareInProgressError(existing.txId, PREPARE_IN_PROGRESS_RETRY_SECONDS);
    }
    await this.publish(existing);
    // Re-read: during a takeover a decision may have been stored meanwhile.
    const tx = (await this.deps.store.get(existing.txId))!;
    return { tx, delivery: deliveryOf(tx), created: false };
  }

  /**
   * Publishes the stored transaction's half message. The row is PREPARED/PUBLISH_PENDING before we
   * publish, so a crash here leaves either nothing at the broker or a half message check-back can
   * resolve. When the broker is unreachable the row is rolled back and the businessKey released: a
   * retry starts a new transaction (new txId), and a half message that did reach the broker despite
   * the error is rolled back by check-back because its transaction is ROLLED_BACK. When the broker
   * answered with a refusal, it holds no half message (and should one exist after an odd answer,
   * check-back rolls it back as foreign), so the row and its timeline are deleted: a refused request
   * leaves nothing behind. Answers never carry the broker's address or request id (logs do).
   */
  private async publish(tx: TxRecord): Promise<TxRecord> {
    const scenario = this.deps.catalog.tag(tx.topic, tx.tag)!;
    let published;
    try {
      published = await this.deps.broker.publishHalf(
        tx.topic,
        this.deps.catalog.checkGroup,
        { body: tx.body, tag: tx.tag, key: tx.txId, properties: tx.properties },
        this.deps.checkImmunitySeconds ?? scenario.checkImmunitySeconds,
      );
    } catch (error) {
      if (error instanceof MqError || error instanceof MqEncodingError) {
        await this.deps.store.discardUnpublished(tx.txId);
        if (MESSAGE_REFUSAL_CODES.has(error.code)) throw new TxMessageRefusedError(error.code, { cause: error });
        throw new TxBrokerRefusedError(error.code, { cause: error });
      }
      await this.deps.store.failPublish(tx.txId, { code: (error as { code?: string }).code ?? 'UNKNOWN' }, this.now());
      if (error instanceof MqUnavailableError) {
        throw new TxBrokerUnavailableError(
          `the message broker is unavailable; retry in ${BROKER_RETRY_AFTER_SECONDS}s`,
          BROKER_RETRY_AFTER_SECONDS,
          { cause: error },
        );
      }
      throw error;
    }
    const at = this.now();
    await this.deps.store.markPublished(tx.txId, published, at);
    return { ...tx, broker: BROKER_STATES.half, messageId: published.messageId, receiptHandle: published.receiptHandle, updatedAt: at };
  }

  /**
   * Records `decision` durably, then tells the broker with the stored handle. A repeated decision is
   * an idempotent success; the opposite decision is a {@link TxConflictError}. If the broker cannot be
   * told, the answer is the recorded decision with delivery `pending-checkback`.
   * @throws TxNotFoundError, TxConflictError
   */
  async decide(systemId: string, txId: string, decision: TxDecision): Promise<TxView> {
    const tx = this.takeRemembered(systemId, txId) ?? (await this.owned(systemId, txId));
    return this.apply(tx, decision, { actor: systemId, reason: 'client' });
  }

  private remember(tx: TxRecord): void {
    if (this.prepared.size >= MAX_REMEMBERED_PREPARES) this.prepared.delete(this.prepared.keys().next().value!);
    this.prepared.set(tx.txId, tx);
  }

  /**
   * The record this instance stored and published for `txId`, if the caller owns it, forgotten as it
   * is handed out (a repeated decision reads the store). Safe to decide from without reading it back:
   * what it holds is what we wrote (owner, kind, topic and the handle of our half message), and the
   * state it says (PREPARED) is only a guess that the decision's compare-and-set checks in the store —
   * a decision stored meanwhile elsewhere (check-back, console) makes it fail, and then the stored
   * one is read and answered, as after any lost race.
   */
  private takeRemembered(systemId: string, txId: string): TxRecord | undefined {
    const tx = this.prepared.get(txId);
    if (tx?.systemId !== systemId) return undefined;
    this.prepared.delete(txId);
    return tx;
  }

  /**
   * An operator's decision (tx-console): the same path as {@link decide} — durable decision with its
   * timeline entry first, then the broker told by the stored handle — for any system's transaction.
   * Whether the transaction may be decided by hand (past its check immunity) is the caller's rule.
   * @throws TxNotFoundError, TxConflictError
   */
  async decideAsOperator(txId: string, decision: TxDecision, context: DecisionContext): Promise<TxView> {
    const tx = await this.deps.store.get(txId);
    if (!tx) throw new TxNotFoundError(txId);
    return this.apply(tx, decision, context);
  }

  private async apply(tx: TxRecord, decision: TxDecision, context: DecisionContext): Promise<TxView> {
    const { txId } = tx;
    if (transition(txId, tx.state, decision) === 'already-decided') return { tx, delivery: deliveryOf(tx) };
    const at = this.now();
    const won = await this.deps.store.decide(txId, decision, context, at);
    if (!won) {
      // Someone decided between our read and our write: the stored decision stands.
      const current = (await this.deps.store.get(txId))!;
      transition(txId, current.state, decision);
      return { tx: current, delivery: deliveryOf(current) };
    }
    if (tx.receiptHandle !== undefined) {
      const outcome = await deliverDecision(
        { ...this.deps, checkGroup: this.deps.catalog.checkGroup, now: this.now },
        tx,
        decision,
        tx.receiptHandle,
        context.actor,
      );
      // Delivered: the row is what we wrote, no need to read it back. Otherwise read it, since
      // check-back or a publish takeover may have moved the broker state meanwhile.
      if (outcome === 'done') return { tx: decidedRecord(tx, decision, context.reason, at), delivery: 'done' };
    }
    const decided = (await this.deps.store.get(txId))!;
    return { tx: decided, delivery: deliveryOf(decided) };
  }

  /** State and timeline. @throws TxNotFoundError */
  async status(systemId: string, txId: string): Promise<TxView & { timeline: TxEvent[] }> {
    const tx = await this.owned(systemId, txId);
    return { tx, delivery: deliveryOf(tx), timeline: await this.deps.store.timeline(txId) };
  }

  /**
   * A system sees only its own transactions: another system's is "not found", never "forbidden".
   * A plain event is not a transaction either (nothing to commit or roll back).
   */
  private async owned(systemId: string, txId: string): Promise<TxRecord> {
    const tx = await this.deps.store.get(txId);
    if (!tx || tx.systemId !== systemId || tx.kind !== TX_KINDS.transactional) throw new TxNotFoundError(txId);
    return tx;
  }
}
