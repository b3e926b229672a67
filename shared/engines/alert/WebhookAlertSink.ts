import { readBoundedText } from '../client/readBoundedText';
import type { Alert, AlertSink } from './AlertSink';
import { signedDingTalkUrl } from './dingTalkSignature';
import { AlertDeliveryError } from './errors';

export const WEBHOOK_FORMATS = ['dingtalk', 'json'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Time allowed for one webhook call. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** A robot's answer is a few bytes of JSON; anything past this is not read. */
export const WEBHOOK_MAX_ANSWER_BYTES = 64 * 1024;

export interface WebhookAlertSinkOptions {
  readonly url: string;
  /** `dingtalk`: robot markdown message, signed when `secret` is set; `json`: the alert as JSON. */
  readonly format: WebhookFormat;
  /** DingTalk robot signing secret (`SEC…`). */
  readonly secret?: string;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

const SEVERITY_MARK = { info: 'ℹ️', warning: '⚠️', critical: '🚨' } as const;

/** The DingTalk robot markdown payload for an alert. */
export function dingTalkPayload(alert: Alert): object {
  const details = Object.entries(alert.details ?? {})
    .map(([name, value]) => `- **${name}**: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('\n');
  return {
    msgtype: 'markdown',
    markdown: {
      title: alert.title,
      text: `### ${SEVERITY_MARK[alert.severity]} ${alert.title}\n\n${alert.text}${details ? `\n\n${details}` : ''}\n\n> ${alert.kind} · ${alert.incidentKey}`,
    },
  };
}

/**
 * Sends alerts to a webhook: a DingTalk custom robot (markdown, `timestamp`+`sign` query signing; a
 * 200 answer still carries `errcode`) or any endpoint taking plain JSON.
 */
export class WebhookAlertSink implements AlertSink {
  constructor(private readonly options: WebhookAlertSinkOptions) {}

  async raise(alert: Alert): Promise<void> {
    const { format, secret } = this.options;
    const url =
      format === 'dingtalk' && secret ? signedDingTalkUrl(this.options.url, secret, (this.options.now ?? Date.now)()) : this.options.url;
    const body =
      format === 'dingtalk' ? dingTalkPayload(alert) : { ...alert, raisedAt: new Date((this.options.now ?? Date.now)()).toISOString() };
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
      });
    } catch (error) {
      throw new AlertDeliveryError(`alert webhook unreachable: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AlertDeliveryError(`alert webhook answered ${response.status}`);
    }
    let text: string;
    try {
      text = await readBoundedText(response, this.options.url, WEBHOOK_MAX_ANSWER_BYTES);
    } catch (error) {
      throw new AlertDeliveryError(`alert webhook answer unreadable: ${(error as Error).message}`, { cause: error });
    }
    if (format === 'dingtalk') {
      const answer = safeJson(text) as { errcode?: number; errmsg?: string } | undefined;
      if (answer?.errcode !== undefined && answer.errcode !== 0)
        throw new AlertDeliveryError(`DingTalk refused the alert: ${answer.errcode} ${answer.errmsg ?? ''}`.trim());
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // a non-JSON 2xx from a plain endpoint is still a success
  }
}
