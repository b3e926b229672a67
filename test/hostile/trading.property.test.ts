import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TradingSystem } from '../../examples/trading';
import { startTradingSystem } from '../../examples/trading';
import { createLogger } from '../../shared/logger';
import { createTxGatewayApp } from '../../shared/engines/txgateway';
import { tempDir } from '../local/runtime/fixtures';
import { DATABASE_CASES } from '../helpers/databases';
import { serveHttpApp } from '../helpers/httpAppServer';
import type { TxCenterFixture } from '../helpers/txCenter';
import { startTxCenter } from '../helpers/txCenter';
import { hostileJson, nastyString, percentEncode, propertyParameters } from './properties';

// Generated requests to the example trading system (as started by `start --no-demo`: no fault
// switches) in front of a real transaction center: examples are read as how to use the product, so
// they answer like production — below 500, typed refusals that change no wallet, order or purchase.

let center: TxCenterFixture;
let gateway: { url: string; close(): Promise<void> };
let trading: TradingSystem;

beforeAll(async () => {
  center = await startTxCenter(await DATABASE_CASES[0].open());
  gateway = await serveHttpApp(
    createTxGatewayApp({
      coordinator: center.coordinator,
      secretOf: (id) => center.systems.find((s) => s.id === id)?.secret,
      logger: createLogger('test', 'silent'),
    }),
  );
  const fund = center.systems[0]!;
  trading = await startTradingSystem({
    port: 0,
    databaseUrl: `sqlite:${join(tempDir('txc-trading-'), 'trading.db')}`,
    gatewayUrl: gateway.url,
    systemId: fund.id,
    secret: fund.secret,
    logger: createLogger('trading', 'silent'),
  });
  await trading.store.openWallet('C001', 1_000_000);
});
afterAll(async () => {
  await trading?.close();
  await gateway?.close();
  await center?.close();
});

async function snapshot(): Promise<unknown> {
  const db = trading.database.db;
  return {
    wallets: await db.selectFrom('trading_wallet').select(['customer_id', 'balance_fen']).orderBy('customer_id').execute(),
    orders: await db.selectFrom('trading_order').select('order_id').orderBy('order_id').execute(),
    purchases: await db.selectFrom('trading_purchase').select(['purchase_id', 'state']).orderBy('purchase_id').execute(),
  };
}

const amount = fc.oneof(fc.constantFrom('0', '0.00', '1.00', '0.01', '99999999999.99', '-1', '1.234', '1e3', ' 1'), nastyString(16));
const order = fc.record(
  {
    txId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), nastyString(80)),
    orderId: fc.oneof(fc.constant('DP1'), nastyString(80)),
    customerId: fc.oneof(fc.constantFrom('C001', 'NOBODY'), nastyString(80)),
    fundCode: fc.oneof(fc.constantFrom('110011', '000001'), nastyString(8)),
    amount,
    extra: hostileJson,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  order.map((o) => JSON.stringify(o)),
  hostileJson.map((v) => JSON.stringify(v) ?? ''),
  nastyString(100),
);
const path = fc.oneof(
  fc.constantFrom('/wallet-purchase', '/discount-purchase', '/txc/checkback', '/admin/faults', '/admin/faults/clear-slave', '/health'),
  nastyString(70).map((id) => `/purchases/${percentEncode(id)}`),
  nastyString(70).map((id) => `/wallets/${percentEncode(id)}`),
);

describe('Hostile input: example trading system (generated)', () => {
  it('answers every request below 500 with typed refusals that change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'), path, body, async (method, where, text) => {
        const before = await snapshot();
        const response = await fetch(`${trading.url}${where}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: method === 'GET' ? undefined : text,
        });
        const answer = (await response.json()) as { error?: { code: string; message: string } };
        expect(response.status, `${method} ${where}`).toBeLessThan(500);
        if (response.status >= 400) {
          expect(answer).toEqual({ error: { code: expect.stringMatching(/^[A-Z_]+$/), message: expect.stringMatching(/\S/) } });
          expect(await snapshot()).toEqual(before);
        }
      }),
      propertyParameters('trading example', 200),
    );
  });
});
