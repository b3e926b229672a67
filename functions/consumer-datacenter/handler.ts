import { archiveHandler } from '../../shared/archive/archiveHandler';
import { consumerFunction } from '../../shared/consumer/consumerFunction';

/** consumer-datacenter: append-only archive of every companion and trade event. */
export const handler = consumerFunction('consumer-datacenter', () => ({
  GID_TXC_DATACENTER: archiveHandler(),
  GID_TXC_DATACENTER_TRADE: archiveHandler(),
}));
