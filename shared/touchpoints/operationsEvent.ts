import { z } from 'zod';
import { fundCode } from '../events/discountPurchase';

/** Product risk rating R1 (lowest) … R5, and investor risk tolerance C1 (most conservative) … C5. */
export const productRisk = z.enum(['R1', 'R2', 'R3', 'R4', 'R5']);
export const customerRiskLevel = z.enum(['C1', 'C2', 'C3', 'C4', 'C5']);

/** Companion stages: 投前 / 投中 / 投后. */
export const companionStage = z.enum(['pre', 'during', 'post']);

/** What compliance reviews in operations and orchestration content. */
export const reviewableContent = {
  title: z.string().min(1).max(200),
  content: z.string().min(1).max(8_000),
  productCode: fundCode.optional(),
  productRisk: productRisk.optional(),
  customerRiskLevel: customerRiskLevel.optional(),
};

/** Payload of TXC_COMPANION / OPERATIONS (the source's TagA): a message to put in front of a customer. */
export const operationsPayloadSchema = z.object({
  customerId: z.string().min(1).max(64),
  channel: z.enum(['app', 'sms', 'wechat', 'email']),
  ...reviewableContent,
  /** ISO time before which the touch-point must not be sent. */
  deliverAfter: z.iso.datetime({ offset: true }).optional(),
});
export type OperationsPayload = z.output<typeof operationsPayloadSchema>;
