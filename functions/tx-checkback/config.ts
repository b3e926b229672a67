import { z } from 'zod';
import { DEFAULT_INCIDENT_WINDOW_SECONDS } from '../../shared/alert/IncidentAggregator';
import { WEBHOOK_FORMATS } from '../../shared/alert/WebhookAlertSink';
import { businessSystemsSchema } from '../../shared/auth';
import { DEFAULT_CHECKBACK_TIMEOUT_MS, DEFAULT_SAFETY_MARGIN_MS } from '../../shared/checkback';
import { baseConfigSchema, readConfig } from '../../shared/config';

/** tx-checkback settings, read once at cold start. */
export const checkbackConfigSchema = baseConfigSchema.extend({
  /** The same JSON array as tx-gateway's: where and how to ask each system. */
  TXC_SYSTEMS: businessSystemsSchema,
  /** Longest wait for a business system's answer, in ms. */
  TXC_CHECKBACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(9_000).default(DEFAULT_CHECKBACK_TIMEOUT_MS),
  /** Stop pulling half messages when less than this many ms of the invocation remain. */
  TXC_CHECKBACK_SAFETY_MARGIN_MS: z.coerce.number().int().min(500).default(DEFAULT_SAFETY_MARGIN_MS),
  /** Alert webhook; alerts go to the log when unset. */
  TXC_ALERT_WEBHOOK_URL: z.url().optional(),
  TXC_ALERT_WEBHOOK_FORMAT: z.enum(WEBHOOK_FORMATS).default('dingtalk'),
  TXC_ALERT_WEBHOOK_SECRET: z.string().min(1).optional(),
  TXC_ALERT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(DEFAULT_INCIDENT_WINDOW_SECONDS),
});

export type CheckbackConfig = z.output<typeof checkbackConfigSchema>;

export function readCheckbackConfig(env: Record<string, string | undefined> = process.env): CheckbackConfig {
  return readConfig(checkbackConfigSchema, env);
}
