import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/engines/alert/AlertSink';
import { signDingTalk } from '../../../../shared/engines/alert/dingTalkSignature';
import { AlertDeliveryError } from '../../../../shared/engines/alert/errors';
import { WebhookAlertSink } from '../../../../shared/engines/alert/WebhookAlertSink';

const alert: Alert = { kind: 'k', severity: 'warning', title: 'T', text: 'x', incidentKey: 'k:1', details: { a: 1 } };
const NOW = Date.UTC(2026, 10, 27, 10, 0, 0);

// A real HTTP webhook on loopback: what it received, and what it answers next.
let url: string;
let answer: { status: number; body: string };
const received: { path: string; body: unknown }[] = [];
const server = createServer((request, response) => {
  let text = '';
  request.on('data', (chunk) => (text += chunk));
  request.on('end', () => {
    received.push({ path: request.url ?? '', body: JSON.parse(text) });
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/robot/send?access_token=t`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  answer = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
});

describe('Class: WebhookAlertSink', () => {
  it('posts the DingTalk markdown to the signed URL', async () => {
    await new WebhookAlertSink({ url, format: 'dingtalk', secret: 'SECx', now: () => NOW }).raise(alert);
    const [call] = received;
    const query = new URL(call!.path, 'http://h').searchParams;
    expect(query.get('timestamp')).toBe(String(NOW));
    expect(query.get('sign')).toBe(signDingTalk('SECx', NOW));
    expect(call!.body).toMatchObject({ msgtype: 'markdown', markdown: { title: 'T' } });
  });

  it('posts the alert as JSON with its time in the json format, unsigned', async () => {
    await new WebhookAlertSink({ url, format: 'json', now: () => NOW }).raise(alert);
    expect(received[0]).toEqual({ path: '/robot/send?access_token=t', body: { ...alert, raisedAt: new Date(NOW).toISOString() } });
  });

  it('treats a DingTalk errcode in a 200 answer, a non-2xx answer and an unreachable webhook as delivery errors', async () => {
    const dingTalk = new WebhookAlertSink({ url, format: 'dingtalk' });
    answer = { status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' };
    await expect(dingTalk.raise(alert)).rejects.toThrow(new AlertDeliveryError('DingTalk refused the alert: 310000 sign not match'));
    answer = { status: 503, body: '' };
    await expect(dingTalk.raise(alert)).rejects.toThrow('alert webhook answered 503');
    const down = new WebhookAlertSink({ url: 'http://127.0.0.1:9/robot', format: 'json' });
    await expect(down.raise(alert)).rejects.toBeInstanceOf(AlertDeliveryError);
  });

  it('accepts a 2xx answer that is not JSON from a plain endpoint', async () => {
    answer = { status: 204, body: '' };
    await expect(new WebhookAlertSink({ url, format: 'json' }).raise(alert)).resolves.toBeUndefined();
    answer = { status: 200, body: 'ok' };
    await expect(new WebhookAlertSink({ url, format: 'dingtalk' }).raise(alert)).resolves.toBeUndefined();
  });
});
