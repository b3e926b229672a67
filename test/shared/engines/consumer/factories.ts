import { randomUUID } from 'node:crypto';
import type { Alert, AlertOutbox } from '../../../../shared/engines/alert/AlertSink';
import type { IncomingMessage } from '../../../../shared/engines/consumer/types';
import { encodeEnvelope, ENVELOPE_VERSION } from '../../../../shared/engines/events/envelope';
import type { InvocationContext } from '../../../../shared/engines/invocation/InvocationContext';
import { contextWithDeadline } from '../../../../shared/engines/invocation/InvocationContext';
import type { Logger } from '../../../../shared/logger';
import type { OutgoingMessage, PublishedMessage } from '../../../../shared/adapters/mq/types';

/** A txcenter envelope body for `topic`/`tag`. */
export function envelopeBody(
  topic: string,
  tag: string,
  payload: unknown,
  eventId = `tx-${randomUUID()}`,
  businessKey = `bk-${eventId}`,
): string {
  return encodeEnvelope({
    v: ENVELOPE_VERSION,
    eventId,
    source: 'fund-app',
    businessKey,
    topic,
    tag,
    occurredAt: new Date().toISOString(),
    payload,
  });
}

/** An incoming message as the adapters build it. */
export function incoming(topic: string, tag: string | undefined, body: string, overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  let key: string | undefined;
  try {
    key = (JSON.parse(body) as { eventId?: string }).eventId;
  } catch {
    key = undefined;
  }
  return {
    messageId: randomUUID().replace(/-/g, '').toUpperCase(),
    topic,
    tag,
    key,
    body,
    properties: {},
    publishTime: Date.now(),
    ...overrides,
  };
}

export function invocation(ms = 30_000): InvocationContext {
  return contextWithDeadline(randomUUID(), 'test', Date.now() + ms);
}

/** Records publishes (the MQ edge, for DB-level tests; the integration tests use the real broker). */
export class RecordingPublisher {
  readonly published: { topic: string; message: OutgoingMessage }[] = [];
  failNext = 0;
  async publish(topic: string, message: OutgoingMessage): Promise<PublishedMessage> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw Object.assign(new Error('broker down'), { name: 'MqUnavailableError', code: 'MQ_UNAVAILABLE' });
    }
    this.published.push({ topic, message });
    return { messageId: randomUUID(), bodyMd5: '' };
  }
}

/** Records sent alerts; as an outbox it sends every recorded alert (no incident aggregation). */
export class RecordingAlertSink implements AlertOutbox {
  readonly alerts: Alert[] = [];
  async raise(alert: Alert): Promise<void> {
    this.alerts.push(alert);
  }
  async record(): Promise<boolean> {
    return true;
  }
  async send(alert: Alert): Promise<void> {
    this.alerts.push(alert);
  }
  async resendUnsent(): Promise<number> {
    return 0;
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };
