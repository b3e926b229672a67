import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../../local/broker';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, startBroker } from '../../../local/broker';
import type { FcMqCloudEvent, FcTimerEvent, Runtime, RuntimeEvent, RuntimeOptions } from '../../../local/runtime';
import { RuntimeConfigError, startRuntime } from '../../../local/runtime';
import { MqClient } from '../../../shared/adapters/mq';
import { capturingLogger, FixtureFunctions, fixtureCatalog, tempDir, waitFor } from './fixtures';

const FAST_RETRY = { retries: 2, minBackoffMs: 20, maxBackoffMs: 40 };

describe('Function: startRuntime', () => {
  let broker: RunningBroker;
  let mq: MqClient;
  let runtime: Runtime | undefined;
  let fns: FixtureFunctions;
  let events: RuntimeEvent[];
  const log = capturingLogger();

  beforeEach(async () => {
    broker = await startBroker({ port: 0, dataDir: tempDir('txc-rt-broker-'), autoCreate: true, invisibilitySeconds: 1 });
    mq = new MqClient({ endpoint: broker.url, accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET });
    fns = new FixtureFunctions();
    events = [];
  });

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    await broker.close();
  });

  async function start(overrides: Partial<RuntimeOptions> = {}): Promise<Runtime> {
    runtime = await startRuntime({
      mq: { endpoint: broker.url, accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET },
      catalog: fixtureCatalog(),
      loadHandler: fns.load,
      httpPorts: { 'fix-http': 0 },
      mqRetry: FAST_RETRY,
      pollWaitSeconds: 1,
      logger: log.logger,
      onEvent: (event) => events.push(event),
      ...overrides,
    });
    return runtime;
  }

  describe('HTTP trigger', () => {
    it('delivers the FC 3.0 HTTP event and writes the function response', async () => {
      fns.on('fix-http', async () => ({ statusCode: 201, headers: { 'x-echo': 'yes' }, isBase64Encoded: false, body: '{"created":true}' }));
      const rt = await start({ functions: ['fix-http'] });
      const response = await fetch(`${rt.urls['fix-http']}/v1/things?limit=5&q=%E5%9F%BA%E9%87%91`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-custom': 'v' },
        body: JSON.stringify({ name: '优惠购' }),
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-echo')).toBe('yes');
      expect(await response.json()).toEqual({ created: true });
      const [call] = fns.callsOf('fix-http');
      const event = call!.event as Record<string, any>;
      expect(event).toMatchObject({
        version: 'v1',
        rawPath: '/v1/things',
        body: '{"name":"优惠购"}',
        isBase64Encoded: false,
        queryParameters: { limit: '5', q: '基金' },
        requestContext: {
          http: { method: 'POST', path: '/v1/things', protocol: 'HTTP/1.1', sourceIp: expect.stringContaining('127.0.0.1') },
        },
      });
      expect(event.headers['x-custom']).toBe('v');
      expect(event.requestContext.requestId).toBe(response.headers.get('x-fc-request-id'));
      expect(typeof event.requestContext.timeEpoch).toBe('string');
      expect(call!.context).toMatchObject({ requestId: event.requestContext.requestId, function: { name: 'fix-http', timeout: 5 } });
    });

    it('base64-encodes binary bodies and refuses methods the trigger does not allow', async () => {
      const rt = await start({ functions: ['fix-http'] });
      await fetch(rt.urls['fix-http']!, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array([0, 255, 1]),
      });
      const event = fns.callsOf('fix-http')[0]!.event as { body: string; isBase64Encoded: boolean };
      expect(event.isBase64Encoded).toBe(true);
      expect([...Buffer.from(event.body, 'base64')]).toEqual([0, 255, 1]);
      const refused = await fetch(rt.urls['fix-http']!, { method: 'DELETE' });
      expect(refused.status).toBe(405);
      expect(fns.callsOf('fix-http')).toHaveLength(1);
    });

    it('answers 502 when the function throws and 504 when it overruns its deadline', async () => {
      let mode = 'throw';
      fns.on('fix-http', async () => {
        if (mode === 'throw') throw new Error('boom');
        await new Promise((resolve) => setTimeout(resolve, 400));
        return { statusCode: 200, body: 'late' };
      });
      const rt = await start({ functions: ['fix-http'], timeoutOverridesMs: { 'fix-http': 100 } });
      const failed = await fetch(rt.urls['fix-http']!);
      expect(failed.status).toBe(502);
      expect(await failed.json()).toMatchObject({ code: 'FunctionFailed' });
      mode = 'slow';
      const slow = await fetch(rt.urls['fix-http']!);
      expect(slow.status).toBe(504);
      expect(await slow.json()).toMatchObject({ code: 'FunctionTimeout' });
      expect(events.filter((e) => e.type === 'invoked').map((e) => (e as { ok: boolean }).ok)).toEqual([false, false]);
      const failure = log.lines().find((line) => line.code === 'FunctionTimeout');
      expect(failure).toMatchObject({ function: 'fix-http', requestId: slow.headers.get('x-fc-request-id') });
    });
  });

  describe('timer trigger', () => {
    it('fires on the scaled schedule with the FC timer event', async () => {
      await start({ functions: ['fix-timer'], timeScale: 50 });
      // @every 10s / 50 = every 200 ms.
      await waitFor(() => fns.callsOf('fix-timer').length >= 3, 5_000, 'three timer firings');
      const times = fns.callsOf('fix-timer').map((call) => call.at);
      const [first] = fns.callsOf('fix-timer');
      expect(first!.event).toMatchObject({ triggerName: 'tick', payload: 'hello' });
      expect((first!.event as FcTimerEvent).triggerTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(350);
      expect(times[2]! - times[0]!).toBeLessThan(1_500);
    });

    it('takes a schedule override and skips firings while the previous run is still going', async () => {
      fns.on('fix-timer', () => new Promise((resolve) => setTimeout(resolve, 450)));
      await start({ functions: ['fix-timer'], timerOverrides: { 'fix-timer': '@every 100ms' } });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // 1 s at 100 ms would be ~10 firings; each run takes 450 ms, so at most 3 can start.
      expect(fns.callsOf('fix-timer').length).toBeGreaterThanOrEqual(1);
      expect(fns.callsOf('fix-timer').length).toBeLessThanOrEqual(3);
    });

    it('fires on demand', async () => {
      const rt = await start({ functions: ['fix-timer'] });
      await rt.fireTimer('fix-timer');
      expect(fns.callsOf('fix-timer')).toHaveLength(1);
      await expect(rt.fireTimer('fix-http')).rejects.toThrow(RuntimeConfigError);
    });
  });

  describe('MQ trigger', () => {
    it('delivers CloudEvents batches filtered by the group tag expression and acks them', async () => {
      await start({ functions: ['fix-mq-a', 'fix-mq-all'] });
      for (let i = 0; i < 6; i++)
        await mq.publish('FIX_TOPIC', {
          body: `{"n":${i}}`,
          tag: i % 2 === 0 ? 'A' : 'B',
          key: `key-${i}`,
          properties: { trace: `t${i}` },
        });
      const received = (name: string) => fns.callsOf(name).flatMap((call) => call.event as FcMqCloudEvent[]);
      await waitFor(() => received('fix-mq-a').length >= 3 && received('fix-mq-all').length >= 6, 10_000, 'deliveries');
      const onlyA = received('fix-mq-a');
      expect(onlyA.map((e) => e.data.systemProperties.TAGS)).toEqual(['A', 'A', 'A']);
      expect(onlyA.map((e) => JSON.parse(e.data.body).n).sort()).toEqual([0, 2, 4]);
      const first = onlyA.find((e) => e.data.systemProperties.KEYS === 'key-0')!;
      expect(first).toMatchObject({
        specversion: '1.0',
        type: 'mq:Topic:SendMessage',
        source: 'acs:mq',
        subject: expect.stringMatching(/^acs:mq:[a-z0-9-]+:\d+:[^%]+%FIX_TOPIC$/),
        data: { topic: 'FIX_TOPIC', userProperties: { trace: 't0' }, systemProperties: { UNIQ_KEY: first.id, TAGS: 'A' } },
      });
      expect(fns.callsOf('fix-mq-a').every((call) => (call.event as unknown[]).length <= 4)).toBe(true);
      expect(
        received('fix-mq-all')
          .map((e) => e.data.systemProperties.TAGS)
          .sort(),
      ).toEqual(['A', 'A', 'A', 'B', 'B', 'B']);
      // Acked: after the 1 s invisibility nothing comes back.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(received('fix-mq-a')).toHaveLength(3);
      expect(received('fix-mq-all')).toHaveLength(6);
    });

    it('delivers like the cloud trigger: a one-tag group filtered by its tag, an A||B group unfiltered (its consumer runtime filters)', async () => {
      await start({ functions: ['fix-mq-a', 'fix-mq-ab'] });
      for (const tag of ['A', 'B', 'C']) await mq.publish('FIX_TOPIC', { body: '{}', tag });
      const tags = (name: string) =>
        fns
          .callsOf(name)
          .flatMap((call) => (call.event as FcMqCloudEvent[]).map((e) => e.data.systemProperties.TAGS))
          .sort();
      await waitFor(() => tags('fix-mq-ab').length >= 3 && tags('fix-mq-a').length >= 1, 10_000, 'deliveries');
      expect(tags('fix-mq-ab')).toEqual(['A', 'B', 'C']);
      expect(tags('fix-mq-a')).toEqual(['A']);
    });

    it('retries a failed batch as a whole with backoff, then acks after success', async () => {
      let failures = 2;
      fns.on('fix-mq-a', async () => {
        if (failures-- > 0) throw new Error('transient');
        return { ok: true };
      });
      await start({ functions: ['fix-mq-a'] });
      await mq.publish('FIX_TOPIC', { body: '{"n":1}', tag: 'A' });
      await waitFor(() => fns.callsOf('fix-mq-a').length >= 3, 5_000, 'retries');
      const calls = fns.callsOf('fix-mq-a');
      expect(calls.map((call) => call.context.retryCount)).toEqual([0, 1, 2]);
      const ids = calls.map((call) => (call.event as FcMqCloudEvent[]).map((e) => e.id).join());
      expect(new Set(ids).size).toBe(1);
      expect(new Set(calls.map((call) => call.context.requestId)).size).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(fns.callsOf('fix-mq-a')).toHaveLength(3);
    });

    it('treats a deadline overrun as a failure and leaves an exhausted batch for broker redelivery', async () => {
      let slow = true;
      fns.on('fix-mq-a', async () => {
        if (slow) await new Promise((resolve) => setTimeout(resolve, 300));
        return { ok: true };
      });
      await start({
        functions: ['fix-mq-a'],
        timeoutOverridesMs: { 'fix-mq-a': 100 },
        mqRetry: { retries: 1, minBackoffMs: 10, maxBackoffMs: 10 },
      });
      await mq.publish('FIX_TOPIC', { body: '{"n":1}', tag: 'A', key: 'slow-1' });
      await waitFor(() => events.some((e) => e.type === 'mq-batch-abandoned'), 5_000, 'abandoned batch');
      expect(fns.callsOf('fix-mq-a')).toHaveLength(2);
      slow = false;
      // The broker redelivers after its 1 s invisibility; this time the handler finishes in time.
      await waitFor(() => fns.callsOf('fix-mq-a').length >= 3, 5_000, 'redelivery');
      const redelivered = fns.callsOf('fix-mq-a')[2]!.event as FcMqCloudEvent[];
      expect(redelivered[0]!.data.systemProperties.KEYS).toBe('slow-1');
      const timeouts = events.filter((e) => e.type === 'invoked' && !e.ok);
      expect(timeouts.every((e) => e.type === 'invoked' && e.error?.includes('did not finish'))).toBe(true);
    });

    it('shuts down cleanly while long-polling, leaving nothing running', async () => {
      const rt = await start({ functions: ['fix-mq-a', 'fix-mq-all', 'fix-http', 'fix-timer'] });
      const started = Date.now();
      await rt.close();
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(events.at(-1)).toEqual({ type: 'closed' });
      await mq.publish('FIX_TOPIC', { body: '{}', tag: 'A' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fns.callsOf('fix-mq-a')).toHaveLength(0);
      await expect(fetch(rt.urls['fix-http']!)).rejects.toThrow();
    });
  });

  it('refuses unknown functions and missing handlers', async () => {
    await expect(start({ functions: ['nope'] })).rejects.toThrow(RuntimeConfigError);
    await expect(
      start({
        functions: ['fix-http'],
        loadHandler: async () => {
          throw new RuntimeConfigError('no handler');
        },
      }),
    ).rejects.toThrow('no handler');
  });
});
