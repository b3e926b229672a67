import * as z from '../../zod';
import { fundCode } from '../../engines/events/discountPurchase';

/** Product risk rating R1 (lowest) … R5, and investor risk tolerance C1 (most conservative) … C5. */
export const productRisk = z.enum(['R1', 'R2', 'R3', 'R4', 'R5']);
export const customerRiskLevel = z.enum(['C1', 'C2', 'C3', 'C4', 'C5']);

/** Companion stages: 投前 / 投中 / 投后. */
export const companionStage = z.enum(['pre', 'during', 'post']);

/** What compliance reviews in operations and orchestration content. */
export const reviewableContent = {
  title: z.string().check(z.minLength(1), z.maxLength(200)),
  content: z.string().check(z.minLength(1), z.maxLength(8_000)),
  productCode: z.optional(fundCode),
  productRisk: z.optional(productRisk),
  customerRiskLevel: z.optional(customerRiskLevel),
};

/** Payload of TXC_COMPANION / OPERATIONS (the source's TagA): a message to put in front of a customer. */
export const operationsPayloadSchema = z.object({
  customerId: z.string().check(z.minLength(1), z.maxLength(64)),
  channel: z.enum(['app', 'sms', 'wechat', 'email']),
  ...reviewableContent,
  /** ISO time before which the touch-point must not be sent. */
  deliverAfter: z.optional(z.iso.datetime({ offset: true })),
});
export type OperationsPayload = z.output<typeof operationsPayloadSchema>;
