import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../../../shared/engines/catalog';
import { createLogger } from '../../../../shared/logger';
import type { MqClient } from '../../../../shared/adapters/mq';
import { PlainEventPublisher, PUBLISH_CLAIM_STALE_MS, TxCoordinator } from '../../../../shared/engines/tx';
import { createTxGatewayApp } from '../../../../shared/engines/txgateway';
import { DATABASE_CASES } from '../../../helpers/databases';
import type { TxCenterFixture } from '../../../helpers/txCenter';
import {
  COMPANION_OPS,
  drainUntilKey,
  FUND_TRADE,
  signedRequest,
  startTestBroker,
  startTxCenter,
  testContext,
  testMqClient,
} from '../../../helpers/txCenter';

const sqlite = DATABASE_CASES[0];
let center: TxCenterFixture;
let n = 0;
const key = () => `campaign-${Date.now()}-${++n}`;
const payload = { customerId: 'C10001', channel: 'app', title: '定投提醒', content: '本月定投将于明日扣款。' };
const eventBody = (businessKey: string, body: unknown = payload) => ({ ...COMPANION_OPS, businessKey, payload: body });

beforeAll(async () => {
  center = await startTxCenter(await sqlite.open());
});
afterAll(async () => center?.close());

function gatewayWith(broker: Pick<MqClient, 'publish'>, clockSkewMs = 0) {
  return createTxGatewayApp({
    coordinator: new TxCoordinator({ store: center.store, broker: center.mq, catalog: catalog(), checkImmunitySeconds: 1 }),
    events: new PlainEventPublisher({ store: center.store, broker, catalog: catalog(), now: () => Date.now() + clockSkewMs }),
    secretOf: (id) => center.systems.find((s) => s.id === id)?.secret,
    logger: createLogger('test', 'silent'),
  });
}

