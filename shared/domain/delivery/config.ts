import * as z from '../../zod';
import { alertConfigShape } from '../../engines/alert/alertConfig';
import { baseConfigSchema, readConfig } from '../../config';
import { DEFAULT_MAX_SEND_ATTEMPTS, DEFAULT_SEND_BATCH } from './TouchpointSender';

/** touchpoint-sender settings, read once at cold start. */
export const senderConfigSchema = z.extend(baseConfigSchema, {
  /** JSON object channel → {url, secret, timeoutMs?, templateId?}; validated by `parseChannels` at start-up. */
  TXC_CHANNELS: z._default(z.string(), '{}'),
  ...alertConfigShape,
  TXC_SENDER_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), DEFAULT_MAX_SEND_ATTEMPTS),
  TXC_SENDER_BATCH: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(5_000)), DEFAULT_SEND_BATCH),
});
export type SenderConfig = z.output<typeof senderConfigSchema>;

export function readSenderConfig(env: Record<string, string | undefined> = process.env): SenderConfig {
  return readConfig(senderConfigSchema, env);
}
