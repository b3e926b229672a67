import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelSink } from '../../../../local/demo/ChannelSink';
import { startChannelSink } from '../../../../local/demo/ChannelSink';
import type { ChannelAdapter } from '../../../../shared/domain/delivery';
import { adaptersOf, earliestSendTime, parseChannels, SEND_LEASE_MS, TouchpointSender } from '../../../../shared/domain/delivery';
import type { Database } from '../../../../shared/adapters/store/Database';
import { openDatabase } from '../../../../shared/adapters/store/openDatabase';
import { findTouchpoint } from '../../../../shared/domain/touchpoints/touchpointHandler';
import { RecordingAlertSink, silentLogger } from '../../engines/consumer/factories';

const SECRET = 'channel-sink-secret-0123456789';
/** 2026-11-27 10:00 Beijing time (02:00 UTC): daytime. */
const DAY = Date.UTC(2026, 10, 27, 2, 0, 0);
/** 2026-11-27 23:30 Beijing time: quiet hours. */
const NIGHT = Date.UTC(2026, 10, 27, 15, 30, 0);
/** 08:00 Beijing time the next morning. */
const NEXT_MORNING = Date.UTC(2026, 10, 28, 0, 0, 0);

let n = 0;

describe('Class: TouchpointSender', () => {
  let database: Database;
  let sink: ChannelSink;
  let alerts: RecordingAlertSink;
  let clock: number;

  beforeEach(async () => {
    database = await openDatabase(`sqlite:${join(mkdtempSync(join(tmpdir(), 'txc-sender-')), 'txc.db')}`);
    sink = await startChannelSink({ secret: SECRET });
    alerts = new RecordingAlertSink();
    clock = DAY;
  });
  afterEach(async () => {
    await sink.close();
    await database.close();
  });

  const sender = (adapters = adaptersOf(parseChannels(sink.channelsConfig)), maxAttempts = 3) =>
    new TouchpointSender({ db: database.db, adapters, alerts, logger: silentLogger, now: () => clock, maxAttempts });
  const touchpoint = async (
    fields: { status?: string; channel?: string; kind?: string; deliverAfter?: number; customerId?: string } = {},
  ) => {
    const eventId = `ev-test-${++n}`;
    await database.db
      .insertInto('txc_touchpoint')
      .values({
        event_id: eventId,
        business_key: `bk-${n}`,
        customer_id: fields.customerId ?? 'C10001',
        channel: fields.channel ?? 'app',
        title: '市场波动提醒',
        content: '基金有风险，投资需谨慎。',
        status: fields.status ?? 'APPROVED',
        kind: fields.kind ?? 'MARKETING',
        owner: 'companion-platform',
        deliver_after: fields.deliverAfter ?? clock - 1,
        created_at: clock - 1_000,
      })
      .execute();
    return eventId;
  };
  const statusOf = async (eventId: string) => (await findTouchpoint(database.db, eventId))!;

  it('sends only APPROVED touch-points that are due, once, and marks them SENT with the provider id', async () => {
    const due = await touchpoint({ channel: 'app' });
    const wechat = await touchpoint({ channel: 'wechat' });
    const pending = await touchpoint({ status: 'PENDING_REVIEW' });
    const blocked = await touchpoint({ status: 'BLOCKED' });
    const later = await touchpoint({ deliverAfter: clock + 60_000 });
    expect(await sender().run()).toEqual({ sent: 2, retried: 0, failed: 0, deferred: 0 });
    expect(await sender().run()).toEqual({ sent: 0, retried: 0, failed: 0, deferred: 0 });
    const sent = await statusOf(due);
    expect(sent).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(sink.received.find((r) => r.idempotencyKey === due)).toMatchObject({
      channel: 'app',
      customerId: 'C10001',
      providerId: sent.providerId,
      message: { notification: { title: '市场波动提醒' } },
    });
    expect(sink.received.find((r) => r.idempotencyKey === wechat)!.message).toMatchObject({ templateId: 'TPL_COMPANION_NOTICE' });
    for (const id of [pending, blocked, later]) expect(sink.callsByKey.has(id)).toBe(false);
    expect((await statusOf(pending)).status).toBe('PENDING_REVIEW');
    expect((await statusOf(blocked)).status).toBe('BLOCKED');

    clock += 60_000;
    expect((await sender().run()).sent).toBe(1);
    expect((await statusOf(later)).status).toBe('SENT');
  });

  it('crash between send and mark: the takeover re-sends with the same idempotency key, the customer gets it once', async () => {
    const eventId = await touchpoint();
    const real = adaptersOf(parseChannels(sink.channelsConfig)).app!;
    // The first sender reaches the provider, then "dies" before it can mark the touch-point.
    const dying: ChannelAdapter = {
      channel: 'app',
      send: async (delivery) => {
        await real.send(delivery);
        return new Promise(() => {});
      },
    };
    void sender({ app: dying }).run();
    for (let i = 0; i < 100 && !sink.callsByKey.has(eventId); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await statusOf(eventId)).status).toBe('SENDING');

    // While the lease holds, nobody else sends it.
    expect((await sender().run()).sent).toBe(0);
    clock += SEND_LEASE_MS + 1;
    expect((await sender().run()).sent).toBe(1);
    expect(sink.callsByKey.get(eventId)).toBe(2);
    expect(sink.received.filter((r) => r.idempotencyKey === eventId)).toHaveLength(1);
    const sent = await statusOf(eventId);
    expect(sent).toMatchObject({
      status: 'SENT',
      attempts: 2,
      providerId: sink.received.find((r) => r.idempotencyKey === eventId)!.providerId,
    });
  });

  it('two senders at once never both send a touch-point', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, () => touchpoint()));
    const reports = await Promise.all([sender().run(), sender().run(), sender().run()]);
    expect(reports.reduce((sum, r) => sum + r.sent, 0)).toBe(10);
    for (const id of ids) expect(sink.callsByKey.get(id)).toBe(1);
  });

  it('quiet hours: no marketing SMS from 22:00 to 08:00 Beijing time; app pushes and transaction notices go at once', async () => {
    clock = NIGHT;
    const sms = await touchpoint({ channel: 'sms' });
    const app = await touchpoint({ channel: 'app' });
    const notice = await touchpoint({ channel: 'sms', kind: 'TRANSACTION_NOTICE' });
    expect(await sender().run()).toEqual({ sent: 2, retried: 0, failed: 0, deferred: 1 });
    expect((await statusOf(sms)).status).toBe('APPROVED');
    expect(sink.callsByKey.has(sms)).toBe(false);
    expect([(await statusOf(app)).status, (await statusOf(notice)).status]).toEqual(['SENT', 'SENT']);

    clock = NEXT_MORNING - 1;
    expect((await sender().run()).sent).toBe(0);
    clock = NEXT_MORNING;
    expect((await sender().run()).sent).toBe(1);
    expect((await statusOf(sms)).status).toBe('SENT');
  });

  it.each([
    ['21:59 Beijing', Date.UTC(2026, 10, 27, 13, 59), Date.UTC(2026, 10, 27, 13, 59)],
    ['22:00 Beijing', Date.UTC(2026, 10, 27, 14, 0), NEXT_MORNING],
    ['03:00 Beijing', Date.UTC(2026, 10, 27, 19, 0), NEXT_MORNING],
    ['07:59 Beijing', Date.UTC(2026, 10, 27, 23, 59), NEXT_MORNING],
    ['08:00 Beijing', NEXT_MORNING, NEXT_MORNING],
  ])('earliestSendTime for a marketing SMS at %s', (_name, at, expected) => {
    expect(earliestSendTime(at, 'sms', 'MARKETING')).toBe(expected);
    expect(earliestSendTime(at, 'app', 'MARKETING')).toBe(at);
    expect(earliestSendTime(at, 'sms', 'TRANSACTION_NOTICE')).toBe(at);
  });

  it('a provider 4xx fails the touch-point for good with the reason and an alert', async () => {
    const eventId = await touchpoint({ channel: 'sms' });
    sink.failNext('sms', 400);
    expect((await sender().run()).failed).toBe(1);
    expect(await statusOf(eventId)).toMatchObject({
      status: 'FAILED',
      failureReason: expect.stringContaining('sms provider refused (400)'),
    });
    expect(alerts.alerts).toEqual([
      expect.objectContaining({ kind: 'touchpoint-failed', details: expect.objectContaining({ eventId, owner: 'companion-platform' }) }),
    ]);
    clock += 3_600_000;
    expect((await sender().run()).sent).toBe(0);
  });

  it('a provider 5xx is retried with backoff, then sent; after the last attempt it fails', async () => {
    const flaky = await touchpoint({ channel: 'app' });
    sink.failNext('app', 503);
    expect((await sender().run()).retried).toBe(1);
    expect(await statusOf(flaky)).toMatchObject({ status: 'APPROVED', attempts: 1 });
    expect((await sender().run()).retried).toBe(0); // not before the backoff
    clock += 30_000;
    expect((await sender().run()).sent).toBe(1);
    expect(await statusOf(flaky)).toMatchObject({ status: 'SENT', attempts: 2 });

    const down = await touchpoint({ channel: 'sms' });
    sink.failNext('sms', 500, 10);
    for (let i = 0; i < 3; i += 1) {
      await sender().run();
      clock += 3_600_000;
    }
    expect(await statusOf(down)).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      failureReason: expect.stringContaining('gave up after 3 attempts'),
    });
    expect(alerts.alerts.map((a) => a.kind)).toEqual(['touchpoint-failed']);
  });

  it('a timeout counts as retryable; a channel with no provider configured fails with an alert', async () => {
    const unconfigured = await touchpoint({ channel: 'email' });
    expect((await sender().run()).failed).toBe(1);
    expect(await statusOf(unconfigured)).toMatchObject({
      status: 'FAILED',
      failureReason: 'channel email is not configured (TXC_CHANNELS)',
    });
    const slow = await touchpoint({ channel: 'app' });
    // A provider that accepts the connection and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const timingOut = adaptersOf(
        parseChannels(
          JSON.stringify({
            app: { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/push`, secret: SECRET, timeoutMs: 100 },
          }),
        ),
      );
      expect(await sender(timingOut).run()).toEqual({ sent: 0, retried: 1, failed: 0, deferred: 0 });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
    expect(await statusOf(slow)).toMatchObject({
      status: 'APPROVED',
      failureReason: expect.stringContaining('did not answer within 100 ms'),
    });
  });

  it.each([
    ['not JSON', '{app:'],
    ['unknown channel', JSON.stringify({ fax: { url: 'http://x/', secret: SECRET } })],
    ['not http(s)', JSON.stringify({ app: { url: 'ftp://x/', secret: SECRET } })],
    ['short secret', JSON.stringify({ sms: { url: 'http://x/', secret: 'short' } })],
    ['wechat without template', JSON.stringify({ wechat: { url: 'http://x/', secret: SECRET } })],
    ['unknown field', JSON.stringify({ app: { url: 'http://x/', secret: SECRET, retries: 3 } })],
  ])('refuses malformed channel settings at start-up: %s', (_name, text) => {
    expect(() => parseChannels(text)).toThrow(expect.objectContaining({ code: 'CHANNEL_CONFIG_INVALID' }));
    try {
      parseChannels(text);
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });
});
