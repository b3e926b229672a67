import { alertSinkOf } from '../../engines/alert/alertConfig';
import type { Logger } from '../../logger';
import type { Database } from '../../adapters/store/Database';
import type { ChannelAdapter } from './ChannelAdapter';
import { WebhookChannelAdapter } from './ChannelAdapter';
import type { Channel, ChannelsConfig } from './channelConfig';
import type { SenderConfig } from './config';
import { TouchpointSender } from './TouchpointSender';

/** One webhook adapter per configured channel. */
export function adaptersOf(channels: ChannelsConfig): Partial<Record<Channel, ChannelAdapter>> {
  return Object.fromEntries(
    Object.entries(channels).map(([channel, provider]) => [channel, new WebhookChannelAdapter(channel as Channel, provider)]),
  );
}

export function createTouchpointSender(
  config: SenderConfig,
  channels: ChannelsConfig,
  database: Database,
  logger: Logger,
): TouchpointSender {
  return new TouchpointSender({
    db: database.db,
    adapters: adaptersOf(channels),
    alerts: alertSinkOf(config, database.db, logger),
    logger,
    maxAttempts: config.TXC_SENDER_MAX_ATTEMPTS,
    batch: config.TXC_SENDER_BATCH,
  });
}
