import { consumerFunction } from '../../shared/consumer/consumerFunction';
import { touchpointHandler } from '../../shared/touchpoints/touchpointHandler';

/** consumer-ops: MQ trigger on GID_TXC_OPS (catalog); the runtime makes each effect happen once. */
export const handler = consumerFunction('consumer-ops', () => ({ GID_TXC_OPS: touchpointHandler() }));
