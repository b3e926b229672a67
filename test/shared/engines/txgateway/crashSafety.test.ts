import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../../../shared/engines/catalog';
import { createLogger } from '../../../../shared/logger';
import { PUBLISH_CLAIM_STALE_MS, TxConflictError, TxCoordinator, TxNotFoundError } from '../../../../shared/engines/tx';
import type { TxTables } from '../../../../shared/engines/tx';
import type { TxBroker } from '../../../../shared/engines/tx/brokerDecision';
import { createTxGatewayApp } from '../../../../shared/engines/txgateway';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';
import type { TxCenterFixture } from '../../../helpers/txCenter';
import {
  drainUntilKey,
  FUND_TRADE,
  signedRequest,
  startTestBroker,
  startTxCenter,
  testContext,
  testMqClient,
} from '../../../helpers/txCenter';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);
let n = 0;
const key = () => `order-${Date.now()}-${++n}`;
const prepareBody = (businessKey: string, payload: unknown = { orderId: businessKey, amount: '1000.00' }) => ({
  ...FUND_TRADE,
  businessKey,
  payload,
});

/**
 * The gateway's crash-safety orderings (README "Crash safety"), on both stores: the MySQL store
 * batches writes of concurrent requests (group commit), and these must hold there as on SQLite.
 */
