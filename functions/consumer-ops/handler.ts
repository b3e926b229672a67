import { consumerFunction } from '../../shared/adapters/fc/mq/consumerFunction';
import { touchpointHandler } from '../../shared/domain/touchpoints/touchpointHandler';

/** consumer-ops: MQ trigger on GID_TXC_OPS (catalog); the runtime makes each effect happen once. */
export const handler = consumerFunction('consumer-ops', () => ({ GID_TXC_OPS: touchpointHandler() }));
