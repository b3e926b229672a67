import { archiveHandler } from '../../shared/domain/archive/archiveHandler';
import { consumerFunction } from '../../shared/adapters/fc/mq/consumerFunction';

/** consumer-datacenter: append-only archive of every companion and trade event. */
export const handler = consumerFunction('consumer-datacenter', () => ({
  GID_TXC_DATACENTER: archiveHandler(),
  GID_TXC_DATACENTER_TRADE: archiveHandler(),
}));
