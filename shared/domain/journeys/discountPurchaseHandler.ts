import { writeAtCommit } from '../../adapters/store/groupCommit';
import { decodeEnvelope } from '../../engines/consumer/decodeEnvelope';
import type { EnvelopeOf } from '../../engines/consumer/decodeEnvelope';
import type { MessageHandler } from '../../engines/consumer/types';
import type { DiscountPurchasePayload } from '../../engines/events/discountPurchase';
import { discountPurchasePayloadSchema, yuanToFen } from '../../engines/events/discountPurchase';
import type { PlainEventRequest } from '../../engines/tx/PlainEventPublisher';
import { ORCHESTRATION_SYSTEM, journeyStepAfterPurchase, refusalNotice } from './purchaseFollowUps';
import type { TradingClient } from './TradingClient';

/** The final states of a discount purchase's slave transaction, as `txc_slave_purchase.outcome`. */
export const SLAVE_PURCHASE_OUTCOMES = { purchased: 'FUND_PURCHASED', refused: 'FUND_PURCHASE_REFUSED' } as const;

/** Publishes plain events idempotently on (system, businessKey) — the tx engine's PlainEventPublisher. */
export interface FollowUpPublisher {
  publish(systemId: string, request: PlainEventRequest): Promise<{ readonly event: { readonly txId: string } }>;
}

/**
 * consumer-orchestration (fund-trade group): the discount-purchase slave transaction — buy the target
 * fund from the wallet — and what follows from its final state: FUND_PURCHASED advances the customer's
 * journey (投中 → 投后, a post-purchase review scheduled); FUND_PURCHASE_REFUSED (fund closed, limit
 * exceeded, insufficient balance: the money stays in the wallet) opens a customer-service ticket that
 * tells the customer. A transient failure throws, so it is retried and dead-lettered as any other.
 *
 * Crash safety, in order: (1) the trading call is idempotent on the transaction id (a repeat answers
 * the same purchase or the same refusal); (2) the follow-up is a plain event stored and published
 * before the local commit, idempotent on its businessKey (`purchase-journey:<txId>` /
 * `purchase-refused:<txId>`) with a payload built only from the message, so a crash after it and before
 * (3) the commit of the final state with the barrier is redelivered, re-runs (1) and (2) harmlessly and
 * still ends with exactly one follow-up event (a re-sent copy carries the same event id, which every
 * subscriber deduplicates; the reconciler publishes one stored but never sent).
 */
export function discountPurchaseHandler(
  trading: TradingClient,
  followUps: FollowUpPublisher,
  now: () => number = Date.now,
): MessageHandler<EnvelopeOf<DiscountPurchasePayload>> {
  return {
    dedupBy: 'key',
    decode: (message) => decodeEnvelope(message, discountPurchasePayloadSchema),
    async handle({ value }, { invocation }) {
      const { payload } = value;
      const answer = await trading.walletPurchase(
        {
          txId: value.eventId,
          orderId: payload.orderId,
          customerId: payload.customerId,
          fundCode: payload.fundCode,
          amount: payload.amount,
        },
        invocation.remainingMs(),
      );
      const followUp = answer.outcome === 'purchased' ? journeyStepAfterPurchase(value, payload) : refusalNotice(value, payload, answer);
      const { event } = await followUps.publish(ORCHESTRATION_SYSTEM, followUp);
      const refused = answer.outcome === 'refused' ? answer : undefined;
      return {
        summary: refused
          ? `wallet purchase of ${payload.fundCode} for ${payload.amount} yuan REFUSED (${refused.code}); customer told (order ${payload.orderId})`
          : `wallet purchase of ${payload.fundCode} for ${payload.amount} yuan (order ${payload.orderId}); journey → post-purchase review`,
        apply: async (trx) => {
          await writeAtCommit(
            trx,
            trx.insertInto('txc_slave_purchase').values({
              tx_id: value.eventId,
              order_id: payload.orderId,
              customer_id: payload.customerId,
              fund_code: payload.fundCode,
              amount_fen: yuanToFen(payload.amount),
              outcome: refused ? SLAVE_PURCHASE_OUTCOMES.refused : SLAVE_PURCHASE_OUTCOMES.purchased,
              refusal_code: refused?.code ?? null,
              refusal_reason: refused?.reason.slice(0, 512) ?? null,
              fee_fen: refused || payload.fee === undefined ? null : yuanToFen(payload.fee),
              follow_up_event_id: event.txId,
              trading_reference: answer.outcome === 'purchased' ? (answer.reference ?? null) : null,
              completed_at: now(),
            }),
          );
        },
      };
    },
  };
}
