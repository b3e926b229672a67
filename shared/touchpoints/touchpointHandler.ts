import type { Kysely } from 'kysely';
import { decodeEnvelope } from '../consumer/decodeEnvelope';
import type { EnvelopeOf } from '../consumer/decodeEnvelope';
import type { MessageHandler } from '../consumer/types';
import type { OperationsPayload } from './operationsEvent';
import { operationsPayloadSchema } from './operationsEvent';

/** A stored touch-point, ready for a channel sender. */
export interface Touchpoint {
  readonly eventId: string;
  readonly customerId: string;
  readonly channel: string;
  readonly title: string;
  readonly status: string;
  readonly deliverAfter: number;
}

/** consumer-ops: each operations event becomes one customer touch-point in status READY. */
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
        apply: async (trx) => {
          await trx
            .insertInto('txc_touchpoint')
            .values({
              event_id: value.eventId,
              business_key: value.businessKey,
              customer_id: payload.customerId,
              channel: payload.channel,
              title: payload.title,
              content: payload.content,
              status: 'READY',
              deliver_after: payload.deliverAfter ? Date.parse(payload.deliverAfter) : at,
              created_at: at,
            })
            .execute();
        },
      };
    },
  };
}

export async function touchpointsOf(db: Kysely<any>, customerId: string): Promise<Touchpoint[]> {
  const rows = await db.selectFrom('txc_touchpoint').selectAll().where('customer_id', '=', customerId).orderBy('created_at').execute();
  return rows.map((row) => ({ eventId: row.event_id, customerId: row.customer_id, channel: row.channel, title: row.title, status: row.status, deliverAfter: Number(row.deliver_after) }));
}
