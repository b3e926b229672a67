import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../../../shared/engines/catalog';
import { createLogger } from '../../../../shared/logger';
import { TxCoordinator } from '../../../../shared/engines/tx';
import type { TxBroker } from '../../../../shared/engines/tx/brokerDecision';
import type { TxTables } from '../../../../shared/engines/tx';
import { createTxGatewayApp } from '../../../../shared/engines/txgateway';
import type { Kysely } from 'kysely';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';
import { encodeEnvelope } from '../../../../shared/engines/events/envelope';
import { SqlTxStore } from '../../../../shared/engines/tx';
import type { TxCenterFixture } from '../../../helpers/txCenter';
import {
  drainTopic,
  drainUntilKey,
  FUND_TRADE,
  signedRequest,
  startTestBroker,
  startTxCenter,
  testContext,
  testMqClient,
} from '../../../helpers/txCenter';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../../../local/broker';

const sqlite = DATABASE_CASES[0];
const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);
let center: TxCenterFixture;
let n = 0;
const key = () => `order-${Date.now()}-${++n}`;
const prepareBody = (businessKey: string, payload: unknown = { orderId: businessKey, amount: '1000.00' }) => ({
  ...FUND_TRADE,
  businessKey,
  payload,
});

beforeAll(async () => {
  center = await startTxCenter(await sqlite.open());
});
afterAll(async () => center?.close());

