import { DEFAULT_COMPLIANCE_RULES } from '../../shared/domain/compliance/complianceRules';
import { complianceHandler } from '../../shared/domain/compliance/complianceHandler';
import { consumerFunction } from '../../shared/adapters/fc/mq/consumerFunction';

/** consumer-compliance: reviews OPERATIONS and ORCHESTRATION content; violations alert. */
export const handler = consumerFunction('consumer-compliance', () => ({ GID_TXC_COMPLIANCE: complianceHandler(DEFAULT_COMPLIANCE_RULES) }));
