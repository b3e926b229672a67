import * as z from '../../zod';
import { baseConfigSchema, readConfig } from '../../config';
import { alertConfigShape } from '../alert/alertConfig';
import { DEFAULT_MAX_BODY_BYTES } from './ConsumerRuntime';

/** Settings of the consumer functions and dlq-alerter, read once at cold start. */
export const consumerConfigSchema = z.extend(baseConfigSchema, {
  /** Base URL of the trading system (POST `<url>/wallet-purchase`). */
  TXC_TRADING_URL: z._default(z.url(), 'http://127.0.0.1:9880'),
  ...alertConfigShape,
  /** Largest accepted message body in bytes. */
  TXC_CONSUMER_MAX_BODY_BYTES: z._default(z.coerce.number().check(z.int(), z.minimum(1_024)), DEFAULT_MAX_BODY_BYTES),
  /** Overrides every group's catalog maxAttempts (demos and tests); unset = the catalog's value. */
  TXC_CONSUMER_MAX_ATTEMPTS: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(288))),
});

export type ConsumerConfig = z.output<typeof consumerConfigSchema>;

export function readConsumerConfig(env: Record<string, string | undefined> = process.env): ConsumerConfig {
  return readConfig(consumerConfigSchema, env);
}
