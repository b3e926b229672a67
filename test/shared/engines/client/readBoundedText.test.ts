import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookAlertSink } from '../../../../shared/engines/alert/WebhookAlertSink';
import { askBusinessSystem } from '../../../../shared/engines/checkback/askBusinessSystem';
import { ResponseTooLargeError } from '../../../../shared/engines/client/requestText';
import { readBoundedText } from '../../../../shared/engines/client/readBoundedText';

// A server that answers with an endless body: without a bound, the reader buffers until memory runs out.
let server: Server;
let base: string;
let bytesSent = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    if (request.url === '/small') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"decision":"COMMIT"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!response.destroyed && bytesSent < 512 * 1024 * 1024) {
        bytesSent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    response.on('close', () => undefined);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const system = { id: 'trading', secret: 's'.repeat(32), checkbackUrl: '' };

describe('Function: readBoundedText', () => {
  it('reads a small answer whole', async () => {
    expect(await readBoundedText(await fetch(`${base}/small`), `${base}/small`)).toBe('{"decision":"COMMIT"}');
  });

  it('stops reading past its limit and says so, long before the server is done', async () => {
    bytesSent = 0;
    await expect(readBoundedText(await fetch(`${base}/endless`), `${base}/endless`, 256 * 1024)).rejects.toThrow(ResponseTooLargeError);
    expect(bytesSent).toBeLessThan(64 * 1024 * 1024);
  });

  it('keeps an endless check-back answer from being buffered: the answer is UNKNOWN', async () => {
    const result = await askBusinessSystem(
      { ...system, checkbackUrl: `${base}/endless` },
      { txId: 'tx1', businessKey: 'k', topic: 'T', tag: 't', check: 1 },
      { timeoutMs: 10_000, now: Date.now },
    );
    expect(result).toEqual({ answer: 'UNKNOWN', detail: 'answer unreadable: ResponseTooLargeError' });
    const small = await askBusinessSystem(
      { ...system, checkbackUrl: `${base}/small` },
      { txId: 'tx1', businessKey: 'k', topic: 'T', tag: 't', check: 1 },
      { timeoutMs: 10_000, now: Date.now },
    );
    expect(small.answer).toBe('COMMIT');
  });

  it('keeps an endless alert-webhook answer from being buffered: the delivery fails and can be retried', async () => {
    const sink = new WebhookAlertSink({ url: `${base}/endless`, format: 'json', timeoutMs: 10_000 });
    await expect(sink.raise({ kind: 'test', incidentKey: 'k', severity: 'warning', title: 't', text: 'x' })).rejects.toThrow(
      /answer unreadable/,
    );
  });
});
