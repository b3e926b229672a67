import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TRADING_SYSTEM } from '../../examples/trading';
import type { Stack } from '../../local/demo/stack';
import { DEMO_TIMING } from '../../local/demo/timing';
import { catalog } from '../../shared/engines/catalog';
import { TxClient, TxClientError } from '../../shared/engines/client';
import { startTestStack, until } from './stackFixture';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const payload = (orderId: string) => ({ orderId, customerId: 'CRASH1', fundCode: '110011', amount: '12.00', feeRate: '0.0000' });

describe('E2E: a function process SIGKILLed while it holds work', () => {
  let stack: Stack;
  let client: TxClient;

  beforeAll(async () => {
    // Consumers time out after 10 s: the crashed run's lease on its message lasts until that deadline.
    stack = await startTestStack({ ...DEMO_TIMING, consumerTimeoutCapSeconds: 10 });
    client = new TxClient({
      baseUrl: stack.urls.gateway,
      systemId: LOCAL_TRADING_SYSTEM.id,
      secret: LOCAL_TRADING_SYSTEM.secret,
      timeoutMs: 30_000,
    });
    await client.prepare({
      topic: 'TXC_FUND_TRADE',
      tag: 'DISCOUNT_PURCHASE',
      businessKey: 'CRASH-WARMUP',
      payload: payload('CRASH-WARMUP'),
    });
  }, 240_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('answers the HTTP caller 502 FUNCTION_CRASHED (not a connection reset); the same request succeeds on the restarted process', async () => {
    // Hold the transaction center's database: the gateway's prepare reads the request, then waits
    // inside the handler for the write lock (SQLite's busy wait) — an invocation in flight.
    const lock = new Sqlite(join(stack.dataDir, 'txcenter.db'));
    lock.exec('BEGIN IMMEDIATE');
    let failure: unknown;
    try {
      const gatewayPid = stack.pids['tx-gateway']!;
      const held = client
        .prepare({ topic: 'TXC_FUND_TRADE', tag: 'DISCOUNT_PURCHASE', businessKey: 'CRASH-1', payload: payload('CRASH-1') })
        .catch((error: unknown) => error);
      await sleep(1_000); // the request reaches the handler (whenever it does, the kill below hits it in flight)
      process.kill(gatewayPid, 'SIGKILL');
      failure = await held;
    } finally {
      lock.exec('ROLLBACK');
      lock.close();
    }
    expect(failure).toBeInstanceOf(TxClientError);
    expect(failure).toMatchObject({ status: 502, code: 'FUNCTION_CRASHED', retryable: true });
    // The crashed invocation wrote nothing (it never got the lock); the caller's retry, which the
    // front holds until the new process is ready, creates the transaction once.
    const retried = await client.prepare({
      topic: 'TXC_FUND_TRADE',
      tag: 'DISCOUNT_PURCHASE',
      businessKey: 'CRASH-1',
      payload: payload('CRASH-1'),
    });
    expect(retried.state).toBe('PREPARED');
    expect(stack.functionStatus()['tx-gateway']).toMatchObject({ state: 'running', restarts: 1, lastExit: { signal: 'SIGKILL' } });
  }, 120_000);

  it('leaves an MQ batch in flight at the crash unacknowledged: the broker redelivers it and the fund is bought once', async () => {
    const orchestration = catalog()
      .mqTriggers()
      .find((trigger) => trigger.function === 'consumer-orchestration' && trigger.subscription.topic === 'TXC_FUND_TRADE')!;
    const inFlight = () =>
      stack.broker
        .state()
        .topics.filter((topic) => topic.topic === orchestration.subscription.topic)
        .flatMap((topic) => topic.groups)
        .find((group) => group.group === orchestration.subscription.id)?.inFlight ?? 0;
    // The trading system (the slave call's receiver) holds the consumer's first wallet-purchase call
    // until the consumer is dead, then fails it: only a redelivery can buy the fund.
    const store = stack.trading.store;
    const apply = store.applySlaveOrder.bind(store);
    let calls = 0;
    let reached: () => void = () => undefined;
    const consumerInHandler = new Promise<void>((resolve) => (reached = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    store.applySlaveOrder = async (...args) => {
      calls += 1;
      if (calls > 1) return apply(...args);
      reached();
      await released;
      throw new Error('the first call is cut off (its caller died)');
    };
    try {
      await store.openWallet('CRASH2', 0);
      const response = await fetch(`${stack.urls.trading}/discount-purchase`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: 'CRASH2', fundCode: '110011', amount: '15.00' }),
      });
      const answer = (await response.json()) as { txId?: string; outcome?: string };
      expect([response.status, answer.outcome]).toEqual([201, 'committed']);
      await consumerInHandler;
      expect(inFlight()).toBeGreaterThan(0);
      process.kill(stack.pids['consumer-orchestration']!, 'SIGKILL');
      release();

      const fundOrders = () =>
        stack.trading.database.db
          .selectFrom('trading_order')
          .select('tx_id')
          .where('tx_id', '=', answer.txId!)
          .where('kind', '=', 'FUND_PURCHASE')
          .execute();
      await until('the redelivered purchase', 90_000, async () => ((await fundOrders()).length > 0 ? true : undefined));
      expect(calls).toBeGreaterThan(1);
      expect(await fundOrders()).toHaveLength(1);
      expect(stack.functionStatus()['consumer-orchestration']).toMatchObject({ state: 'running', restarts: 1 });
    } finally {
      release();
      store.applySlaveOrder = apply;
    }
  }, 180_000);
});
