import { consumerFunction } from '../../shared/adapters/fc/mq/consumerFunction';
import { ticketHandler } from '../../shared/domain/tickets/ticketHandler';

/** consumer-cs: MQ trigger on GID_TXC_CS (catalog); the runtime makes each effect happen once. */
export const handler = consumerFunction('consumer-cs', () => ({ GID_TXC_CS: ticketHandler() }));
