import { z } from 'zod';
import { companionStage, customerRiskLevel, productRisk } from '../touchpoints/operationsEvent';
import { fundCode } from '../events/discountPurchase';

/** Payload of TXC_COMPANION / ORCHESTRATION (the source's TagC): one step of a companion journey. */
export const orchestrationPayloadSchema = z.object({
  journeyId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  customerId: z.string().min(1).max(64),
  stage: companionStage,
  step: z.string().min(1).max(64),
  title: z.string().min(1).max(200),
  content: z.string().min(1).max(8_000),
  productCode: fundCode.optional(),
  productRisk: productRisk.optional(),
  customerRiskLevel: customerRiskLevel.optional(),
});
export type OrchestrationPayload = z.output<typeof orchestrationPayloadSchema>;
