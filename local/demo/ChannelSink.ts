import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyRequest } from '../../shared/engines/auth';
import type { Channel } from '../../shared/domain/delivery';
import { CHANNELS, SENDER_SYSTEM_ID } from '../../shared/domain/delivery';

/** A message as the customer received it. */
export interface ReceivedMessage {
  readonly receivedAt: string;
  readonly channel: Channel;
  readonly customerId: string;
  readonly idempotencyKey: string;
  readonly providerId: string;
  /** The channel's rendering (push notification, SMS text, WeChat template data). */
  readonly message: Record<string, unknown>;
}

export interface ChannelSink {
  readonly url: string;
  /** Provider URL of a channel (`TXC_CHANNELS[channel].url`). */
  urlOf(channel: Channel): string;
  /** `TXC_CHANNELS` for this sink. */
  readonly channelsConfig: string;
  /** What customers received: one entry per idempotency key (a repeat is answered, not delivered again). */
  readonly received: readonly ReceivedMessage[];
  /** Every accepted call per idempotency key (more than one = a repeated send the key absorbed). */
  readonly callsByKey: ReadonlyMap<string, number>;
  /** Answers the next `count` calls on `channel` with `status` (provider outages, refusals). */
  failNext(channel: Channel, status: number, count?: number): void;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * The local stand-in for the channel providers (app push gateway, SMS gateway, WeChat template relay):
 * verifies the sender's signature, deduplicates on the idempotency key as real providers do, and
 * records what each customer received, for the demo report and the verdict.
 */
export async function startChannelSink(options: { port?: number; host?: string; secret: string }): Promise<ChannelSink> {
  const received: ReceivedMessage[] = [];
  const providerIds = new Map<string, string>();
  const callsByKey = new Map<string, number>();
  const faults = new Map<string, { status: number; count: number }>();
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const answer = (status: number, json: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const channel = /^\/channels\/([a-z]+)$/.exec(path)?.[1] as Channel | undefined;
      if (request.method !== 'POST' || !channel || !CHANNELS.includes(channel))
        return answer(404, { error: { code: 'NOT_FOUND', message: 'no such channel' } });
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(',') : value;
      try {
        verifyRequest({ method: 'POST', path, headers, body }, (id) => (id === SENDER_SYSTEM_ID ? options.secret : undefined));
      } catch {
        return answer(401, { error: { code: 'UNAUTHENTICATED', message: 'bad signature' } });
      }
      const fault = faults.get(channel);
      if (fault && fault.count > 0) {
        fault.count -= 1;
        return answer(fault.status, { error: { code: 'INJECTED', message: `injected ${fault.status}` } });
      }
      const parsed = JSON.parse(body) as { idempotencyKey: string; customerId: string; channel: Channel } & Record<string, unknown>;
      const { idempotencyKey, customerId, channel: _channel, ...message } = parsed;
      callsByKey.set(idempotencyKey, (callsByKey.get(idempotencyKey) ?? 0) + 1);
      let providerId = providerIds.get(idempotencyKey);
      if (!providerId) {
        providerId = `${channel.toUpperCase()}-${randomUUID().slice(0, 12)}`;
        providerIds.set(idempotencyKey, providerId);
        received.push({ receivedAt: new Date().toISOString(), channel, customerId, idempotencyKey, providerId, message });
      }
      return answer(200, { id: providerId });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const urlOf = (channel: Channel) => `${url}/channels/${channel}`;
  return {
    url,
    urlOf,
    channelsConfig: JSON.stringify({
      app: { url: urlOf('app'), secret: options.secret },
      sms: { url: urlOf('sms'), secret: options.secret },
      wechat: { url: urlOf('wechat'), secret: options.secret, templateId: 'TPL_COMPANION_NOTICE' },
    }),
    received,
    callsByKey,
    failNext: (channel, status, count = 1) => void faults.set(channel, { status, count }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
