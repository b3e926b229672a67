import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createScratchMysqlDatabase } from '../../../local/scratchMysqlDatabase';
import { fenToYuan } from '../../../shared/engines/events/discountPurchase';
import type { TradingSystem } from '../../../examples/trading';
import { ORDER_KINDS, startTradingSystem } from '../../../examples/trading';
import { tempDir } from '../../local/runtime/fixtures';
import { createTxGatewayApp } from '../../../shared/engines/txgateway';
import { createLogger } from '../../../shared/logger';
import { serveHttpApp } from '../../helpers/httpAppServer';
import { DATABASE_CASES, MYSQL_TEST_URL, mysqlUnavailableReason } from '../../helpers/databases';
import { startTxCenter } from '../../helpers/txCenter';

const SECRET = 'test-trading-secret-0123456789abcdef';

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('Example: trading system endpoints without a transaction center', () => {
  let trading: TradingSystem;

  beforeEach(async () => {
    trading = await startTradingSystem({
      port: 0,
      databaseUrl: `sqlite:${join(tempDir('txc-trading-'), 'trading.db')}`,
      // Nothing listens here: every call to the center fails.
      gatewayUrl: 'http://127.0.0.1:9',
      systemId: 'fund-trading',
      secret: SECRET,
      faultInjection: true,
    });
    await trading.store.openWallet('C001', 50_000);
  });

  afterEach(async () => {
    await trading.close();
  });

  const order = { txId: 'tx-1', orderId: 'DP1', customerId: 'C001', fundCode: '110011', amount: '300.00' };

  it('buys the target fund from the wallet once per txId', async () => {
    const first = await post(`${trading.url}/wallet-purchase`, order);
    expect(first).toMatchObject({ status: 201, body: { applied: true, balanceFen: 20_000 } });
    const repeat = await post(`${trading.url}/wallet-purchase`, order);
    expect(repeat).toMatchObject({ status: 200, body: { applied: false, orderId: first.body.orderId } });
    const rows = await trading.database.db.selectFrom('trading_order').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tx_id: 'tx-1', kind: ORDER_KINDS.fundPurchase, fund_code: '110011' });
    expect(Number(rows[0]!.amount_fen)).toBe(30_000);
    expect(Number((await trading.store.wallet('C001'))!.balance_fen)).toBe(20_000);
  });

  it('charges the fund order the subscription fee of its fund: 1折 of 1.50% on ¥300.00 is ¥0.45, 0折 is nothing', async () => {
    expect((await post(`${trading.url}/wallet-purchase`, { ...order, fundCode: '519674' })).status).toBe(201);
    expect((await post(`${trading.url}/wallet-purchase`, { ...order, txId: 'tx-2', orderId: 'DP2', amount: '100.00' })).status).toBe(201);
    const fees = await trading.database.db
      .selectFrom('trading_order')
      .select(['tx_id', 'amount_fen', 'fee_fen'])
      .orderBy('tx_id')
      .execute();
    expect(fees.map((f) => [f.tx_id, Number(f.amount_fen), Number(f.fee_fen)])).toEqual([
      ['tx-1', 30_000, 45], // 30 000 × 0.0015 / 1.0015 = 44.93…
      ['tx-2', 10_000, 0],
    ]);
  });

  it('answers a permanent 409 for an insufficient balance (a refusal) and for a reused txId with other details (not one)', async () => {
    const poor = await post(`${trading.url}/wallet-purchase`, { ...order, amount: '600.00' });
    expect(poor).toMatchObject({ status: 409, body: { error: { code: 'INSUFFICIENT_BALANCE', refused: true } } });
    await post(`${trading.url}/wallet-purchase`, order);
    const mismatch = await post(`${trading.url}/wallet-purchase`, { ...order, amount: '1.00' });
    expect(mismatch).toMatchObject({ status: 409, body: { error: { code: 'SLAVE_ORDER_MISMATCH' } } });
    expect(mismatch.body.error.refused).toBeUndefined();
    expect(Number((await trading.store.wallet('C001'))!.balance_fen)).toBe(20_000);
  });

  it('fails slave calls N times, or always until cleared, with a transient 503', async () => {
    const put = await fetch(`${trading.url}/admin/faults`, { method: 'PUT', body: JSON.stringify({ slaveFailTimes: 2 }) });
    expect(put.status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(`${trading.url}/wallet-purchase`, order)).status);
    expect(statuses).toEqual([503, 503, 201]);
    await fetch(`${trading.url}/admin/faults`, { method: 'PUT', body: JSON.stringify({ slaveFailAlways: true }) });
    const other = { ...order, txId: 'tx-2', orderId: 'DP2', amount: '1.00' };
    for (let i = 0; i < 3; i++) expect((await post(`${trading.url}/wallet-purchase`, other)).status).toBe(503);
    await fetch(`${trading.url}/admin/faults/clear-slave`, { method: 'POST' });
    expect((await post(`${trading.url}/wallet-purchase`, other)).status).toBe(201);
  });

  it('validates every input with a typed 400', async () => {
    expect(await post(`${trading.url}/wallet-purchase`, 'not json')).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
    const bad = await post(`${trading.url}/wallet-purchase`, { ...order, amount: '1.234', fundCode: '11' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/amount/);
    expect(bad.body.error.message).toMatch(/fundCode/);
    expect((await post(`${trading.url}/discount-purchase`, { customerId: 'C001', fundCode: '110011', amount: '0.00' })).status).toBe(400);
    expect(
      (
        await post(
          `${trading.url}/discount-purchase`,
          { customerId: 'C001', fundCode: '110011', amount: '1.00' },
          { 'x-demo-fault': 'explode' },
        )
      ).status,
    ).toBe(400);
    const unknownRefusal = await post(
      `${trading.url}/discount-purchase`,
      { customerId: 'C001', fundCode: '110011', amount: '1.00' },
      { 'x-demo-fault': 'slave-refuse:market-on-fire' },
    );
    expect(unknownRefusal).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining('slave-refuse:market-on-fire') } },
    });
    expect((await fetch(`${trading.url}/nowhere`)).status).toBe(404);
  });

  it('validates like production: a zero amount is a 400, a customer without a wallet a 404, and neither writes an order', async () => {
    for (const amount of ['0', '0.00', '0.0']) {
      const zero = await post(`${trading.url}/wallet-purchase`, { ...order, customerId: 'NOBODY', amount });
      expect(zero).toMatchObject({
        status: 400,
        body: { error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('amount must be positive') } },
      });
    }
    const walletless = await post(`${trading.url}/wallet-purchase`, { ...order, customerId: 'NOBODY', amount: '1.00' });
    expect(walletless).toMatchObject({ status: 404, body: { error: { code: 'WALLET_NOT_FOUND' } } });
    expect(await trading.database.db.selectFrom('trading_order').selectAll().execute()).toEqual([]);
  });

  it('answers 503 when the transaction center cannot prepare, leaving the wallet untouched', async () => {
    const response = await post(`${trading.url}/discount-purchase`, { customerId: 'C001', fundCode: '110011', amount: '100.00' });
    expect(response).toMatchObject({
      status: 503,
      body: { error: { code: 'TX_CENTER_UNAVAILABLE', message: expect.stringContaining('GATEWAY_UNREACHABLE') } },
    });
    expect(JSON.stringify(response.body)).not.toContain('127.0.0.1');
    const [purchase] = await trading.database.db.selectFrom('trading_purchase').selectAll().execute();
    expect(purchase).toMatchObject({ state: 'PREPARE_FAILED', tx_id: null });
    expect(Number((await trading.store.wallet('C001'))!.balance_fen)).toBe(50_000);
  });

  it('refuses unsigned check-back calls', async () => {
    const response = await post(`${trading.url}/txc/checkback`, {
      txId: 'tx-1',
      businessKey: 'DP1',
      topic: 'TXC_FUND_TRADE',
      tag: 'DISCOUNT_PURCHASE',
      check: 1,
    });
    expect(response.status).toBe(401);
  });
});