describe.each(DATABASE_CASES)('tx-gateway crash safety on $dialect', ({ dialect, open }) => {
  const skip = dialect === 'mysql' && mysqlSkip !== undefined;
  let center: TxCenterFixture;
  beforeAll(async () => {
    if (!skip) center = await startTxCenter(await open());
  });
  afterAll(async () => center?.close());
  const maybe = it.skipIf(skip);

  maybe('concurrent commit and rollback: exactly one wins, store and broker agree', async () => {
    const [fund] = center.systems;
    for (let round = 0; round < 5; round++) {
      const { json } = await center.call(fund!, 'POST', '/v1/transactions', prepareBody(key()));
      const [commit, rollback] = await Promise.all([
        center.call(fund!, 'POST', `/v1/transactions/${json.txId}/commit`),
        center.call(fund!, 'POST', `/v1/transactions/${json.txId}/rollback`),
      ]);
      const statuses = [commit.statusCode, rollback.statusCode].sort();
      expect(statuses).toEqual([200, 409]);
      const stored = await center.store.get(json.txId);
      expect(stored!.state).toBe(commit.statusCode === 200 ? 'COMMITTED' : 'ROLLED_BACK');
      expect(stored!.broker).toBe('DECISION_DELIVERED');
      const decisions = (await center.store.timeline(json.txId)).filter((e) => e.type === 'COMMITTED' || e.type === 'ROLLED_BACK');
      expect(decisions).toHaveLength(1);
    }
  });

  maybe("a decision after this instance's prepare reads nothing back; a decision stored meanwhile elsewhere still wins", async () => {
    const reads: string[] = [];
    const store = new Proxy(center.store, {
      get: (target, name) => {
        const value = Reflect.get(target, name) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (name === 'get' || name === 'findByBusinessKey') reads.push(String(name));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const coordinator = new TxCoordinator({ store, broker: center.mq, catalog: catalog(), checkImmunitySeconds: 1 });
    const [fund, companion] = center.systems;
    const decided = await coordinator.prepare(fund!.id, prepareBody(key()));
    const committed = await coordinator.decide(fund!.id, decided.tx.txId, 'COMMIT');
    expect(committed).toMatchObject({ tx: { state: 'COMMITTED', broker: 'DECISION_DELIVERED' }, delivery: 'done' });
    expect(reads).toEqual([]);
    expect((await center.store.get(decided.tx.txId))!.state).toBe('COMMITTED');

    // Rolled back meanwhile by another instance (check-back, the console): the remembered PREPARED is only a guess.
    const raced = await coordinator.prepare(fund!.id, prepareBody(key()));
    expect(await center.store.decide(raced.tx.txId, 'ROLLBACK', { actor: 'checkback', reason: 'checkback' }, Date.now())).toBe(true);
    await expect(coordinator.decide(fund!.id, raced.tx.txId, 'COMMIT')).rejects.toBeInstanceOf(TxConflictError);
    expect((await center.store.get(raced.tx.txId))!.state).toBe('ROLLED_BACK');

    // Another system's decision finds nothing, and leaves the owner's decision as it was.
    const owned = await coordinator.prepare(fund!.id, prepareBody(key()));
    await expect(coordinator.decide(companion!.id, owned.tx.txId, 'COMMIT')).rejects.toBeInstanceOf(TxNotFoundError);
    reads.length = 0;
    expect((await coordinator.decide(fund!.id, owned.tx.txId, 'ROLLBACK')).tx.state).toBe('ROLLED_BACK');
    expect(reads).toEqual([]);
    // A repeated decision reads the store: the same decision again is answered from it.
    expect((await coordinator.decide(fund!.id, owned.tx.txId, 'ROLLBACK')).delivery).toBe('done');
    expect(reads).toEqual(['get']);
  });

  maybe('broker down at prepare: 503 with Retry-After, nothing half-made, a retry starts a new transaction', async () => {
    const broker = await startTestBroker();
    const port = broker.port;
    const dataDir = broker.dataDir;
    await broker.close();
    const store = center.store;
    const app = createTxGatewayApp({
      coordinator: new TxCoordinator({
        store,
        broker: testMqClient(`http://127.0.0.1:${port}`),
        catalog: catalog(),
        checkImmunitySeconds: 1,
      }),
      secretOf: (id) => center.systems.find((s) => s.id === id)?.secret,
      logger: createLogger('test', 'silent'),
    });
    const body = JSON.stringify(prepareBody(key()));
    const down = await app(signedRequest(center.systems[0]!, 'POST', '/v1/transactions', body), testContext());
    expect(down.statusCode).toBe(503);
    expect(JSON.parse(down.body).error.code).toBe('BROKER_UNAVAILABLE');
    expect(down.body).not.toContain(String(port));
    expect(down.body).not.toMatch(/127\.0\.0\.1|RequestId/);
    expect(Number(down.headers!['retry-after'])).toBeGreaterThan(0);
    const { db } = center.database as { db: Kysely<TxTables> };
    const failed = await db.selectFrom('txc_tx').selectAll().where('business_key', '=', JSON.parse(body).businessKey).execute();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ state: 'ROLLED_BACK', broker: 'NOT_PUBLISHED', reason: 'publish-failed', active_business_key: null });

    const restarted = await startTestBroker(dataDir, port);
    try {
      const retry = await app(signedRequest(center.systems[0]!, 'POST', '/v1/transactions', body), testContext());
      expect(retry.statusCode).toBe(201);
      expect(JSON.parse(retry.body).txId).not.toBe(failed[0]!.tx_id);
    } finally {
      await restarted.close();
    }
  });

  maybe('broker down at commit: the decision is stored and answered 202 pending-checkback', async () => {
    const broker = await startTestBroker();
    const { port, dataDir } = broker;
    const coordinator = new TxCoordinator({
      store: center.store,
      broker: testMqClient(broker.url),
      catalog: catalog(),
      checkImmunitySeconds: 1,
    });
    const app = createTxGatewayApp({
      coordinator,
      secretOf: (id) => center.systems.find((s) => s.id === id)?.secret,
      logger: createLogger('test', 'silent'),
    });
    const fund = center.systems[0]!;
    const prepared = JSON.parse(
      (await app(signedRequest(fund, 'POST', '/v1/transactions', JSON.stringify(prepareBody(key()))), testContext())).body,
    );
    await broker.close();
    const committed = await app(signedRequest(fund, 'POST', `/v1/transactions/${prepared.txId}/commit`), testContext());
    expect(committed.statusCode).toBe(202);
    expect(JSON.parse(committed.body)).toMatchObject({ state: 'COMMITTED', delivery: 'pending-checkback' });
    const types = (await center.store.timeline(prepared.txId)).map((e) => e.type);
    expect(types).toEqual(['PREPARED', 'PUBLISHED', 'COMMITTED', 'BROKER_NOTIFY_FAILED']);
    // Restarting keeps the half message (durable): check-back will deliver it (see the check-back tests).
    const restarted = await startTestBroker(dataDir, port);
    await restarted.close();
  });

  maybe('gateway dies after storing PREPARED, before publishing: a retry waits, then takes the publish over exactly once', async () => {
    const fund = center.systems[0]!;
    const businessKey = key();
    const body = JSON.stringify(prepareBody(businessKey));
    const gateway = (broker: TxBroker, clockSkewMs = 0) =>
      createTxGatewayApp({
        coordinator: new TxCoordinator({
          store: center.store,
          broker,
          catalog: catalog(),
          checkImmunitySeconds: 1,
          now: () => Date.now() + clockSkewMs,
        }),
        secretOf: (id) => center.systems.find((s) => s.id === id)?.secret,
        logger: createLogger('test', 'silent'),
      });
    // The first instance "dies" inside publishHalf: the real client is never called and the call never
    // returns, so its row stays PREPARED / PUBLISH_PENDING and nothing reaches the broker.
    const mq = center.mq;
    const dying = gateway({
      publishHalf: () => new Promise(() => {}),
      commit: mq.commit.bind(mq),
      rollback: mq.rollback.bind(mq),
      consumeHalf: mq.consumeHalf.bind(mq),
    });
    void dying(signedRequest(fund, 'POST', '/v1/transactions', body), testContext());
    let orphan;
    for (let i = 0; i < 100 && !orphan; i += 1) {
      orphan = await center.store.findByBusinessKey(fund.id, businessKey);
      if (!orphan) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(orphan).toMatchObject({ state: 'PREPARED', broker: 'PUBLISH_PENDING' });

    // A retry while the claim is fresh could race the (maybe alive) first instance: 409, retry later.
    const early = await gateway(center.mq)(signedRequest(fund, 'POST', '/v1/transactions', body), testContext());
    expect(early.statusCode).toBe(409);
    expect(JSON.parse(early.body).error.code).toBe('TX_PREPARE_IN_PROGRESS');
    expect(Number(early.headers!['retry-after'])).toBeGreaterThan(0);

    // Once the claim is stale, two instances retry at once: one takes the publish over, the other waits.
    // The taker's publish is held until the other has answered, so the two overlap however the machine
    // schedules them (else, on a loaded machine, the second could start after the first was done: 200).
    let releasePublish!: () => void;
    const publishHeld = new Promise<void>((resolve) => (releasePublish = resolve));
    const heldMq: TxBroker = {
      publishHalf: async (...args) => {
        await publishHeld;
        return mq.publishHalf(...args);
      },
      commit: mq.commit.bind(mq),
      rollback: mq.rollback.bind(mq),
      consumeHalf: mq.consumeHalf.bind(mq),
    };
    const later = PUBLISH_CLAIM_STALE_MS + 1_000;
    const pending = [gateway(heldMq, later), gateway(heldMq, later)].map((app) =>
      app(signedRequest(fund, 'POST', '/v1/transactions', body), testContext()),
    );
    expect((await Promise.race(pending)).statusCode).toBe(409);
    releasePublish();
    const retries = await Promise.all(pending);
    expect(retries.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const takenOver = JSON.parse(retries.find((r) => r.statusCode === 200)!.body);
    expect(takenOver).toMatchObject({ txId: orphan!.txId, state: 'PREPARED', delivery: 'not-decided' });

    const committed = await center.call(fund, 'POST', `/v1/transactions/${orphan!.txId}/commit`);
    expect(committed.json).toMatchObject({ state: 'COMMITTED', delivery: 'done' });
    const delivered = (await drainUntilKey(center.mq, FUND_TRADE.topic, 'GID_TXC_DATACENTER_TRADE', orphan!.txId)).filter(
      (m) => m.key === orphan!.txId,
    );
    expect(delivered).toHaveLength(1);
  });
});
