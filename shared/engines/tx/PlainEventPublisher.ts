import type { Catalog } from '../catalog';
import { MqError, MqUnavailableError } from '../../adapters/mq';
import type { MqClient } from '../../adapters/mq';
import {
  TxBrokerUnavailableError,
  TxBusinessKeyReusedError,
  TxNotFoundError,
  TxPrepareInProgressError,
  TxUnknownScenarioError,
} from './errors';
import { payloadHash } from './payloadHash';
import {
  BROKER_RETRY_AFTER_SECONDS,
  MAX_TRANSACTIONAL_MESSAGE_BYTES,
  PREPARE_IN_PROGRESS_RETRY_SECONDS,
  PUBLISH_CLAIM_STALE_MS,
} from './TxCoordinator';
import { BROKER_STATES, TX_KINDS } from './tables';
import { newEventId } from './txId';
import type { NewTx, TxEvent, TxRecord, TxStore } from './TxStore';
import { storedRecord } from './TxStore';
import { outgoingMessage } from './outgoingMessage';

/**
 * Plain events share the gateway's request limit with transactions (the broker would take 4 MB, but a
 * hand-off between systems that needs more than 64 KB should carry a reference, not the document).
 */
export const MAX_PLAIN_EVENT_BYTES = MAX_TRANSACTIONAL_MESSAGE_BYTES;

/** A validated plain-event request (the gateway's edge schema produces it). */
export interface PlainEventRequest {
  readonly topic: string;
  readonly tag: string;
  readonly businessKey: string;
  readonly payload: unknown;
  readonly keys?: readonly string[];
}

export interface PlainEventPublisherDeps {
  readonly store: TxStore;
  readonly broker: Pick<MqClient, 'publish'>;
  readonly catalog: Catalog;
  readonly now?: () => number;
  readonly newEventId?: (now: number) => string;
}

/** A plain event as its publisher sees it. */
export interface PlainEventView {
  readonly event: TxRecord;
  /** `published`: the broker has the message; `pending`: stored, the retry (or the reconciler) publishes it. */
  readonly delivery: 'published' | 'pending';
  readonly created: boolean;
}

function viewOf(event: TxRecord, created: boolean): PlainEventView {
  return { event, delivery: event.broker === BROKER_STATES.published ? 'published' : 'pending', created };
}

/**
 * Plain events (DESIGN.md §1.5: a hand-off that no local transaction must be atomic with): one normal
 * message per (system, businessKey) on a catalog topic marked `normal`.
 *
 * Ordering: the event is stored (COMMITTED, PUBLISH_PENDING) before it is published, so a crash
 * between the two leaves a durable event that is published later — by the caller's retry (same
 * businessKey: the stale claim is taken over, the same eventId published) or, if nobody retries, by
 * the reconciler, which re-publishes committed events some subscriber has not consumed. Publishing
 * first could lose the event's record while the message is out. A takeover may publish a second copy
 * of the same eventId; consumers deduplicate on that key, so subscribers still see one event.
 */
export class PlainEventPublisher {
  private readonly now: () => number;
  private readonly newEventId: (now: number) => string;

  constructor(private readonly deps: PlainEventPublisherDeps) {
    this.now = deps.now ?? Date.now;
    this.newEventId = deps.newEventId ?? newEventId;
  }

