import { writeAtCommit } from '../../adapters/store/groupCommit';
import type { Kysely } from 'kysely';
import * as z from '../../zod';
import { decodeEnvelope } from '../../engines/consumer/decodeEnvelope';
import type { EnvelopeOf } from '../../engines/consumer/decodeEnvelope';
import { TransientFailureError } from '../../engines/consumer/errors';
import type { MessageHandler } from '../../engines/consumer/types';
import { TOUCHPOINT_KINDS, TOUCHPOINT_STATUSES } from '../touchpoints/touchpointStatus';

/** Payload of TXC_COMPANION / CUSTOMER_SERVICE (the source's TagB). */
export const customerServicePayloadSchema = z.object({
  action: z.enum(['open', 'update', 'close']),
  ticketNo: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  customerId: z.string().check(z.minLength(1), z.maxLength(64)),
  category: z._default(z.enum(['redemption', 'purchase', 'account', 'complaint', 'consultation', 'other']), 'consultation'),
  subject: z.string().check(z.minLength(1), z.maxLength(200)),
  priority: z._default(z.enum(['low', 'normal', 'high', 'urgent']), 'normal'),
  note: z.optional(z.string().check(z.maxLength(4_000))),
  /**
   * A transaction notice to send the customer with the ticket (e.g. "your purchase was refused"): a
   * fact about their own order, not marketing, so it is APPROVED without compliance review and exempt
   * from SMS quiet hours.
   */
  notice: z.optional(
    z.object({
      channel: z.enum(['app', 'sms', 'wechat']),
      title: z.string().check(z.minLength(1), z.maxLength(200)),
      content: z.string().check(z.minLength(1), z.maxLength(2_000)),
    }),
  ),
});
export type CustomerServicePayload = z.output<typeof customerServicePayloadSchema>;

const STATUS_AFTER = { open: 'OPEN', update: 'IN_PROGRESS', close: 'CLOSED' } as const;

export interface Ticket {
  readonly ticketNo: string;
  readonly customerId: string;
  readonly status: string;
  readonly priority: string;
  readonly revision: number;
}

/**
 * consumer-cs: creates or updates service tickets, and sends the customer the event's transaction
 * notice, if any, as a touch-point. An update for a ticket not opened yet (messages
 * of one ticket can arrive out of order) is transient: it is retried until the open has arrived.
 */
export function ticketHandler(now: () => number = Date.now): MessageHandler<EnvelopeOf<CustomerServicePayload>> {
  return {
    dedupBy: 'key',
    decode: (message) => decodeEnvelope(message, customerServicePayloadSchema),
    async handle({ value }, { db }) {
      const { payload } = value;
      const existing = await db.selectFrom('txc_ticket').select('ticket_no').where('ticket_no', '=', payload.ticketNo).executeTakeFirst();
      if (!existing && payload.action !== 'open')
        throw new TransientFailureError('TICKET_NOT_OPENED_YET', `ticket ${payload.ticketNo} has no open event yet`);
      const at = now();
      return {
        summary: `ticket ${payload.ticketNo} ${payload.action}${payload.notice ? ` with a ${payload.notice.channel} notice` : ''}`,
        apply: async (trx) => {
          // Sent with the COMMIT (writeAtCommit), in this order; nothing else in the batch reads them.
          if (existing) {
            await writeAtCommit(
              trx,
              trx
                .updateTable('txc_ticket')
                .set((eb) => ({
                  status: STATUS_AFTER[payload.action],
                  priority: payload.priority,
                  subject: payload.subject,
                  revision: eb('revision', '+', 1),
                  updated_at: at,
                }))
                .where('ticket_no', '=', payload.ticketNo),
            );
          } else {
            await writeAtCommit(
              trx,
              trx.insertInto('txc_ticket').values({
                ticket_no: payload.ticketNo,
                customer_id: payload.customerId,
                category: payload.category,
                subject: payload.subject,
                priority: payload.priority,
                status: 'OPEN',
                revision: 1,
                created_at: at,
                updated_at: at,
              }),
            );
          }
          await writeAtCommit(
            trx,
            trx
              .insertInto('txc_ticket_event')
              .values({ event_id: value.eventId, ticket_no: payload.ticketNo, action: payload.action, note: payload.note ?? null, at }),
          );
          if (payload.notice)
            await writeAtCommit(
              trx,
              trx.insertInto('txc_touchpoint').values({
                event_id: value.eventId,
                business_key: value.businessKey,
                customer_id: payload.customerId,
                channel: payload.notice.channel,
                title: payload.notice.title,
                content: payload.notice.content,
                status: TOUCHPOINT_STATUSES.approved,
                kind: TOUCHPOINT_KINDS.transactionNotice,
                owner: value.source,
                deliver_after: at,
                created_at: at,
                updated_at: at,
              }),
            );
        },
      };
    },
  };
}

export async function findTicket(db: Kysely<any>, ticketNo: string): Promise<Ticket | undefined> {
  const row = await db.selectFrom('txc_ticket').selectAll().where('ticket_no', '=', ticketNo).executeTakeFirst();
  return (
    row && { ticketNo: row.ticket_no, customerId: row.customer_id, status: row.status, priority: row.priority, revision: row.revision }
  );
}
