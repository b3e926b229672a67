import * as z from '../../zod';
import { ChannelConfigError } from './errors';

/** The channels a touch-point can use (operations events name one). */
export const CHANNELS = ['app', 'sms', 'wechat', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Longest wait for one provider call. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 5_000;

/**
 * One channel's provider: a webhook that takes a signed JSON request (app push gateway, SMS gateway,
 * WeChat template-message relay) and answers `{ "id": "<provider message id>" }`.
 */
export const channelProviderSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  /** HMAC key the provider verifies the `x-txc-signature` with (TXC1 scheme, see shared/engines/auth). */
  secret: z.string().check(z.minLength(16, 'at least 16 characters')),
  /** @default 5000 */
  timeoutMs: z._default(z.int().check(z.minimum(100), z.maximum(30_000)), DEFAULT_PROVIDER_TIMEOUT_MS),
  /** WeChat only: the approved template the message is rendered into. */
  templateId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
});
export type ChannelProvider = z.output<typeof channelProviderSchema>;

/** `TXC_CHANNELS`: a JSON object from channel to provider; a channel left out is not sent on. */
export const channelsSchema = z.partialRecord(z.enum(CHANNELS), channelProviderSchema).check(
  z.refine((channels) => !channels.wechat || channels.wechat.templateId !== undefined, {
    message: 'wechat needs a templateId',
    path: ['wechat', 'templateId'],
  }),
);
export type ChannelsConfig = z.output<typeof channelsSchema>;

/**
 * Parses `TXC_CHANNELS` (JSON text) and validates it, naming every problem; secrets are never echoed.
 * @throws ChannelConfigError
 */
export function parseChannels(text: string): ChannelsConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ChannelConfigError(`TXC_CHANNELS is not JSON: ${(error as Error).message}`);
  }
  const parsed = channelsSchema.safeParse(json);
  if (!parsed.success)
    throw new ChannelConfigError(
      `TXC_CHANNELS is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
