import { signRequest } from '../../engines/auth';
import type { TextAnswer } from '../../engines/client/requestText';
import { requestText } from '../../engines/client/requestText';
import type { Channel, ChannelProvider } from './channelConfig';
import { ProviderRefusedError, ProviderUnavailableError } from './errors';

/** What a channel sends: one touch-point to one customer. */
export interface Delivery {
  /** The touch-point's event id: also the idempotency key the provider deduplicates on. */
  readonly idempotencyKey: string;
  readonly customerId: string;
  readonly title: string;
  readonly content: string;
}

/**
 * One channel's provider. `send` returns the provider's message id; the same `idempotencyKey` sent
 * again must return the first id without sending again (how a crash between send and mark is resolved).
 * @throws ProviderRefusedError (permanent) · ProviderUnavailableError (retry later)
 */
export interface ChannelAdapter {
  readonly channel: Channel;
  send(delivery: Delivery): Promise<{ providerId: string }>;
}

/** The system id the sender signs as (the provider verifies with the channel's secret). */
export const SENDER_SYSTEM_ID = 'txcenter-touchpoint-sender';

/** Each channel's message format: app push notification, SMS text (title in brackets), WeChat template data. */
const FORMATS: Record<Channel, (delivery: Delivery, provider: ChannelProvider) => Record<string, unknown>> = {
  app: (d) => ({ notification: { title: d.title, body: d.content } }),
  sms: (d) => ({ text: `【${d.title}】${d.content}` }),
  wechat: (d, p) => ({ templateId: p.templateId, data: { first: { value: d.title }, remark: { value: d.content } } }),
  email: (d) => ({ subject: d.title, text: d.content }),
};

/**
 * A provider behind a signed webhook (TXC1 HMAC scheme of shared/engines/auth, the provider holding the
 * channel's secret). 2xx with `{id}` = sent; 4xx (but 408/429) = refused for good; anything else,
 * timeouts and network errors = try again later.
 */
export class WebhookChannelAdapter implements ChannelAdapter {
  private readonly path: string;

  constructor(
    readonly channel: Channel,
    private readonly provider: ChannelProvider,
    private readonly now: () => number = Date.now,
  ) {
    this.path = new URL(provider.url).pathname;
  }

  async send(delivery: Delivery): Promise<{ providerId: string }> {
    const body = JSON.stringify({
      idempotencyKey: delivery.idempotencyKey,
      channel: this.channel,
      customerId: delivery.customerId,
      ...FORMATS[this.channel](delivery, this.provider),
    });
    const headers = signRequest(SENDER_SYSTEM_ID, this.provider.secret, { method: 'POST', path: this.path, timestamp: this.now(), body });
    let answer: TextAnswer;
    try {
      answer = await requestText({
        method: 'POST',
        url: this.provider.url,
        headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': delivery.idempotencyKey },
        body,
        timeoutMs: this.provider.timeoutMs,
        idempotent: true, // providers deliver once per idempotency key (the channel contract)
      });
    } catch (error) {
      throw new ProviderUnavailableError(`${this.channel} provider unreachable: ${(error as Error).message}`, { cause: error });
    }
    const detail = answer.body.slice(0, 200);
    if (answer.status >= 200 && answer.status < 300) {
      const id = parseId(answer.body);
      if (id) return { providerId: id };
      throw new ProviderUnavailableError(`${this.channel} provider answered ${answer.status} without a message id`);
    }
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429) {
      throw new ProviderRefusedError(answer.status, `${this.channel} provider refused (${answer.status}): ${detail}`);
    }
    throw new ProviderUnavailableError(`${this.channel} provider answered ${answer.status}: ${detail}`);
  }
}

function parseId(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : undefined;
  } catch {
    return undefined;
  }
}