describe('POST /v1/events (plain events)', () => {
  it('publishes one normal message at once (no prepare, no commit) and records it in the store with kind PLAIN', async () => {
    const [, companion] = center.systems;
    const businessKey = key();
    const published = await center.call(companion!, 'POST', '/v1/events', eventBody(businessKey));
    expect(published.statusCode).toBe(201);
    expect(published.json).toMatchObject({ delivery: 'published', ...COMPANION_OPS, businessKey });
    const { eventId } = published.json;
    expect(eventId).toMatch(/^ev-/);

    const delivered = (await drainUntilKey(center.mq, COMPANION_OPS.topic, 'GID_TXC_OPS', eventId)).filter((m) => m.key === eventId);
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0]!.body)).toMatchObject({ v: 1, eventId, source: 'companion', businessKey, tag: 'OPERATIONS', payload });

    const stored = await center.store.get(eventId);
    expect(stored).toMatchObject({ kind: 'PLAIN', state: 'COMMITTED', broker: 'PUBLISHED', reason: 'plain' });
    const status = await center.call(companion!, 'GET', `/v1/events/${eventId}`);
    expect(status.statusCode).toBe(200);
    expect(status.json.timeline.map((e: { type: string }) => e.type)).toEqual(['ACCEPTED', 'PUBLISHED']);
    // The answer is built from what was stored, not read back: it must say what the store says.
    const { timeline: _timeline, ...storedView } = status.json;
    expect(published.json).toEqual(storedView);
  });

  it('is idempotent on (system, businessKey): a retried hand-off is one event and one message', async () => {
    const [, companion] = center.systems;
    const businessKey = key();
    const first = await center.call(companion!, 'POST', '/v1/events', eventBody(businessKey));
    const retry = await center.call(companion!, 'POST', '/v1/events', eventBody(businessKey, { ...payload }));
    expect(retry.statusCode).toBe(200);
    expect(retry.json.eventId).toBe(first.json.eventId);
    const delivered = (await drainUntilKey(center.mq, COMPANION_OPS.topic, 'GID_TXC_DATACENTER', first.json.eventId)).filter(
      (m) => m.key === first.json.eventId,
    );
    expect(delivered).toHaveLength(1);

    const different = await center.call(companion!, 'POST', '/v1/events', eventBody(businessKey, { ...payload, title: '别的标题' }));
    expect(different.statusCode).toBe(409);
    expect(different.json.error.code).toBe('TX_BUSINESS_KEY_REUSED');
    // The same key from another system is that system's own event.
    const other = await center.call(center.systems[0]!, 'POST', '/v1/events', eventBody(businessKey));
    expect(other.statusCode).toBe(201);
    expect(other.json.eventId).not.toBe(first.json.eventId);
  });

  describe('type refusals', () => {
    const cases: [string, string, string, unknown, number, string][] = [
      [
        'plain event on a transactional topic',
        '/v1/events',
        'POST',
        { ...FUND_TRADE, businessKey: 'k1', payload: {} },
        422,
        'TX_UNKNOWN_SCENARIO',
      ],
      [
        'transaction on a normal topic',
        '/v1/transactions',
        'POST',
        { ...COMPANION_OPS, businessKey: 'k2', payload: {} },
        422,
        'TX_UNKNOWN_SCENARIO',
      ],
      [
        'plain event on the internal dead-letter topic',
        '/v1/events',
        'POST',
        { topic: 'TXC_DEAD_LETTER', tag: 'DEAD_LETTER', businessKey: 'k3', payload: {} },
        422,
        'TX_UNKNOWN_SCENARIO',
      ],
      [
        'unknown tag',
        '/v1/events',
        'POST',
        { topic: 'TXC_COMPANION', tag: 'NOPE', businessKey: 'k4', payload: {} },
        422,
        'TX_UNKNOWN_SCENARIO',
      ],
      [
        'check-back on a plain event',
        '/v1/events',
        'POST',
        { ...COMPANION_OPS, businessKey: 'k5', payload: {}, checkback: { path: '/x' } },
        400,
        'VALIDATION_FAILED',
      ],
      ['missing payload', '/v1/events', 'POST', { ...COMPANION_OPS, businessKey: 'k6' }, 400, 'VALIDATION_FAILED'],
      ['bad businessKey', '/v1/events', 'POST', { ...COMPANION_OPS, businessKey: 'a b', payload: {} }, 400, 'VALIDATION_FAILED'],
      [
        'body over 64 KB',
        '/v1/events',
        'POST',
        { ...COMPANION_OPS, businessKey: 'k7', payload: 'x'.repeat(64 * 1024) },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      ['GET on /v1/events', '/v1/events', 'GET', undefined, 405, 'METHOD_NOT_ALLOWED'],
    ];
    it.each(cases)('refuses %s, storing nothing', async (_name, path, method, body, status, code) => {
      const response = await center.call(center.systems[1]!, method, path, body);
      expect(response.statusCode).toBe(status);
      expect(response.json.error.code).toBe(code);
      const businessKey = (body as { businessKey?: string } | undefined)?.businessKey;
      if (businessKey) expect(await center.store.findByBusinessKey(center.systems[1]!.id, businessKey)).toBeUndefined();
    });

    it('an event id is not a transaction (and a transaction not an event); another tenant sees neither', async () => {
      const [fund, companion] = center.systems;
      const { json: event } = await center.call(companion!, 'POST', '/v1/events', eventBody(key()));
      for (const [method, path] of [
        ['GET', `/v1/transactions/${event.eventId}`],
        ['POST', `/v1/transactions/${event.eventId}/commit`],
        ['POST', `/v1/transactions/${event.eventId}/rollback`],
      ] as const) {
        expect((await center.call(companion!, method, path)).json.error.code).toBe('TX_NOT_FOUND');
      }
      expect((await center.call(fund!, 'GET', `/v1/events/${event.eventId}`)).statusCode).toBe(404);
      const { json: tx } = await center.call(fund!, 'POST', '/v1/transactions', { ...FUND_TRADE, businessKey: key(), payload: {} });
      expect((await center.call(fund!, 'GET', `/v1/events/${tx.txId}`)).statusCode).toBe(404);
      expect((await center.store.get(event.eventId))!.state).toBe('COMMITTED');
    });
  });

  it('broker down: the event is stored first (503, Retry-After); the retry publishes that same event once', async () => {
    const broker = await startTestBroker();
    const { port, dataDir } = broker;
    await broker.close();
    const companion = center.systems[1]!;
    const businessKey = key();
    const body = JSON.stringify(eventBody(businessKey));
    const down = await gatewayWith(testMqClient(`http://127.0.0.1:${port}`))(
      signedRequest(companion, 'POST', '/v1/events', body),
      testContext(),
    );
    expect(down.statusCode).toBe(503);
    expect(JSON.parse(down.body).error.code).toBe('BROKER_UNAVAILABLE');
    expect(Number(down.headers!['retry-after'])).toBeGreaterThan(0);
    const stored = await center.store.findByBusinessKey(companion.id, businessKey);
    expect(stored).toMatchObject({ kind: 'PLAIN', state: 'COMMITTED', broker: 'PUBLISH_PENDING' });

    const restarted = await startTestBroker(dataDir, port);
    try {
      const mq = testMqClient(restarted.url);
      const retry = await gatewayWith(mq)(signedRequest(companion, 'POST', '/v1/events', body), testContext());
      expect(retry.statusCode).toBe(200);
      expect(JSON.parse(retry.body)).toMatchObject({ eventId: stored!.txId, delivery: 'published' });
      const delivered = (await drainUntilKey(mq, COMPANION_OPS.topic, 'GID_TXC_OPS', stored!.txId)).filter((m) => m.key === stored!.txId);
      expect(delivered).toHaveLength(1);
      expect((await center.store.timeline(stored!.txId)).map((e) => e.type)).toEqual(['ACCEPTED', 'PUBLISH_FAILED', 'PUBLISHED']);
    } finally {
      await restarted.close();
    }
  });

  it('gateway dies between storing and publishing: the retry waits while the claim is fresh, then exactly one retry publishes it', async () => {
    const companion = center.systems[1]!;
    const businessKey = key();
    const body = JSON.stringify(eventBody(businessKey));
    // The first instance "dies" inside publish: the call never returns, nothing reaches the broker.
    void gatewayWith({ publish: () => new Promise(() => {}) })(signedRequest(companion, 'POST', '/v1/events', body), testContext());
    let orphan;
    for (let i = 0; i < 100 && !orphan; i += 1) {
      orphan = await center.store.findByBusinessKey(companion.id, businessKey);
      if (!orphan) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(orphan).toMatchObject({ kind: 'PLAIN', broker: 'PUBLISH_PENDING' });

    const early = await gatewayWith(center.mq)(signedRequest(companion, 'POST', '/v1/events', body), testContext());
    expect(early.statusCode).toBe(409);
    expect(JSON.parse(early.body).error.code).toBe('TX_PREPARE_IN_PROGRESS');

    const later = PUBLISH_CLAIM_STALE_MS + 1_000;
    const retries = await Promise.all(
      [gatewayWith(center.mq, later), gatewayWith(center.mq, later)].map((app) =>
        app(signedRequest(companion, 'POST', '/v1/events', body), testContext()),
      ),
    );
    expect(retries.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const delivered = await drainUntilKey(center.mq, COMPANION_OPS.topic, 'GID_TXC_COMPLIANCE', orphan!.txId);
    expect(delivered.filter((m) => m.key === orphan!.txId)).toHaveLength(1);
  });
});