describe('Function: createTxGatewayApp', () => {
  it('prepares, commits and the committed message reaches a subscriber group', async () => {
    const [fund] = center.systems;
    const businessKey = key();
    const prepared = await center.call(fund!, 'POST', '/v1/transactions', prepareBody(businessKey));
    expect(prepared.statusCode).toBe(201);
    expect(prepared.json).toMatchObject({ state: 'PREPARED', delivery: 'not-decided', businessKey });
    const { txId } = prepared.json;

    // Nothing is visible before the commit.
    expect((await drainTopic(center.mq, FUND_TRADE.topic, 'GID_TXC_ORCH_TRADE', 100)).filter((m) => m.key === txId)).toEqual([]);

    const committed = await center.call(fund!, 'POST', `/v1/transactions/${txId}/commit`);
    expect(committed.statusCode).toBe(200);
    expect(committed.json).toMatchObject({ txId, state: 'COMMITTED', delivery: 'done' });

    const delivered = (await drainUntilKey(center.mq, FUND_TRADE.topic, 'GID_TXC_ORCH_TRADE', txId)).filter((m) => m.key === txId);
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0]!.body)).toMatchObject({
      v: 1,
      eventId: txId,
      source: 'fund-trading',
      businessKey,
      payload: { amount: '1000.00' },
    });

    const status = await center.call(fund!, 'GET', `/v1/transactions/${txId}`);
    expect(status.json.timeline.map((e: { type: string }) => e.type)).toEqual(['PREPARED', 'PUBLISHED', 'COMMITTED', 'BROKER_NOTIFIED']);
  });

  it('rolls back: nothing is delivered', async () => {
    const [fund] = center.systems;
    const { json } = await center.call(fund!, 'POST', '/v1/transactions', prepareBody(key()));
    const rolled = await center.call(fund!, 'POST', `/v1/transactions/${json.txId}/rollback`);
    expect(rolled.statusCode).toBe(200);
    expect(rolled.json).toMatchObject({ state: 'ROLLED_BACK', delivery: 'done' });
    const seen = await drainTopic(center.mq, FUND_TRADE.topic, 'GID_TXC_DATACENTER_TRADE', 2_500);
    expect(seen.filter((m) => m.key === json.txId)).toEqual([]);
  });

  it('is idempotent on businessKey and refuses the same key with another payload', async () => {
    const [fund] = center.systems;
    const businessKey = key();
    const first = await center.call(fund!, 'POST', '/v1/transactions', prepareBody(businessKey, { a: 1, b: 2 }));
    const again = await center.call(fund!, 'POST', '/v1/transactions', prepareBody(businessKey, { b: 2, a: 1 }));
    expect(again.statusCode).toBe(200);
    expect(again.json.txId).toBe(first.json.txId);
    const different = await center.call(fund!, 'POST', '/v1/transactions', prepareBody(businessKey, { a: 2 }));
    expect(different.statusCode).toBe(409);
    expect(different.json.error.code).toBe('TX_BUSINESS_KEY_REUSED');
    // Same businessKey for another system is another transaction.
    const other = await center.call(center.systems[1]!, 'POST', '/v1/transactions', prepareBody(businessKey, { a: 2 }));
    expect(other.statusCode).toBe(201);
    expect(other.json.txId).not.toBe(first.json.txId);
  });

  it('repeated commit is idempotent, rollback after commit is a conflict', async () => {
    const [fund] = center.systems;
    const { json } = await center.call(fund!, 'POST', '/v1/transactions', prepareBody(key()));
    await center.call(fund!, 'POST', `/v1/transactions/${json.txId}/commit`);
    const again = await center.call(fund!, 'POST', `/v1/transactions/${json.txId}/commit`);
    expect(again.statusCode).toBe(200);
    expect(again.json.state).toBe('COMMITTED');
    const rollback = await center.call(fund!, 'POST', `/v1/transactions/${json.txId}/rollback`);
    expect(rollback.statusCode).toBe(409);
    expect(rollback.json.error).toMatchObject({ code: 'TX_STATE_CONFLICT', details: { state: 'COMMITTED' } });
  });

  it('isolates tenants: another system gets 404 for status, commit and rollback', async () => {
    const [fund, companion] = center.systems;
    const { json } = await center.call(fund!, 'POST', '/v1/transactions', prepareBody(key()));
    for (const [method, path] of [
      ['GET', `/v1/transactions/${json.txId}`],
      ['POST', `/v1/transactions/${json.txId}/commit`],
      ['POST', `/v1/transactions/${json.txId}/rollback`],
    ] as const) {
      const response = await center.call(companion!, method, path);
      expect(response.statusCode).toBe(404);
      expect(response.json.error.code).toBe('TX_NOT_FOUND');
    }
    expect((await center.store.get(json.txId))!.state).toBe('PREPARED');
  });

  describe('authentication', () => {
    const app = () =>
      createTxGatewayApp({
        coordinator: center.coordinator,
        secretOf: (id) => center.systems.find((s) => s.id === id)?.secret,
        logger: createLogger('test', 'silent'),
      });
    const cases: [string, (r: ReturnType<typeof signedRequest>) => void][] = [
      ['no signature headers', (r) => void (r.headers = {})],
      ['unknown system', (r) => void (r.headers['x-txc-system'] = 'nobody')],
      ['tampered body', (r) => void (r.body = r.body!.replace('1000.00', '9999.00'))],
      ['wrong path', (r) => void (r.rawPath = '/v1/transactions/tx-x/commit')],
      ['malformed signature', (r) => void (r.headers['x-txc-signature'] = 'zz')],
    ];
    it.each(cases)('refuses %s with 401 UNAUTHENTICATED', async (_name, tamper) => {
      const request = signedRequest(center.systems[0]!, 'POST', '/v1/transactions', JSON.stringify(prepareBody(key())));
      tamper(request);
      const response = await app()(request, testContext());
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.body).error.code).toBe('UNAUTHENTICATED');
    });
    it('refuses a timestamp outside ±5 minutes', async () => {
      const body = JSON.stringify(prepareBody(key()));
      for (const skew of [-6 * 60_000, 6 * 60_000]) {
        const response = await app()(signedRequest(center.systems[0]!, 'POST', '/v1/transactions', body, Date.now() + skew), testContext());
        expect(response.statusCode).toBe(401);
      }
    });
  });

  describe('validation', () => {
    const big = 'x'.repeat(64 * 1024);
    const cases: [string, string, string, unknown, number, string][] = [
      ['not JSON', 'POST', '/v1/transactions', '{nope', 400, 'INVALID_JSON'],
      ['missing topic', 'POST', '/v1/transactions', { tag: 'DISCOUNT_PURCHASE', businessKey: 'k', payload: {} }, 400, 'VALIDATION_FAILED'],
      ['missing payload', 'POST', '/v1/transactions', { ...FUND_TRADE, businessKey: 'k' }, 400, 'VALIDATION_FAILED'],
      ['bad businessKey', 'POST', '/v1/transactions', { ...FUND_TRADE, businessKey: 'a b<', payload: {} }, 400, 'VALIDATION_FAILED'],
      ['unknown field', 'POST', '/v1/transactions', { ...FUND_TRADE, businessKey: 'k', payload: {}, extra: 1 }, 400, 'VALIDATION_FAILED'],
      ['bad keys', 'POST', '/v1/transactions', { ...FUND_TRADE, businessKey: 'k', payload: {}, keys: ['a|b'] }, 400, 'VALIDATION_FAILED'],
      [
        'check-back URL instead of path',
        'POST',
        '/v1/transactions',
        { ...FUND_TRADE, businessKey: 'k', payload: {}, checkback: { path: 'http://evil/' } },
        400,
        'VALIDATION_FAILED',
      ],
      ['unknown topic', 'POST', '/v1/transactions', { topic: 'NOPE', tag: 'X', businessKey: 'k', payload: {} }, 422, 'TX_UNKNOWN_SCENARIO'],
      [
        'unknown tag',
        'POST',
        '/v1/transactions',
        { topic: 'TXC_FUND_TRADE', tag: 'NOPE', businessKey: 'k', payload: {} },
        422,
        'TX_UNKNOWN_SCENARIO',
      ],
      [
        'non-transactional topic',
        'POST',
        '/v1/transactions',
        { topic: 'TXC_DEAD_LETTER', tag: 'DEAD_LETTER', businessKey: 'k', payload: {} },
        422,
        'TX_UNKNOWN_SCENARIO',
      ],
      ['body over 64 KB', 'POST', '/v1/transactions', { ...FUND_TRADE, businessKey: 'k', payload: big }, 413, 'PAYLOAD_TOO_LARGE'],
      [
        'envelope over 64 KB',
        'POST',
        '/v1/transactions',
        { ...FUND_TRADE, businessKey: 'k', payload: 'y'.repeat(64 * 1024 - 120) },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      ['bad txId', 'GET', '/v1/transactions/bad%20id', undefined, 400, 'VALIDATION_FAILED'],
      ['unknown txId', 'GET', '/v1/transactions/tx-unknown', undefined, 404, 'TX_NOT_FOUND'],
      ['unknown route', 'GET', '/v2/things', undefined, 404, 'ROUTE_NOT_FOUND'],
      ['wrong method', 'DELETE', '/v1/transactions', undefined, 405, 'METHOD_NOT_ALLOWED'],
      ['GET on commit', 'GET', '/v1/transactions/tx-1/commit', undefined, 405, 'METHOD_NOT_ALLOWED'],
    ];
    it.each(cases)('%s: %s %s → %d %s', async (_name, method, path, body, status, code) => {
      const response = await center.call(center.systems[0]!, method, path, body);
      expect(response.statusCode).toBe(status);
      expect(response.json.error.code).toBe(code);
      expect(response.json.error.message).toEqual(expect.any(String));
    });
  });

  describe('hostile input', () => {
    /** Rows in the transaction tables: a refused request must not change them. */
    const rowCounts = async () => {
      const { db } = center.database as { db: Kysely<TxTables> };
      const count = async (table: 'txc_tx' | 'txc_tx_event') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return { tx: await count('txc_tx'), events: await count('txc_tx_event') };
    };
    const gatewayOver = (broker: TxBroker) =>
      createTxGatewayApp({
        coordinator: new TxCoordinator({ store: center.store, broker, catalog: catalog(), checkImmunitySeconds: 1 }),
        secretOf: (id) => center.systems.find((s) => s.id === id)?.secret,
        logger: createLogger('test', 'silent'),
      });

    it('a payload nested 10 000 deep (20 KB) is a typed 400, not a stack overflow, and stores nothing', async () => {
      const before = await rowCounts();
      const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const body = `{"topic":"${FUND_TRADE.topic}","tag":"${FUND_TRADE.tag}","businessKey":"${key()}","payload":${deep}}`;
      const response = await center.call(center.systems[0]!, 'POST', '/v1/transactions', body);
      expect(response.statusCode).toBe(400);
      expect(response.json.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('payload: must not nest more than 32 levels'),
      });
      expect(await rowCounts()).toEqual(before);
      // 32 levels is still fine.
      const ok = await center.call(center.systems[0]!, 'POST', '/v1/transactions', {
        ...prepareBody(key()),
        payload: JSON.parse(`${'['.repeat(31)}{"a":1}${']'.repeat(31)}`),
      });
      expect(ok.statusCode).toBe(201);
    });

    it('payload strings with characters XML forbids (U+FFFE, U+FFFF, lone surrogates, C0 controls) arrive unchanged', async () => {
      const fund = center.systems[0]!;
      const payload = { note: 'a\uFFFFb\uFFFEc\uD800d\uDFFFe\u0000f\u0001g\u001Fh\uD83D\uDE00i]]>', 'k\uFFFF': ['\uDBFF'] };
      const businessKey = key();
      const prepared = await center.call(fund, 'POST', '/v1/transactions', prepareBody(businessKey, payload));
      expect(prepared.statusCode).toBe(201);
      // Idempotent replay: the same request hashes the same.
      expect((await center.call(fund, 'POST', '/v1/transactions', prepareBody(businessKey, payload))).json.txId).toBe(prepared.json.txId);
      expect((await center.call(fund, 'POST', `/v1/transactions/${prepared.json.txId}/commit`)).json).toMatchObject({
        state: 'COMMITTED',
        delivery: 'done',
      });
      const { txId } = prepared.json;
      const delivered = (await drainUntilKey(center.mq, FUND_TRADE.topic, 'GID_TXC_DATACENTER_TRADE', txId)).filter((m) => m.key === txId);
      expect(delivered).toHaveLength(1);
      expect(JSON.parse(delivered[0]!.body).payload).toEqual(payload);
    });

    it('a message the broker refuses is a permanent 422 that leaves no row and no event behind', async () => {
      // The real broker refuses user properties above 16 KB (InvalidArgument); the gateway's own
      // requests never carry that much, so this broker adds it on the way out.
      const mq = center.mq;
      const refusing = gatewayOver({
        publishHalf: (topic, group, message, seconds) =>
          mq.publishHalf(topic, group, { ...message, properties: { pad: 'x'.repeat(17 * 1024) } }, seconds),
        commit: mq.commit.bind(mq),
        rollback: mq.rollback.bind(mq),
        consumeHalf: mq.consumeHalf.bind(mq),
      });
      const before = await rowCounts();
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const response = await refusing(
          signedRequest(center.systems[0]!, 'POST', '/v1/transactions', JSON.stringify(prepareBody(`refused-${n}`))),
          testContext(),
        );
        expect(response.statusCode).toBe(422);
        expect(response.headers?.['retry-after']).toBeUndefined();
        const { error } = JSON.parse(response.body);
        expect(error).toMatchObject({ code: 'TX_MESSAGE_REFUSED', details: { brokerCode: 'InvalidArgument' } });
        expect(response.body).not.toMatch(/127\.0\.0\.1|RequestId|[0-9A-F]{24}/);
      }
      expect(await rowCounts()).toEqual(before);
    });

    it('a broker that refuses the gateway itself (topic missing there) is a 500 without internals, leaving nothing behind', async () => {
      const strict = await startBroker({
        port: 0,
        dataDir: mkdtempSync(join(tmpdir(), 'txc-broker-')),
        autoCreate: false,
        minCheckImmunitySeconds: 1,
      });
      try {
        const before = await rowCounts();
        const response = await gatewayOver(testMqClient(strict.url))(
          signedRequest(center.systems[0]!, 'POST', '/v1/transactions', JSON.stringify(prepareBody(key()))),
          testContext(),
        );
        expect(response.statusCode).toBe(500);
        expect(JSON.parse(response.body).error).toMatchObject({ code: 'BROKER_REFUSED', details: { brokerCode: 'TopicNotExist' } });
        expect(response.body).not.toContain(strict.url.replace('http://', ''));
        expect(response.body).not.toMatch(/RequestId|[0-9A-F]{24}/);
        expect(await rowCounts()).toEqual(before);
      } finally {
        await strict.close();
      }
    });
  });
});

