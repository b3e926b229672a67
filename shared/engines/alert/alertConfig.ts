import type { Kysely } from 'kysely';
import * as z from '../../zod';
import type { Logger } from '../../logger';
import type { AlertSink } from './AlertSink';
import { DEFAULT_INCIDENT_WINDOW_SECONDS, DEFAULT_RESEND_AFTER_SECONDS, IncidentAggregator } from './IncidentAggregator';
import { LogAlertSink } from './LogAlertSink';
import { WEBHOOK_FORMATS, WebhookAlertSink } from './WebhookAlertSink';

/** The alert settings every alerting function reads; spread into its config schema's `extend`. */
export const alertConfigShape = {
  /** Alert webhook; alerts go to the log when unset. */
  TXC_ALERT_WEBHOOK_URL: z.optional(z.url()),
  TXC_ALERT_WEBHOOK_FORMAT: z._default(z.enum(WEBHOOK_FORMATS), 'dingtalk'),
  /** DingTalk robot signing secret (加签). */
  TXC_ALERT_WEBHOOK_SECRET: z.optional(z.string().check(z.minLength(1))),
  /** Seconds during which alerts of one incident are sent once. */
  TXC_ALERT_WINDOW_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), DEFAULT_INCIDENT_WINDOW_SECONDS),
  /** Seconds after which a recorded but unsent alert (its sender crashed) is re-sent by the reconciler's sweep. */
  TXC_ALERT_RESEND_AFTER_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), DEFAULT_RESEND_AFTER_SECONDS),
};

export type AlertConfig = z.output<z.ZodMiniObject<typeof alertConfigShape>>;

/** The configured webhook (DingTalk or JSON), else the log; wrapped so each incident alerts once. */
export function alertSinkOf(config: AlertConfig, db: Kysely<any>, logger: Logger): IncidentAggregator {
  const sink: AlertSink = config.TXC_ALERT_WEBHOOK_URL
    ? new WebhookAlertSink({
        url: config.TXC_ALERT_WEBHOOK_URL,
        format: config.TXC_ALERT_WEBHOOK_FORMAT,
        secret: config.TXC_ALERT_WEBHOOK_SECRET,
      })
    : new LogAlertSink(logger);
  return new IncidentAggregator({
    db,
    sink,
    windowSeconds: config.TXC_ALERT_WINDOW_SECONDS,
    resendAfterSeconds: config.TXC_ALERT_RESEND_AFTER_SECONDS,
    logger,
  });
}