  /**
   * Stores and publishes the event; idempotent on (system, businessKey).
   * @throws TxUnknownScenarioError (unknown, transactional or internal topic), TxPayloadTooLargeError,
   *   TxBusinessKeyReusedError, TxPrepareInProgressError, TxBrokerUnavailableError (stored; retry)
   */
  async publish(systemId: string, request: PlainEventRequest): Promise<PlainEventView> {
    const topic = this.deps.catalog.topic(request.topic);
    if (!topic) throw new TxUnknownScenarioError(request.topic, request.tag, 'unknown topic');
    if (topic.messageType !== 'normal')
      throw new TxUnknownScenarioError(request.topic, request.tag, 'topic is transactional: use POST /v1/transactions (prepare, commit)');
    if (topic.name === this.deps.catalog.deadLetter.topic)
      throw new TxUnknownScenarioError(request.topic, request.tag, 'the dead-letter topic is internal');
    if (!this.deps.catalog.tag(request.topic, request.tag))
      throw new TxUnknownScenarioError(request.topic, request.tag, 'unknown tag for this topic');

    // `kind` in the hash: a transaction and a plain event can never replay each other.
    const hash = payloadHash({
      kind: TX_KINDS.plain,
      topic: request.topic,
      tag: request.tag,
      payload: request.payload,
      keys: request.keys,
    });
    const at = this.now();
    const eventId = this.newEventId(at);
    const { body, properties } = outgoingMessage(eventId, systemId, request, at, MAX_PLAIN_EVENT_BYTES);
    const fresh: NewTx = {
      txId: eventId,
      systemId,
      businessKey: request.businessKey,
      topic: request.topic,
      tag: request.tag,
      payloadHash: hash,
      body,
      properties,
      checkbackPath: undefined,
    };
    if (!(await this.deps.store.insertPlain(fresh, at))) {
      const holder = await this.deps.store.findByBusinessKey(systemId, request.businessKey);
      if (!holder) throw new TxPrepareInProgressError(eventId, PREPARE_IN_PROGRESS_RETRY_SECONDS);
      return this.replay(holder, hash);
    }
    return viewOf(await this.send(storedRecord(fresh, TX_KINDS.plain, at)), true);
  }

  private async replay(existing: TxRecord, hash: string): Promise<PlainEventView> {
    if (existing.payloadHash !== hash) throw new TxBusinessKeyReusedError(existing.businessKey, existing.txId);
    if (existing.broker !== BROKER_STATES.publishPending) return viewOf(existing, false);
    // Unpublished: in flight elsewhere (fresh claim), or its gateway died / its publish failed (take over).
    const at = this.now();
    if (
      at - existing.publishClaimedAt < PUBLISH_CLAIM_STALE_MS ||
      !(await this.deps.store.claimPublish(existing.txId, existing.publishClaimedAt, at))
    ) {
      throw new TxPrepareInProgressError(existing.txId, PREPARE_IN_PROGRESS_RETRY_SECONDS);
    }
    return viewOf(await this.send(existing), false);
  }

  /** Publishes the stored event; on a broker failure the claim is released so the caller's retry publishes at once. */
  private async send(event: TxRecord): Promise<TxRecord> {
    let messageId: string;
    try {
      ({ messageId } = await this.deps.broker.publish(event.topic, {
        body: event.body,
        tag: event.tag,
        key: event.txId,
        properties: event.properties,
      }));
    } catch (error) {
      await this.deps.store.releasePublishClaim(event.txId, { code: (error as { code?: string }).code ?? 'UNKNOWN' }, this.now());
      if (error instanceof MqUnavailableError || error instanceof MqError) {
        throw new TxBrokerUnavailableError(
          `the event ${event.txId} is stored but the broker did not take it: ${(error as Error).message}; retry the same request`,
          BROKER_RETRY_AFTER_SECONDS,
          { cause: error },
        );
      }
      throw error;
    }
    const at = this.now();
    await this.deps.store.markPlainPublished(event.txId, messageId, at);
    return { ...event, broker: BROKER_STATES.published, messageId, updatedAt: at };
  }

  /** The event and its timeline, for its own system only. @throws TxNotFoundError */
  async status(systemId: string, eventId: string): Promise<PlainEventView & { timeline: TxEvent[] }> {
    const event = await this.deps.store.get(eventId);
    if (!event || event.systemId !== systemId || event.kind !== TX_KINDS.plain) throw new TxNotFoundError(eventId);
    return { ...viewOf(event, false), timeline: await this.deps.store.timeline(eventId) };
  }
}
