import { DEFAULT_COMPLIANCE_RULES } from '../../shared/compliance/complianceRules';
import { complianceHandler } from '../../shared/compliance/complianceHandler';
import { consumerFunction } from '../../shared/consumer/consumerFunction';

/** consumer-compliance: reviews OPERATIONS and ORCHESTRATION content; violations alert. */
export const handler = consumerFunction('consumer-compliance', () => ({ GID_TXC_COMPLIANCE: complianceHandler(DEFAULT_COMPLIANCE_RULES) }));
