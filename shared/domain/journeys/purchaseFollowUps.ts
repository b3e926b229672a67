import { createHash } from 'node:crypto';
import type { PlainEventRequest } from '../../engines/tx/PlainEventPublisher';
import type { DiscountPurchasePayload } from '../../engines/events/discountPurchase';
import type { CustomerServicePayload } from '../tickets/ticketHandler';
import type { OrchestrationPayload } from './orchestrationEvent';

/** The system the orchestration consumer publishes its follow-up plain events as (their `source`). */
export const ORCHESTRATION_SYSTEM = 'txc-orchestration';

/** When the post-purchase review (投后回顾) is due after the purchase was requested. */
export const POST_PURCHASE_REVIEW_AFTER_MS = 30 * 24 * 60 * 60 * 1_000;

/** What a follow-up needs of the purchase message's envelope. */
type PurchaseEnvelope = { readonly eventId: string; readonly occurredAt: string };

/** The companion topic the follow-ups go to. */
const COMPANION_TOPIC = 'TXC_COMPANION';

/** An id usable as a journey id / ticket number (`[A-Za-z0-9_-]`), derived from any text. */
function safeId(prefix: string, text: string, maxLength: number): string {
  const candidate = `${prefix}${text}`;
  return /^[A-Za-z0-9_-]+$/.test(candidate) && candidate.length <= maxLength
    ? candidate
    : `${prefix}${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
}

/** A customer's companion journey: one per customer, so a purchase advances the journey the companion platform started. */
export function journeyIdOf(customerId: string): string {
  return safeId('J-', customerId, 64);
}

/**
 * 投中 → 投后: the purchase is done, the journey moves to its post-investment stage with a review due
 * in {@link POST_PURCHASE_REVIEW_AFTER_MS}. Everything in it is derived from the purchase message
 * (the due time from the prepare time, not the clock), so a redelivery builds the same event: the
 * publisher's idempotency on (system, businessKey) then makes it one message.
 */
export function journeyStepAfterPurchase(envelope: PurchaseEnvelope, purchase: DiscountPurchasePayload): PlainEventRequest {
  const prepared = Date.parse(envelope.occurredAt);
  const dueAt = new Date((Number.isNaN(prepared) ? 0 : prepared) + POST_PURCHASE_REVIEW_AFTER_MS).toISOString();
  const fee = purchase.fee === undefined ? '' : `，申购费 ¥${purchase.fee}`;
  const payload: OrchestrationPayload = {
    journeyId: journeyIdOf(purchase.customerId),
    customerId: purchase.customerId,
    stage: 'post',
    step: 'post-purchase-review',
    title: '投后陪伴：优惠购已完成 Purchase completed',
    content:
      `您的优惠购已完成：基金 ${purchase.fundCode}，¥${purchase.amount}${fee}。我们将在 ${dueAt.slice(0, 10)} 与您一起回顾持仓。` +
      `基金有风险，投资需谨慎。Your discount purchase of fund ${purchase.fundCode} is complete; we will review your holding with you on ${dueAt.slice(0, 10)}.`,
    productCode: purchase.fundCode,
    dueAt,
  };
  return { topic: COMPANION_TOPIC, tag: 'ORCHESTRATION', businessKey: `purchase-journey:${envelope.eventId}`, payload };
}

/**
 * The slave purchase was refused for good: customer service opens a ticket to follow up and sends
 * the customer a transaction notice saying why and that the money stays in the wallet.
 */
export function refusalNotice(
  envelope: PurchaseEnvelope,
  purchase: DiscountPurchasePayload,
  refusal: { code: string; reason: string },
): PlainEventRequest {
  const payload: CustomerServicePayload = {
    action: 'open',
    ticketNo: safeId('PR-', envelope.eventId, 64),
    customerId: purchase.customerId,
    category: 'purchase',
    subject: `优惠购未成功 Discount purchase of ${purchase.fundCode} refused (${refusal.code})`,
    priority: 'high',
    note: `${refusal.code}: ${refusal.reason}`.slice(0, 4_000),
    notice: {
      channel: 'sms',
      title: '优惠购申购未成功 Purchase not completed',
      content:
        `您申购基金 ${purchase.fundCode}（¥${purchase.amount}）未能完成：${refusal.reason}。资金仍在您的钱包中，可随时取出或改投。` +
        `Your purchase of fund ${purchase.fundCode} (¥${purchase.amount}) was refused; the money stays in your wallet.`,
    },
  };
  return { topic: COMPANION_TOPIC, tag: 'CUSTOMER_SERVICE', businessKey: `purchase-refused:${envelope.eventId}`, payload };
}
