import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessSystems } from '../../../../shared/engines/auth';
import { CATALOG_DATA, loadCatalog } from '../../../../shared/engines/catalog';
import type { CatalogInput } from '../../../../shared/engines/catalog';
import { checkbackHandler, createCheckbackEndpoint, ensureBarrierTable, insertCommitBarrier } from '../../../../shared/engines/client';
import { createLogger } from '../../../../shared/logger';
import { TxCoordinator } from '../../../../shared/engines/tx';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';
import { serveCheckback } from '../../../helpers/checkbackServer';
import type { TxCenterFixture } from '../../../helpers/txCenter';
import { ManualClock } from '../../../helpers/ManualClock';
import type { RunningBroker } from '../../../../local/broker';
import {
  drainVisible,
  FUND_TRADE,
  startTestBroker,
  startTxCenter,
  TEST_CHECK_IMMUNITY_SECONDS,
  TEST_HALF_RECHECK_SECONDS,
  testContext,
} from '../../../helpers/txCenter';

const sqlite = DATABASE_CASES[0];
const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

// The business system stays on SQLite; the transaction center's store runs on both dialects.
describe.each(DATABASE_CASES)('check-back, center store on $dialect', ({ dialect, open }) => {
  const skip = dialect === 'mysql' && mysqlSkip !== undefined;
  let center: TxCenterFixture;
  let business: Awaited<ReturnType<typeof sqlite.open>>;
  let endpoint: Awaited<ReturnType<typeof serveCheckback>>;
  // The broker's check immunity and recheck interval pass when a test advances this clock, not by
  // sleeping. It starts at the real time: the broker refuses SDK requests dated 15 minutes off.
  const clock = new ManualClock(Date.now());
  let broker: RunningBroker;
  /** What the business endpoint answers for a txId when it is not barrier-backed. */
  const forced = new Map<string, 'UNKNOWN'>();
  let n = 0;
  const key = () => `order-${Date.now()}-${++n}`;

  beforeAll(async () => {
    if (skip) return;
    business = await sqlite.open();
    await ensureBarrierTable(business.db);
    const fundTrading = { id: 'fund-trading', secret: 'fund-trading-secret-0123456789abcdef' };
    const decide = checkbackHandler(business.db);
    const respond = createCheckbackEndpoint({
      systemId: fundTrading.id,
      secret: fundTrading.secret,
      decide: async (txId) => forced.get(txId) ?? decide(txId),
    });
    endpoint = await serveCheckback(respond);
    broker = await startTestBroker(undefined, 0, { clock });
    center = await startTxCenter(await open(), { checkbackBase: endpoint.url, broker });
  });
  afterAll(async () => {
    await center?.close();
    await broker?.close();
    await endpoint?.close();
    await business?.close();
  });

  /** Moves the broker past the check immunity, so it offers the half messages for a check. */
  const pastImmunity = () => clock.advance(TEST_CHECK_IMMUNITY_SECONDS * 1000);
  const prepare = (businessKey = key()) =>
    center.coordinator.prepare('fund-trading', { ...FUND_TRADE, businessKey, payload: { orderId: businessKey } });
  const delivered = async (txId: string, group = 'GID_TXC_ORCH_TRADE') =>
    (await drainVisible(center.mq, FUND_TRADE.topic, group)).filter((m) => m.key === txId);

  describe.skipIf(skip)('Class: CheckbackRunner', () => {
    it('commit lost on the wire: commits from the stored decision', async () => {
      const { tx } = await prepare();
      await center.store.decide(tx.txId, 'COMMIT', { actor: 'fund-trading', reason: 'client' }, Date.now());
      pastImmunity();
      const report = await center.checkback().run(testContext(10_000));
      expect(report.fromStore).toBeGreaterThanOrEqual(1);
      expect((await center.store.get(tx.txId))!.broker).toBe('DECISION_DELIVERED');
      expect(await delivered(tx.txId)).toHaveLength(1);
      expect(endpoint.calls.some((c) => c.body.includes(tx.txId))).toBe(false);
    });

    it('crash after the local commit, before commit: the barrier answers COMMIT', async () => {
      const { tx } = await prepare();
      await business.db.transaction().execute((trx) => insertCommitBarrier(trx, tx.txId, Date.now()));
      pastImmunity();
      const report = await center.checkback().run(testContext(10_000));
      expect(report.byBusinessSystem).toBeGreaterThanOrEqual(1);
      const stored = (await center.store.get(tx.txId))!;
      expect(stored).toMatchObject({ state: 'COMMITTED', reason: 'checkback', broker: 'DECISION_DELIVERED', checkCount: 1 });
      expect(await delivered(tx.txId)).toHaveLength(1);
      const call = endpoint.calls.find((c) => c.body.includes(tx.txId))!;
      expect(call.headers['x-txc-signature']).toMatch(/^[0-9a-f]{64}$/);
    });

    it('crash before the local transaction: the barrier answers ROLLBACK and blocks a late local commit', async () => {
      const { tx } = await prepare();
      pastImmunity();
      await center.checkback().run(testContext(10_000));
      expect((await center.store.get(tx.txId))!).toMatchObject({ state: 'ROLLED_BACK', reason: 'checkback', broker: 'DECISION_DELIVERED' });
      await expect(business.db.transaction().execute((trx) => insertCommitBarrier(trx, tx.txId, Date.now()))).rejects.toThrow();
      expect(await delivered(tx.txId, 'GID_TXC_DATACENTER_TRADE')).toEqual([]);
    });

    it('business system answers UNKNOWN forever: policy rolls back after maxChecks and raises an alert', async () => {
      const data = structuredClone(CATALOG_DATA) as CatalogInput & {
        topics: { name: string; tags: { name: string; maxChecks?: number }[] }[];
      };
      data.topics.find((t) => t.name === FUND_TRADE.topic)!.tags[0]!.maxChecks = 2;
      const strict = loadCatalog(data);
      const coordinator = new TxCoordinator({
        store: center.store,
        broker: center.mq,
        catalog: strict,
        checkImmunitySeconds: TEST_CHECK_IMMUNITY_SECONDS,
      });
      const { tx } = await coordinator.prepare('fund-trading', { ...FUND_TRADE, businessKey: key(), payload: {} });
      forced.set(tx.txId, 'UNKNOWN');
      pastImmunity();
      const runner = center.checkback({ catalog: strict });
      for (let attempt = 0; attempt < 8 && (await center.store.get(tx.txId))!.state === 'PREPARED'; attempt++) {
        await runner.run(testContext(10_000));
        clock.advance(TEST_HALF_RECHECK_SECONDS * 1000); // the broker offers it again
      }
      const stored = (await center.store.get(tx.txId))!;
      expect(stored).toMatchObject({ state: 'ROLLED_BACK', reason: 'undecided-policy', checkCount: 2 });
      const checks = (await center.store.timeline(tx.txId)).filter((e) => e.type === 'CHECK');
      expect(checks.map((c) => c.detail?.answer)).toEqual(['UNKNOWN', 'UNKNOWN']);
      const alert = center.alerts.alerts.find((a) => a.kind === 'tx-undecided-policy' && a.details?.txId === tx.txId);
      expect(alert).toMatchObject({ severity: 'critical' });
      expect(await delivered(tx.txId, 'GID_TXC_DATACENTER_TRADE')).toEqual([]);
    });

    it('an unreachable business system is UNKNOWN, never a guess', async () => {
      const { tx } = await prepare();
      pastImmunity();
      const unreachable = new BusinessSystems([
        { id: 'fund-trading', secret: 'fund-trading-secret-0123456789abcdef', checkbackUrl: 'http://127.0.0.1:9/none' },
      ]);
      const report = await center.checkback({ systems: unreachable }).run(testContext(10_000));
      expect(report.undecided).toBeGreaterThanOrEqual(1);
      const stored = (await center.store.get(tx.txId))!;
      expect(stored.state).toBe('PREPARED');
      const [check] = (await center.store.timeline(tx.txId)).filter((e) => e.type === 'CHECK');
      expect(check!.detail).toMatchObject({ answer: 'UNKNOWN', detail: expect.stringMatching(/^unreachable/) });
    });

    it('a half message without a stored transaction is rolled back with an alert', async () => {
      await center.mq.publishHalf(FUND_TRADE.topic, 'GID_TXC_CHECKBACK', { body: '{}', tag: FUND_TRADE.tag, key: 'foreign-1' }, 1);
      clock.advance(1_000); // its 1 s check immunity
      const report = await center.checkback().run(testContext(10_000));
      expect(report.orphans).toBeGreaterThanOrEqual(1);
      expect(center.alerts.alerts.some((a) => a.kind === 'tx-orphan-half-message' && a.details?.key === 'foreign-1')).toBe(true);
      expect(await delivered('foreign-1', 'GID_TXC_DATACENTER_TRADE')).toEqual([]);
    });

    it('stops pulling when the invocation has less than the safety margin left', async () => {
      await prepare();
      pastImmunity();
      const report = await center.checkback({ logger: createLogger('test', 'silent') }).run(testContext(100));
      expect(report.examined).toBe(0);
    });
  });
});
