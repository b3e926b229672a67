import { consumerFunction } from '../../shared/adapters/fc/mq/consumerFunction';
import { deadLetterHandler } from '../../shared/engines/dlq/deadLetterHandler';

/**
 * dlq-alerter: the MQ trigger on the DLQ topic stores dead letters and alerts once per incident.
 * Listing and replay are tx-console's (`/api/dead-letters`) and `txcenter dlq`'s.
 */
export const handler = consumerFunction('dlq-alerter', () => ({ GID_TXC_DLQ: deadLetterHandler() }));
