import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoReport } from '../../local/demo/runDemo';
import { runDemo } from '../../local/demo/runDemo';
import type { Stack } from '../../local/demo/stack';
import { judge } from '../../local/demo/verdict';
import { catalog } from '../../shared/engines/catalog';
import { openDatabase } from '../../shared/adapters/store/openDatabase';
import type { Database } from '../../shared/adapters/store/Database';
import { startTestStack } from './stackFixture';

const PURCHASES = 20;

describe('E2E: the discount-purchase demo on the whole local stack', () => {
  let stack: Stack;
  let report: DemoReport;
  let txcenter: Database;

  beforeAll(async () => {
    stack = await startTestStack();
    report = await runDemo(stack, { purchases: PURCHASES });
    txcenter = await openDatabase(stack.txcenterDatabaseUrl);
  }, 240_000);

  afterAll(async () => {
    await txcenter?.close();
    await stack?.close();
  });

  it('ends with a consistent verdict whose every check held', () => {
    expect(report.verdict.checks.map((c) => [c.name, c.ok])).toEqual([
      ['money in = money out', true],
      ['every transaction decided', true],
      ['main transaction ⇔ decision', true],
      ['slave effect exactly once', true],
      ['subscribers received what they should', true],
      ['fees exact', true],
      ['every purchase in a final state', true],
      ['no customer received blocked content', true],
      ['every approved touch-point sent exactly once', true],
    ]);
    expect(report.consistent).toBe(true);
  });

  it('reports each purchase exactly as the databases hold it', async () => {
    expect(report.purchases).toHaveLength(PURCHASES);
    const trading = stack.trading.database.db;
    for (const line of report.purchases) {
      const purchase = await trading
        .selectFrom('trading_purchase')
        .selectAll()
        .where('purchase_id', '=', line.purchaseId!)
        .executeTakeFirstOrThrow();
      expect(purchase.tx_id).toBe(line.txId);
      expect(purchase.state).toBe(line.tradingState);
      const tx = await txcenter.db.selectFrom('txc_tx').selectAll().where('tx_id', '=', line.txId!).executeTakeFirstOrThrow();
      expect(tx.state).toBe(line.txState);
      expect(tx.reason ?? undefined).toBe(line.decidedBy);
      const funds = await trading
        .selectFrom('trading_order')
        .selectAll()
        .where('tx_id', '=', line.txId!)
        .where('kind', '=', 'FUND_PURCHASE')
        .execute();
      expect(funds).toHaveLength(line.fundOrders);
    }
  });

  it('shows each fault ending the way the design says', () => {
    const byFault = (fault: string) => report.purchases.filter((p) => p.fault === fault);
    for (const p of byFault('none')) expect([p.txState, p.decidedBy, p.fundOrders]).toEqual(['COMMITTED', 'client', 1]);
    for (const p of byFault('fail-main'))
      expect([p.httpStatus, p.txState, p.fundOrders, p.tradingState]).toEqual([422, 'ROLLED_BACK', 0, 'MAIN_FAILED']);
    for (const p of [...byFault('drop-commit'), ...byFault('crash-after-main')])
      expect([p.txState, p.decidedBy, p.fundOrders]).toEqual(['COMMITTED', 'checkback', 1]);
    expect(byFault('crash-after-main').every((p) => p.httpStatus === 0)).toBe(true);
    const [dead] = byFault('slave-fail:always');
    expect(dead).toMatchObject({ txState: 'COMMITTED', deadLettered: true, replayed: true, fundOrders: 1 });
    expect(byFault('slave-fail:1')[0]).toMatchObject({ txState: 'COMMITTED', deadLettered: false, fundOrders: 1 });
    expect(byFault('slave-refuse:fund-closed')).toEqual([
      expect.objectContaining({ txState: 'COMMITTED', deadLettered: false, fundOrders: 0, tradingState: 'FUND_PURCHASE_REFUSED' }),
    ]);
    for (const p of report.purchases.filter((p) => p.txState === 'COMMITTED' && p.fault !== 'slave-refuse:fund-closed'))
      expect(p.tradingState).toBe('FUND_PURCHASED');
    expect(new Set(report.purchases.map((p) => p.fault))).toEqual(
      new Set(['none', 'fail-main', 'drop-commit', 'crash-after-main', 'slave-fail:1', 'slave-fail:always', 'slave-refuse:fund-closed']),
    );
  });

  it('dead-letters the always-failing slave call once, alerts once, and replays it to one effect', async () => {
    expect(report.deadLetters).toHaveLength(1);
    expect(report.deadLetters[0]).toMatchObject({ group: 'GID_TXC_ORCH_TRADE', status: 'REPLAYED', attempts: 3 });
    const deadLetterAlerts = report.alerts.filter((a) => JSON.stringify(a.body).includes('Dead letter'));
    expect(deadLetterAlerts).toHaveLength(1);
    const dead = report.purchases.find((p) => p.fault === 'slave-fail:always')!;
    const effects = await txcenter.db.selectFrom('txc_slave_purchase').selectAll().where('tx_id', '=', dead.txId!).execute();
    expect(effects).toHaveLength(1);
  });

  it('tells which subscriber received what, matching the consumption records', async () => {
    for (const [group, summary] of Object.entries(report.subscribers)) {
      const txIds = [...report.purchases.map((p) => p.txId!), ...report.companionEvents.map((e) => e.txId)];
      const rows = await txcenter.db
        .selectFrom('txc_consume_barrier')
        .select(['status', 'tag'])
        .where('group_id', '=', group)
        .where((eb) => eb.or([eb('event_id', 'in', txIds), eb('dedup_key', 'in', txIds)]))
        .execute();
      expect(summary.completed, group).toBe(rows.filter((r) => r.status === 'COMPLETED').length);
    }
    const committedPurchases = report.purchases.filter((p) => p.txState === 'COMMITTED').length;
    expect(report.subscribers.GID_TXC_ORCH_TRADE!.completed).toBe(committedPurchases);
    expect(report.subscribers.GID_TXC_DATACENTER_TRADE!.completed).toBe(committedPurchases);
    expect(report.subscribers.GID_TXC_OPS!.byTag).toEqual({ OPERATIONS: 2 });
    // Journey steps: the platform's 投前 and 投后 events, and one 投中 → 投后 step per purchase bought (published by the consumer).
    const bought = report.purchases.filter((p) => p.tradingState === 'FUND_PURCHASED').length;
    expect(report.subscribers.GID_TXC_COMPLIANCE!.byTag).toEqual({ OPERATIONS: 2, ORCHESTRATION: 2 + bought });
    expect(report.subscribers.GID_TXC_CS!.byTag).toEqual({ CUSTOMER_SERVICE: 3 });
    for (const event of report.companionEvents) expect([...event.consumedBy].sort()).toEqual([...event.expectedGroups].sort());
    expect(report.reconcile.clean).toBe(true);
  });

  it('sends the compliant touch-point and the refusal notice once each, never the blocked one', () => {
    expect(report.touchpoints.map((t) => [t.customerId, t.channel, t.kind, t.status]).sort()).toEqual([
      ['C10001', 'app', 'MARKETING', 'SENT'],
      ['C10003', 'sms', 'MARKETING', 'BLOCKED'],
      // The refused purchase's notice: a transaction notice, sent whatever the hour.
      ['C10003', 'sms', 'TRANSACTION_NOTICE', 'SENT'],
    ]);
    expect(report.received.map((r) => [r.customerId, r.channel]).sort()).toEqual([
      ['C10001', 'app'],
      ['C10003', 'sms'],
    ]);
    expect(report.alerts.filter((a) => JSON.stringify(a.body).includes('Compliance blocked'))).toHaveLength(1);
  });

  it('has a verdict that notices drift: a wallet changed behind the system is inconsistent', async () => {
    const trading = stack.trading.database.db;
    const [wallet] = await trading.selectFrom('trading_wallet').selectAll().limit(1).execute();
    await trading
      .updateTable('trading_wallet')
      .set({ balance_fen: Number(wallet!.balance_fen) + 1 })
      .where('customer_id', '=', wallet!.customer_id)
      .execute();
    try {
      const verdict = await judge(trading, txcenter.db, catalog(), {
        purchaseIds: report.purchases.map((p) => p.purchaseId!),
        companionTxIds: report.companionEvents.map((e) => e.txId),
        touchpointsSince: Date.parse(report.startedAt),
        received: report.received,
      });
      expect(verdict.consistent).toBe(false);
      expect(verdict.checks.find((c) => !c.ok)?.name).toBe('money in = money out');
    } finally {
      await trading
        .updateTable('trading_wallet')
        .set({ balance_fen: wallet!.balance_fen })
        .where('customer_id', '=', wallet!.customer_id)
        .execute();
    }
  });

  it('has a verdict that notices a fee off by one fen and a committed purchase left without its final state', async () => {
    const trading = stack.trading.database.db;
    const bought = report.purchases.find((p) => p.tradingState === 'FUND_PURCHASED' && p.fee && p.fee.fee !== '0.00')!;
    const scope = {
      purchaseIds: report.purchases.map((p) => p.purchaseId!),
      companionTxIds: report.companionEvents.map((e) => e.txId),
      touchpointsSince: Date.parse(report.startedAt),
      received: report.received,
      followUps: true,
    };
    const purchase = await trading
      .selectFrom('trading_purchase')
      .selectAll()
      .where('purchase_id', '=', bought.purchaseId!)
      .executeTakeFirstOrThrow();
    await trading
      .updateTable('trading_purchase')
      .set({ fee_fen: Number(purchase.fee_fen) + 1, state: 'COMMITTED' })
      .where('purchase_id', '=', bought.purchaseId!)
      .execute();
    try {
      const verdict = await judge(trading, txcenter.db, catalog(), scope);
      expect(verdict.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['fees exact', 'every purchase in a final state']);
      expect(verdict.checks.find((c) => c.name === 'fees exact')?.detail).toContain(bought.purchaseId);
    } finally {
      await trading
        .updateTable('trading_purchase')
        .set({ fee_fen: purchase.fee_fen, state: purchase.state })
        .where('purchase_id', '=', bought.purchaseId!)
        .execute();
    }
    expect((await judge(trading, txcenter.db, catalog(), scope)).consistent).toBe(true);
  });
});
