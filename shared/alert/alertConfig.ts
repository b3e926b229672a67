import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Logger } from '../logger';
import type { AlertSink } from './AlertSink';
import { DEFAULT_INCIDENT_WINDOW_SECONDS, IncidentAggregator } from './IncidentAggregator';
import { LogAlertSink } from './LogAlertSink';
import { WEBHOOK_FORMATS, WebhookAlertSink } from './WebhookAlertSink';

/** The alert settings every alerting function reads; spread into its config schema's `extend`. */
export const alertConfigShape = {
  /** Alert webhook; alerts go to the log when unset. */
  TXC_ALERT_WEBHOOK_URL: z.url().optional(),
  TXC_ALERT_WEBHOOK_FORMAT: z.enum(WEBHOOK_FORMATS).default('dingtalk'),
  /** DingTalk robot signing secret (加签). */
  TXC_ALERT_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Seconds during which alerts of one incident are sent once. */
  TXC_ALERT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(DEFAULT_INCIDENT_WINDOW_SECONDS),
};

export type AlertConfig = z.output<z.ZodObject<typeof alertConfigShape>>;

/** The configured webhook (DingTalk or JSON), else the log; wrapped so each incident alerts once. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function alertSinkOf(config: AlertConfig, db: Kysely<any>, logger: Logger): IncidentAggregator {
  const sink: AlertSink = config.TXC_ALERT_WEBHOOK_URL
    ? new WebhookAlertSink({ url: config.TXC_ALERT_WEBHOOK_URL, format: config.TXC_ALERT_WEBHOOK_FORMAT, secret: config.TXC_ALERT_WEBHOOK_SECRET })
    : new LogAlertSink(logger);
  return new IncidentAggregator({ db, sink, windowSeconds: config.TXC_ALERT_WINDOW_SECONDS, logger });
}
