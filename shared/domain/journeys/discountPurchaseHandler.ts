import { decodeEnvelope } from '../../engines/consumer/decodeEnvelope';
import type { EnvelopeOf } from '../../engines/consumer/decodeEnvelope';
import type { MessageHandler } from '../../engines/consumer/types';
import type { DiscountPurchasePayload } from '../../engines/events/discountPurchase';
import { discountPurchasePayloadSchema, yuanToFen } from '../../engines/events/discountPurchase';
import type { TradingClient } from './TradingClient';

/**
 * consumer-orchestration (fund-trade group): the discount-purchase slave transaction — buy the target
 * fund from the wallet. The remote call runs before the local commit and is idempotent on the
 * transaction id, so a crash between the two repeats the call harmlessly and records it once.
 */
export function discountPurchaseHandler(
  trading: TradingClient,
  now: () => number = Date.now,
): MessageHandler<EnvelopeOf<DiscountPurchasePayload>> {
  return {
    dedupBy: 'key',
    decode: (message) => decodeEnvelope(message, discountPurchasePayloadSchema),
    async handle({ value }, { invocation }) {
      const { payload } = value;
      const { reference } = await trading.walletPurchase(
        {
          txId: value.eventId,
          orderId: payload.orderId,
          customerId: payload.customerId,
          fundCode: payload.fundCode,
          amount: payload.amount,
        },
        invocation.remainingMs(),
      );
      return {
        summary: `wallet purchase of ${payload.fundCode} for ${payload.amount} yuan (order ${payload.orderId})`,
        apply: async (trx) => {
          await trx
            .insertInto('txc_slave_purchase')
            .values({
              tx_id: value.eventId,
              order_id: payload.orderId,
              customer_id: payload.customerId,
              fund_code: payload.fundCode,
              amount_fen: yuanToFen(payload.amount),
              trading_reference: reference ?? null,
              completed_at: now(),
            })
            .execute();
        },
      };
    },
  };
}
