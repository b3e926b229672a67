import * as z from '../../zod';
import { companionStage, customerRiskLevel, productRisk } from '../touchpoints/operationsEvent';
import { fundCode } from '../../engines/events/discountPurchase';

/** Payload of TXC_COMPANION / ORCHESTRATION (the source's TagC): one step of a companion journey. */
export const orchestrationPayloadSchema = z.object({
  journeyId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  customerId: z.string().check(z.minLength(1), z.maxLength(64)),
  stage: companionStage,
  step: z.string().check(z.minLength(1), z.maxLength(64)),
  title: z.string().check(z.minLength(1), z.maxLength(200)),
  content: z.string().check(z.minLength(1), z.maxLength(8_000)),
  productCode: z.optional(fundCode),
  productRisk: z.optional(productRisk),
  customerRiskLevel: z.optional(customerRiskLevel),
  /** ISO time the step is due (e.g. the post-purchase review); kept on the journey as its next due time. */
  dueAt: z.optional(z.iso.datetime({ offset: true })),
});
export type OrchestrationPayload = z.output<typeof orchestrationPayloadSchema>;