describe('Example: trading system without fault injection (start --no-demo)', () => {
  it('has no /admin/faults routes', async () => {
    const trading = await startTradingSystem({
      port: 0,
      databaseUrl: `sqlite:${join(tempDir('txc-trading-'), 'trading.db')}`,
      gatewayUrl: 'http://127.0.0.1:9',
      systemId: 'fund-trading',
      secret: SECRET,
      faultInjection: false,
    });
    try {
      await trading.store.openWallet('C001', 50_000);
      for (const [method, path] of [
        ['PUT', '/admin/faults'],
        ['GET', '/admin/faults'],
        ['POST', '/admin/faults/clear-slave'],
      ] as const) {
        const response = await fetch(`${trading.url}${path}`, {
          method,
          body: method === 'GET' ? undefined : JSON.stringify({ slaveFailAlways: true }),
        });
        expect(response.status).toBe(404);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      }
      const order = { txId: 'tx-9', orderId: 'DP9', customerId: 'C001', fundCode: '110011', amount: '1.00' };
      expect((await post(`${trading.url}/wallet-purchase`, order)).status).toBe(201);
    } finally {
      await trading.close();
    }
  });
});

describe('Example: trading system against a transaction center that refuses its prepare', () => {
  it('answers a permanent 422 TX_CENTER_REFUSED (not a "retry later" 503) and leaves the wallet untouched', async () => {
    const center = await startTxCenter(await DATABASE_CASES[0].open());
    // The center knows fund-trading under another secret: every prepare is refused with 401 for good.
    const gateway = await serveHttpApp(
      createTxGatewayApp({
        coordinator: center.coordinator,
        secretOf: () => 'another-secret-0123456789abcdefghij',
        logger: createLogger('test', 'silent'),
      }),
    );
    const trading = await startTradingSystem({
      port: 0,
      databaseUrl: `sqlite:${join(tempDir('txc-trading-'), 'trading.db')}`,
      gatewayUrl: gateway.url,
      systemId: 'fund-trading',
      secret: SECRET,
    });
    try {
      await trading.store.openWallet('C001', 50_000);
      const response = await post(`${trading.url}/discount-purchase`, { customerId: 'C001', fundCode: '110011', amount: '100.00' });
      expect(response).toMatchObject({
        status: 422,
        body: { error: { code: 'TX_CENTER_REFUSED', message: expect.stringContaining('UNAUTHENTICATED') } },
      });
      expect(Number((await trading.store.wallet('C001'))!.balance_fen)).toBe(50_000);
    } finally {
      await trading.close();
      await gateway.close();
      await center.close();
    }
  });
});

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

