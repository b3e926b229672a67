import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCheckbackEndpoint } from '../../shared/engines/client';

/** An alert as the local webhook receiver got it. */
export interface ReceivedAlert {
  readonly receivedAt: string;
  readonly body: unknown;
}

export const ALERT_WEBHOOK_PATH = '/webhook/alerts';
export const COMPANION_CHECKBACK_PATH = '/companion/checkback';

export interface DemoServer {
  readonly url: string;
  readonly alertWebhookUrl: string;
  readonly companionCheckbackUrl: string;
  /** Alerts received so far (the DingTalk robot payloads the functions sent). */
  readonly alerts: readonly ReceivedAlert[];
  onAlert(listener: (alert: ReceivedAlert) => void): void;
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
 * The demo's two outside parties on one small server: the alert webhook receiver (what a DingTalk
 * robot would show) and the companion platform's check-back endpoint. The companion platform hands
 * over plain events (no transaction), so its check-back has nothing to confirm and answers UNKNOWN.
 */
export async function startDemoServer(options: {
  port: number;
  host?: string;
  companionSystemId: string;
  companionSecret: string;
}): Promise<DemoServer> {
  const alerts: ReceivedAlert[] = [];
  const listeners: ((alert: ReceivedAlert) => void)[] = [];
  // The companion platform publishes plain events and prepares no transaction: nothing of its own to confirm.
  const checkback = createCheckbackEndpoint({
    systemId: options.companionSystemId,
    secret: options.companionSecret,
    decide: async () => 'UNKNOWN',
  });
  const server = createServer((request, response) => {
    void readBody(request).then(async (body) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (request.method === 'POST' && path === ALERT_WEBHOOK_PATH) {
        let parsed: unknown = body;
        try {
          parsed = JSON.parse(body);
        } catch {
          // kept as text: the receiver shows whatever arrived
        }
        const alert = { receivedAt: new Date().toISOString(), body: parsed };
        alerts.push(alert);
        listeners.forEach((listener) => listener(alert));
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"errcode":0,"errmsg":"ok"}');
        return;
      }
      if (request.method === 'POST' && path === COMPANION_CHECKBACK_PATH) {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(',') : value;
        const answer = await checkback({ method: 'POST', path, headers, body });
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(answer.body);
        return;
      }
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":{"code":"NOT_FOUND","message":"no such route"}}');
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    alertWebhookUrl: `${url}${ALERT_WEBHOOK_PATH}`,
    companionCheckbackUrl: `${url}${COMPANION_CHECKBACK_PATH}`,
    alerts,
    onAlert: (listener) => listeners.push(listener),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
