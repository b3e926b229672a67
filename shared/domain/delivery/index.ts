/** @module delivery — touch-points to customers: channel adapters, quiet hours and the sender engine. */
export type { ChannelAdapter, Delivery } from './ChannelAdapter';
export { SENDER_SYSTEM_ID, WebhookChannelAdapter } from './ChannelAdapter';
export { CHANNELS, channelsSchema, parseChannels } from './channelConfig';
export type { Channel, ChannelProvider, ChannelsConfig } from './channelConfig';
export { readSenderConfig, senderConfigSchema } from './config';
export type { SenderConfig } from './config';
export { adaptersOf, createTouchpointSender } from './createTouchpointSender';
export { ChannelConfigError, ProviderRefusedError, ProviderUnavailableError } from './errors';
export { earliestSendTime } from './quietHours';
export { DEFAULT_MAX_SEND_ATTEMPTS, SEND_LEASE_MS, sendRetryDelayMs, TouchpointSender } from './TouchpointSender';
export type { SendReport, TouchpointSenderDeps } from './TouchpointSender';
