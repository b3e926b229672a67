import { writeAtCommit } from '../../adapters/store/groupCommit';
import type { Kysely } from 'kysely';
import { decodeEnvelope } from '../../engines/consumer/decodeEnvelope';
import type { EnvelopeOf } from '../../engines/consumer/decodeEnvelope';
import type { MessageHandler } from '../../engines/consumer/types';
import type { OperationsPayload } from './operationsEvent';
import { operationsPayloadSchema } from './operationsEvent';
import { completeReviewQuery } from './reviewGate';
import { TOUCHPOINT_KINDS, TOUCHPOINT_STATUSES } from './touchpointStatus';

/** A stored touch-point. */
export interface Touchpoint {
  readonly eventId: string;
  readonly customerId: string;
  readonly channel: string;
  readonly title: string;
  readonly status: string;
  readonly kind: string;
  /** The system whose content it is (the event's source): told when compliance blocks it. */
  readonly owner: string | undefined;
  readonly reviewFindings: readonly { rule: string; description: string; evidence: string }[] | undefined;
  readonly deliverAfter: number;
  readonly providerId: string | undefined;
  readonly attempts: number;
  readonly failureReason: string | undefined;
}

/**
 * consumer-ops: each operations event becomes one customer touch-point, PENDING_REVIEW until
 * compliance's verdict on the same event arrives (or APPROVED/BLOCKED at once when it already has).
 */
export function touchpointHandler(now: () => number = Date.now): MessageHandler<EnvelopeOf<OperationsPayload>> {
  return {
    dedupBy: 'key',
    localOnly: true,
    decode: (message) => decodeEnvelope(message, operationsPayloadSchema),
    async handle({ value }) {
      const { payload } = value;
      const at = now();
      return {
        summary: `touch-point ${payload.channel} for ${payload.customerId}: ${payload.title}`,
        // Sent with the COMMIT (writeAtCommit): the touch-point, then the gate that reads compliance's verdict.
        apply: async (trx) => {
          await writeAtCommit(
            trx,
            trx.insertInto('txc_touchpoint').values({
              event_id: value.eventId,
              business_key: value.businessKey,
              customer_id: payload.customerId,
              channel: payload.channel,
              title: payload.title,
              content: payload.content,
              status: TOUCHPOINT_STATUSES.pendingReview,
              kind: TOUCHPOINT_KINDS.marketing,
              owner: value.source,
              deliver_after: payload.deliverAfter ? Date.parse(payload.deliverAfter) : at,
              created_at: at,
              updated_at: at,
            }),
          );
          await writeAtCommit(trx, completeReviewQuery(trx, value.eventId, at));
        },
      };
    },
  };
}

export async function touchpointsOf(db: Kysely<any>, customerId: string): Promise<Touchpoint[]> {
  const rows = await db.selectFrom('txc_touchpoint').selectAll().where('customer_id', '=', customerId).orderBy('created_at').execute();
  return rows.map(toTouchpoint);
}

export async function findTouchpoint(db: Kysely<any>, eventId: string): Promise<Touchpoint | undefined> {
  const row = await db.selectFrom('txc_touchpoint').selectAll().where('event_id', '=', eventId).executeTakeFirst();
  return row && toTouchpoint(row);
}

function toTouchpoint(row: Record<string, any>): Touchpoint {
  return {
    eventId: row.event_id,
    customerId: row.customer_id,
    channel: row.channel,
    title: row.title,
    status: row.status,
    kind: row.kind,
    owner: row.owner ?? undefined,
    reviewFindings: row.review_findings ? JSON.parse(row.review_findings) : undefined,
    deliverAfter: Number(row.deliver_after),
    providerId: row.provider_id ?? undefined,
    attempts: Number(row.attempts),
    failureReason: row.failure_reason ?? undefined,
  };
}
