import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../../local/broker';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, startBroker } from '../../../local/broker';
import type { FcMqCloudEvent, FcTimerEvent, Runtime, RuntimeEvent, RuntimeOptions } from '../../../local/runtime';
import { RuntimeConfigError, startRuntime } from '../../../local/runtime';
import { MqClient } from '../../../shared/adapters/mq';
import { ManualClock } from '../../helpers/ManualClock';
import { capturingLogger, FixtureFunctions, fixtureCatalog, tempDir, waitFor } from './fixtures';

const FAST_RETRY = { retries: 2, minBackoffMs: 20, maxBackoffMs: 40 };

/** A promise the test settles itself: a handler that is "still running" until then. */
function deferred(): { promise: Promise<unknown>; resolve: (value?: unknown) => void } {
  let resolve: (value?: unknown) => void = () => undefined;
  const promise = new Promise<unknown>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** Lets pending promise callbacks and I/O callbacks run (no time passes on the manual clock). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Function: startRuntime', () => {
  let broker: RunningBroker;
  let mq: MqClient;
  let runtime: Runtime | undefined;
  let fns: FixtureFunctions;
  let events: RuntimeEvent[];
  // Broker and runtime share one manual clock: deadlines, timer schedules, backoffs, long-poll expiry
  // and redelivery move only when a test advances it, so nothing here waits on the wall clock. It
  // starts at the real time because the broker refuses SDK requests dated 15 minutes away from it.
  let clock: ManualClock;
  const log = capturingLogger();

  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    broker = await startBroker({ port: 0, dataDir: tempDir('txc-rt-broker-'), autoCreate: true, invisibilitySeconds: 1 }, { clock });
    mq = new MqClient({ endpoint: broker.url, accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET });
    fns = new FixtureFunctions();
    events = [];
  });

  afterEach(async () => {
    if (runtime) await closeRuntime(runtime);
    runtime = undefined;
    await broker.close();
  });

  /**
   * Closes the runtime, moving the clock so its parked long polls expire: on a still clock they never
   * would. A poll still on its way to the broker parks after a move, so the clock moves until closed.
   */
  async function closeRuntime(rt: Runtime): Promise<void> {
    let closed = false;
    const closing = rt.close().then(() => {
      closed = true;
    });
    while (!closed) {
      clock.advance(1_000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await closing;
  }

  /** Backlog and in-flight count of a group on FIX_TOPIC, from the broker's own state. */
  const groupState = (group: string) =>
    broker
      .state()
      .topics.find((topic) => topic.topic === 'FIX_TOPIC')
      ?.groups.find((entry) => entry.group === group);
  /** Every message of the group acked: nothing is left to redeliver, whatever the clock does. */
  const allAcked = (group: string) => {
    const state = groupState(group);
    return state !== undefined && state.backlog === 0 && state.inFlight === 0;
  };

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
      clock,
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
      const late = deferred();
      fns.on('fix-http', async () => {
        if (mode === 'throw') throw new Error('boom');
        await late.promise;
        return { statusCode: 200, body: 'late' };
      });
      const rt = await start({ functions: ['fix-http'], timeoutOverridesMs: { 'fix-http': 100 } });
      const failed = await fetch(rt.urls['fix-http']!);
      expect(failed.status).toBe(502);
      expect(await failed.json()).toMatchObject({ code: 'FunctionFailed' });
      mode = 'slow';
      const answer = fetch(rt.urls['fix-http']!);
      await waitFor(() => fns.callsOf('fix-http').length === 2, 5_000, 'the slow invocation');
      clock.advance(99);
      await settle();
      expect(events.filter((e) => e.type === 'invoked')).toHaveLength(1); // 1 ms before the deadline: still running
      clock.advance(1);
      const slow = await answer;
      late.resolve(); // the late result is discarded
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
      const firings = () => fns.callsOf('fix-timer').length;
      // @every 10s / 50 = every 200 ms of the clock.
      const expected = [0, 1, 2, 3];
      const seen = [firings()];
      clock.advance(199);
      await settle();
      expect(firings()).toBe(0);
      for (let step = 1; step <= 3; step++) {
        clock.advance(step === 1 ? 1 : 200);
        await settle(); // the previous invocation finishes before the next firing
        seen.push(firings());
      }
      expect(seen).toEqual(expected);
      const [first, , third] = fns.callsOf('fix-timer');
      expect(first!.event).toMatchObject({ triggerName: 'tick', payload: 'hello' });
      const triggerTime = (first!.event as FcTimerEvent).triggerTime;
      expect(triggerTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      // The event carries the scheduled time (second precision), not when the handler happened to run.
      expect(Date.parse((third!.event as FcTimerEvent).triggerTime) - Date.parse(triggerTime)).toBeLessThanOrEqual(1_000);
    });

    it('takes a schedule override and skips firings while the previous run is still going', async () => {
      const runs = [deferred(), deferred()];
      fns.on('fix-timer', () => runs[fns.callsOf('fix-timer').length - 1]!.promise);
      await start({ functions: ['fix-timer'], timerOverrides: { 'fix-timer': '@every 100ms' } });
      clock.advance(100);
      await settle();
      expect(fns.callsOf('fix-timer')).toHaveLength(1);
      // Four more firings while the first run is still going: all skipped, and logged.
      for (let i = 0; i < 4; i++) {
        clock.advance(100);
        await settle();
      }
      expect(fns.callsOf('fix-timer')).toHaveLength(1);
      expect(log.lines().filter((line) => String(line.msg).startsWith('timer firing skipped')).length).toBeGreaterThanOrEqual(4);
      runs[0]!.resolve();
      await settle();
      clock.advance(100);
      await settle();
      expect(fns.callsOf('fix-timer')).toHaveLength(2);
      runs[1]!.resolve();
    });

    it('fires on demand', async () => {
      const rt = await start({ functions: ['fix-timer'] });
      await rt.fireTimer('fix-timer');
      expect(fns.callsOf('fix-timer')).toHaveLength(1);
      await expect(rt.fireTimer('fix-http')).rejects.toThrow(RuntimeConfigError);
    });
  });

  describe('MQ trigger', () => {
    it('caps MQ invocations at maxMqTimeoutMs and tells the handler (its context timeout), leaving HTTP functions their own', async () => {
      const rt = await start({ functions: ['fix-mq-a', 'fix-http'], maxMqTimeoutMs: 2_000 });
      await mq.publish('FIX_TOPIC', { body: '{}', tag: 'A' });
      await waitFor(() => fns.callsOf('fix-mq-a').length > 0, 10_000, 'the delivery');
      expect(fns.callsOf('fix-mq-a')[0]!.context.function.timeout).toBe(2);
      await fetch(rt.urls['fix-http']!);
      expect(fns.callsOf('fix-http')[0]!.context.function.timeout).toBe(fixtureCatalog().function('fix-http')!.timeoutSeconds);
    });

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
      // Acked: the broker holds nothing in flight or in backlog for either group, so nothing comes back.
      await waitFor(() => allAcked('GID_FIX_A') && allAcked('GID_FIX_ALL'), 5_000, 'acks');
      clock.advance(1_500); // past the 1 s invisibility
      await settle();
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
      const failed = () => events.filter((e) => e.type === 'invoked' && !e.ok).length;
      for (let retry = 1; retry <= 2; retry++) {
        // The backoff pause starts as the failure is reported; it lasts 20–40 ms of the clock.
        await waitFor(() => failed() === retry, 5_000, `failure ${retry}`);
        clock.advance(FAST_RETRY.minBackoffMs - 1);
        await settle();
        expect(fns.callsOf('fix-mq-a')).toHaveLength(retry);
        clock.advance(FAST_RETRY.maxBackoffMs - FAST_RETRY.minBackoffMs + 1);
        await waitFor(() => fns.callsOf('fix-mq-a').length === retry + 1, 5_000, `retry ${retry}`);
      }
      const calls = fns.callsOf('fix-mq-a');
      expect(calls.map((call) => call.context.retryCount)).toEqual([0, 1, 2]);
      const ids = calls.map((call) => (call.event as FcMqCloudEvent[]).map((e) => e.id).join());
      expect(new Set(ids).size).toBe(1);
      expect(new Set(calls.map((call) => call.context.requestId)).size).toBe(3);
      await waitFor(() => allAcked('GID_FIX_A'), 5_000, 'the ack after success');
      clock.advance(1_500);
      await settle();
      expect(fns.callsOf('fix-mq-a')).toHaveLength(3);
    });

    it('treats a deadline overrun as a failure and leaves an exhausted batch for broker redelivery', async () => {
      let slow = true;
      const stuck = deferred();
      fns.on('fix-mq-a', async () => {
        if (slow) await stuck.promise;
        return { ok: true };
      });
      await start({
        functions: ['fix-mq-a'],
        timeoutOverridesMs: { 'fix-mq-a': 100 },
        mqRetry: { retries: 1, minBackoffMs: 10, maxBackoffMs: 10 },
      });
      await mq.publish('FIX_TOPIC', { body: '{"n":1}', tag: 'A', key: 'slow-1' });
      await waitFor(() => fns.callsOf('fix-mq-a').length === 1, 5_000, 'first delivery');
      clock.advance(100); // deadline
      await waitFor(() => events.some((e) => e.type === 'invoked' && !e.ok), 5_000, 'the first overrun');
      clock.advance(10); // backoff
      await waitFor(() => fns.callsOf('fix-mq-a').length === 2, 5_000, 'the retry');
      clock.advance(100); // deadline again: the retries are spent
      await waitFor(() => events.some((e) => e.type === 'mq-batch-abandoned'), 5_000, 'abandoned batch');
      expect(fns.callsOf('fix-mq-a')).toHaveLength(2);
      expect(groupState('GID_FIX_A')).toMatchObject({ inFlight: 1 }); // left unacked for the broker
      slow = false;
      // The broker redelivers after its 1 s invisibility; this time the handler finishes in time.
      clock.advance(1_000);
      await waitFor(() => fns.callsOf('fix-mq-a').length >= 3, 5_000, 'redelivery');
      stuck.resolve();
      const redelivered = fns.callsOf('fix-mq-a')[2]!.event as FcMqCloudEvent[];
      expect(redelivered[0]!.data.systemProperties.KEYS).toBe('slow-1');
      const timeouts = events.filter((e) => e.type === 'invoked' && !e.ok);
      expect(timeouts.every((e) => e.type === 'invoked' && e.error?.includes('did not finish'))).toBe(true);
    });

    it('shuts down cleanly while long-polling, leaving nothing running', async () => {
      const rt = await start({ functions: ['fix-mq-a', 'fix-mq-all', 'fix-http', 'fix-timer'] });
      // Each MQ trigger has a long poll parked at the broker: close waits for it to end, not longer.
      // Three MQ triggers (GID_FIX_A, GID_FIX_ALL, GID_FIX_DLQ) parked at the broker, plus fix-timer's schedule.
      await waitFor(() => clock.pendingTimers >= 4, 5_000, 'the triggers parked at the broker');
      const closing = rt.close();
      await settle();
      expect(events.at(-1)).not.toEqual({ type: 'closed' });
      await closeRuntime(rt); // the polls' 1 s wait ends
      await closing;
      expect(events.at(-1)).toEqual({ type: 'closed' });
      await mq.publish('FIX_TOPIC', { body: '{}', tag: 'A' });
      expect(groupState('GID_FIX_A')).toMatchObject({ backlog: 1, inFlight: 0 }); // nobody pulls it any more
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