describe.skipIf(mysqlSkip !== undefined)('tx-gateway on MySQL', () => {
  it('refuses an envelope of exactly 64 KB with 413 (a TEXT column holds 65 535 bytes; the insert used to fail as a 503)', async () => {
    const database = await DATABASE_CASES[1].open();
    const broker = await startTestBroker();
    try {
      const fixed = { at: Date.UTC(2026, 0, 1), txId: 'tx-fixed-0123456789' };
      const app = createTxGatewayApp({
        coordinator: new TxCoordinator({
          store: new SqlTxStore(database.db as Kysely<TxTables>),
          broker: testMqClient(broker.url),
          catalog: catalog(),
          checkImmunitySeconds: 1,
          now: () => fixed.at,
          newTxId: () => fixed.txId,
        }),
        secretOf: () => 'fund-trading-secret-0123456789abcdef',
        logger: createLogger('test', 'silent'),
      });
      const system = { id: 'fund-trading', secret: 'fund-trading-secret-0123456789abcdef', checkbackUrl: 'http://127.0.0.1:9/' };
      const envelopeBytes = (payload: string) =>
        Buffer.byteLength(
          encodeEnvelope({
            v: 1,
            eventId: fixed.txId,
            source: system.id,
            businessKey: 'k-64k',
            ...FUND_TRADE,
            occurredAt: new Date(fixed.at).toISOString(),
            payload,
          }),
        );
      const payload = 'x'.repeat(64 * 1024 - envelopeBytes(''));
      expect(envelopeBytes(payload)).toBe(64 * 1024);
      const response = await app(
        signedRequest(system, 'POST', '/v1/transactions', JSON.stringify({ ...FUND_TRADE, businessKey: 'k-64k', payload })),
        testContext(),
      );
      expect(response.statusCode).toBe(413);
      expect(JSON.parse(response.body).error.code).toBe('PAYLOAD_TOO_LARGE');
      const oneLess = await app(
        signedRequest(
          system,
          'POST',
          '/v1/transactions',
          JSON.stringify({ ...FUND_TRADE, businessKey: 'k-64k', payload: payload.slice(1) }),
        ),
        testContext(),
      );
      expect(oneLess.statusCode).toBe(201);
    } finally {
      await broker.close();
      await database.close();
    }
  });
});