describe.each(['sqlite', 'mysql'] as const)(
  'Example: the slave purchase final states (FUND_PURCHASED | FUND_PURCHASE_REFUSED) on %s',
  (dialect) => {
    const skip = dialect === 'mysql' && mysqlSkip !== undefined;
    let trading: TradingSystem;
    let scratch: { url: string; drop(): Promise<void> } | undefined;

    beforeAll(async () => {
      if (skip) return;
      scratch = dialect === 'mysql' ? await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_t') : undefined;
      trading = await startTradingSystem({
        port: 0,
        databaseUrl: scratch?.url ?? `sqlite:${join(tempDir('txc-trading-'), 'trading.db')}`,
        gatewayUrl: 'http://127.0.0.1:9',
        systemId: 'fund-trading',
        secret: SECRET,
        faultInjection: true,
      });
    });
    afterAll(async () => {
      await trading?.close();
      await scratch?.drop();
    });

    /** A purchase whose main transaction is done (wallet topped up), as the slave call finds it. */
    async function committedPurchase(purchaseId: string, customerId: string, amountFen: number, fundCode = '110011') {
      await trading.store.openWallet(customerId, 0);
      const fee = { standardRate: '0.0150', discount: '0', feeRate: '0', feeFen: 0, netFen: amountFen, standardFeeFen: 0 };
      await trading.store.insertPurchase({ purchaseId, customerId, fundCode, amountFen, fee });
      const db = trading.database.db;
      await trading.store.topUpWallet(db, `tx-${purchaseId}`, { purchaseId, customerId, fundCode, amountFen, fee });
      await trading.store.setPurchaseState(db, purchaseId, 'MAIN_DONE', ['REQUESTED'], { txId: `tx-${purchaseId}` });
      return { txId: `tx-${purchaseId}`, orderId: purchaseId, customerId, fundCode, amount: fenToYuan(amountFen) };
    }
    const balance = async (customerId: string) => Number((await trading.store.wallet(customerId))!.balance_fen);

    it.skipIf(skip)(
      'refuses for good (fund closed), records FUND_PURCHASE_REFUSED with the reason, debits nothing and answers every repeat the same',
      async () => {
        const order = await committedPurchase(`DPR1${dialect}`, `CR1-${dialect}`, 50_000);
        trading.faults.setForPurchase(order.orderId, { slaveRefusal: 'FUND_CLOSED' });
        const refused = await post(`${trading.url}/wallet-purchase`, order);
        expect(refused).toMatchObject({ status: 409, body: { error: { code: 'FUND_CLOSED', refused: true } } });
        expect(await trading.store.purchase(order.orderId)).toMatchObject({
          state: 'FUND_PURCHASE_REFUSED',
          refusal_code: 'FUND_CLOSED',
          error: expect.stringContaining('closed to subscriptions'),
        });
        expect(await balance(order.customerId)).toBe(50_000);
        // The fund reopens: the refusal was final, the repeat (a redelivery) answers the same.
        trading.faults.setForPurchase(order.orderId, { slaveRefusal: undefined });
        expect(await post(`${trading.url}/wallet-purchase`, order)).toMatchObject({
          status: 409,
          body: { error: { code: 'FUND_CLOSED', refused: true } },
        });
        expect(await balance(order.customerId)).toBe(50_000);
        expect(
          await trading.database.db
            .selectFrom('trading_order')
            .selectAll()
            .where('tx_id', '=', order.txId)
            .where('kind', '=', 'FUND_PURCHASE')
            .execute(),
        ).toEqual([]);
      },
    );

    it.skipIf(skip)(
      'refuses by the rules: above the fund limit (LIMIT_EXCEEDED) and more than the wallet holds (INSUFFICIENT_BALANCE)',
      async () => {
        const big = await committedPurchase(`DPR2${dialect}`, `CR2-${dialect}`, 10_000_000_01, '519674');
        expect(await post(`${trading.url}/wallet-purchase`, big)).toMatchObject({
          status: 409,
          body: { error: { code: 'LIMIT_EXCEEDED', refused: true } },
        });
        const poor = await committedPurchase(`DPR3${dialect}`, `CR3-${dialect}`, 1_000);
        await trading.database.db
          .updateTable('trading_wallet')
          .set({ balance_fen: 999 })
          .where('customer_id', '=', poor.customerId)
          .execute();
        expect(await post(`${trading.url}/wallet-purchase`, poor)).toMatchObject({
          status: 409,
          body: { error: { code: 'INSUFFICIENT_BALANCE', refused: true } },
        });
        expect((await trading.store.purchase(poor.orderId))?.state).toBe('FUND_PURCHASE_REFUSED');
        expect(await balance(poor.customerId)).toBe(999);
      },
    );

    it.skipIf(skip)('never refuses a purchase already bought: FUND_PURCHASED is final too', async () => {
      const order = await committedPurchase(`DPR4${dialect}`, `CR4-${dialect}`, 2_000);
      expect((await post(`${trading.url}/wallet-purchase`, order)).status).toBe(201);
      trading.faults.setForPurchase(order.orderId, { slaveRefusal: 'INSUFFICIENT_BALANCE' });
      expect(await post(`${trading.url}/wallet-purchase`, order)).toMatchObject({ status: 200, body: { applied: false } });
      expect(await trading.store.purchase(order.orderId)).toMatchObject({ state: 'FUND_PURCHASED', refusal_code: null });
    });
  },
);
