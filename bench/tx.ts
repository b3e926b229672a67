/**
 * `txcenter bench tx`: prepare + commit round trips through tx-gateway's neutral HTTP app (in this
 * process, signed requests) against the local broker (a child process, real SDK over HTTP). One
 * transaction = POST /v1/transactions then POST /v1/transactions/{id}/commit. N concurrent callers per
 * run; prints transactions/s, p50/p99 latency of the pair and CPU per transaction. The store is SQLite
 * (WAL) by default, a scratch database on a MySQL server with `--mysql URL`, or both with
 * `--compare-mysql URL`: each concurrency level then runs on SQLite and right after on MySQL, and the
 * MySQL/SQLite ratios are printed (ratios from one run hold across machines; absolute figures do not).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET } from '../local/broker/index';
import { createScratchMysqlDatabase } from '../local/scratchMysqlDatabase';
import { signRequest } from '../shared/engines/auth';
import { catalog } from '../shared/engines/catalog';
import type { HttpRequest } from '../shared/engines/invocation/InvocationContext';
import { contextWithDeadline } from '../shared/engines/invocation/InvocationContext';
import { createLogger } from '../shared/logger';
import { MqClient } from '../shared/adapters/mq';
import { openDatabase } from '../shared/adapters/store/openDatabase';
import type { TxTables } from '../shared/engines/tx';
import { SqlTxStore, TxCoordinator } from '../shared/engines/tx';
import { createTxGatewayApp } from '../shared/engines/txgateway';
import { startBrokerChild, stopChild } from './childProcesses';
import { localMysqlServerPid, ownCpuMs, percentile, ratio, totalCpuMs } from './measure';
import { integerArg, integerListArg } from '../local/cli/args';
import { UsageError } from '../local/cli/command';

const SYSTEM = { id: 'bench', secret: 'bench-secret-0123456789abcdefghijklmnop' };
/** A realistic discount-purchase payload (~150 bytes). */
const PAYLOAD = { orderId: '', customerId: 'C000123', fundCode: '000001', amount: '1000.00', feeRate: '0.0000' };
const REQUEST_BUDGET_MS = 30_000;

/** The stores a run can measure; `--compare-mysql` measures both. */
type StoreName = 'SQLite' | 'MySQL';

interface Run {
  store: StoreName;
  concurrency: number;
  transactions: number;
  transactionsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU per transaction in this (gateway + SDK + load generator) process and in the broker process, µs. */
  gatewayCpuUs: number;
  brokerCpuUs: number | undefined;
  /** CPU per transaction of the MySQL server when it runs on this machine (it may serve others too), µs. */
  mysqlServerCpuUs?: number;
}

/** MySQL's figures over SQLite's at one concurrency, from the same run. */
interface Ratio {
  concurrency: number;
  /** MySQL tx/s ÷ SQLite tx/s. */
  throughput: number | undefined;
  /** MySQL gateway CPU per tx ÷ SQLite's. */
  gatewayCpu: number | undefined;
}

/** One store under test: the gateway app over it, and how to close it. */
interface StoreUnderTest {
  readonly name: StoreName;
  readonly one: () => Promise<boolean>;
  /** Process id of the local MySQL server, for its CPU figure. */
  readonly serverPid: number | undefined;
  close(): Promise<void>;
}

function request(method: string, path: string, body: string): HttpRequest {
  const now = Date.now();
  return {
    rawPath: path,
    headers: { ...signRequest(SYSTEM.id, SYSTEM.secret, { method, path, timestamp: now, body }), 'content-type': 'application/json' },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method, path }, requestId: 'bench', timeEpoch: now },
  } as unknown as HttpRequest;
}

/** Opens a store (a fresh SQLite file, or a scratch database on the MySQL server of `mysqlUrl`) behind a gateway app. */
async function openStore(
  name: StoreName,
  dir: string,
  brokerUrl: string,
  mysqlUrl: string | undefined,
  failures: Map<string, number>,
): Promise<StoreUnderTest> {
  const scratch = name === 'MySQL' ? await createScratchMysqlDatabase(mysqlUrl!, 'txc_bench_tx') : undefined;
  const database = await openDatabase(scratch?.url ?? `sqlite:${join(dir, 'tx.db')}`);
  const coordinator = new TxCoordinator({
    store: new SqlTxStore(database.db as Kysely<TxTables>),
    broker: new MqClient({ endpoint: brokerUrl, accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET }),
    catalog: catalog(),
  });
  const app = createTxGatewayApp({
    coordinator,
    secretOf: (id) => (id === SYSTEM.id ? SYSTEM.secret : undefined),
    logger: createLogger('bench', 'silent'),
  });
  const context = () => contextWithDeadline('bench', 'tx-gateway', Date.now() + REQUEST_BUDGET_MS);
  let sequence = 0;
  /** Failed calls by store, step, status and error code, printed so a failing run says why. */
  const failed = (step: string, response: { statusCode: number; body: string }): false => {
    const code = /"code":"([^"]+)"/.exec(response.body)?.[1] ?? '?';
    const key = `${name} ${step} ${response.statusCode} ${code}`;
    failures.set(key, (failures.get(key) ?? 0) + 1);
    return false;
  };
  const one = async (): Promise<boolean> => {
    const businessKey = `bench-${++sequence}`;
    const body = JSON.stringify({
      topic: 'TXC_FUND_TRADE',
      tag: 'DISCOUNT_PURCHASE',
      businessKey,
      payload: { ...PAYLOAD, orderId: businessKey },
    });
    const prepared = await app(request('POST', '/v1/transactions', body), context());
    if (prepared.statusCode !== 201) return failed('prepare', prepared);
    const { txId } = JSON.parse(prepared.body) as { txId: string };
    const committed = await app(request('POST', `/v1/transactions/${txId}/commit`, ''), context());
    return committed.statusCode === 200 || failed('commit', committed);
  };
  await Promise.all(Array.from({ length: 16 }, one)); // warm-up: JIT, connections, prepared statements
  return {
    name,
    one,
    serverPid: scratch ? localMysqlServerPid(mysqlUrl!) : undefined,
    close: async () => {
      await database.close();
      await scratch?.drop();
    },
  };
}

/** `total` transactions over `concurrency` callers on one store. */
async function measure(store: StoreUnderTest, concurrency: number, total: number, brokerPid: number | undefined): Promise<Run> {
  const latencies: number[] = [];
  let remaining = total;
  let errors = 0;
  const started = performance.now();
  const [gatewayCpuBefore, brokerCpuBefore, serverCpuBefore] = [ownCpuMs(), totalCpuMs(brokerPid), totalCpuMs(store.serverPid)];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (remaining-- > 0) {
        const t0 = performance.now();
        if (await store.one()) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const [gatewayCpuAfter, brokerCpuAfter, serverCpuAfter] = [ownCpuMs(), totalCpuMs(brokerPid), totalCpuMs(store.serverPid)];
  const perTxUs = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined ? undefined : Math.round(((after - before) * 1000) / total);
  latencies.sort((a, b) => a - b);
  const serverCpuUs = perTxUs(serverCpuBefore, serverCpuAfter);
  return {
    store: store.name,
    concurrency,
    transactions: latencies.length,
    transactionsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: +percentile(latencies, 50).toFixed(2),
    p99Ms: +percentile(latencies, 99).toFixed(2),
    errors,
    gatewayCpuUs: perTxUs(gatewayCpuBefore, gatewayCpuAfter)!,
    brokerCpuUs: perTxUs(brokerCpuBefore, brokerCpuAfter),
    ...(serverCpuUs === undefined ? {} : { mysqlServerCpuUs: serverCpuUs }),
  };
}

function best(runs: readonly Run[]): Pick<Run, 'transactionsPerSecond' | 'p50Ms' | 'p99Ms' | 'concurrency'> {
  const { transactionsPerSecond, p50Ms, p99Ms, concurrency } = runs.reduce((a, b) =>
    b.transactionsPerSecond > a.transactionsPerSecond ? b : a,
  );
  return { transactionsPerSecond, p50Ms, p99Ms, concurrency };
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      concurrency: { type: 'string', default: '8,32,64,128' },
      transactions: { type: 'string', default: '4000' },
      mysql: { type: 'string' },
      'compare-mysql': { type: 'string' },
      'profile-dir': { type: 'string' },
    },
  });
  const levels = integerListArg('concurrency', values.concurrency);
  const total = integerArg('transactions', values.transactions);
  if (values.mysql && values['compare-mysql']) throw new UsageError('--mysql and --compare-mysql exclude each other');
  const mysqlUrl = values['compare-mysql'] ?? values.mysql;
  const storeNames: StoreName[] = values['compare-mysql'] ? ['SQLite', 'MySQL'] : values.mysql ? ['MySQL'] : ['SQLite'];
  const dir = mkdtempSync(join(tmpdir(), 'txc-bench-tx-'));
  const { child, url } = await startBrokerChild(join(dir, 'broker'), values['profile-dir']);
  const failures = new Map<string, number>();
  const stores: StoreUnderTest[] = [];
  try {
    for (const name of storeNames) stores.push(await openStore(name, dir, url, mysqlUrl, failures));
    const runs: Run[] = [];
    // Levels outside, stores inside: both stores of a level run back to back, under the same machine load.
    for (const concurrency of levels) for (const store of stores) runs.push(await measure(store, concurrency, total, child.pid));
    const runsOf = (name: StoreName) => runs.filter((r) => r.store === name);
    const ratios: Ratio[] = values['compare-mysql']
      ? levels.map((concurrency) => {
          const [sqlite, mysql] = (['SQLite', 'MySQL'] as const).map((name) =>
            runs.find((r) => r.store === name && r.concurrency === concurrency),
          );
          return {
            concurrency,
            throughput: ratio(mysql?.transactionsPerSecond, sqlite?.transactionsPerSecond),
            gatewayCpu: ratio(mysql?.gatewayCpuUs, sqlite?.gatewayCpuUs),
          };
        })
      : [];
    if (values.json) {
      // The headline fields stay those of the first store (SQLite unless --mysql); a comparison adds MySQL's and the ratios.
      const [first] = storeNames;
      console.log(
        JSON.stringify({
          store: first,
          ...best(runsOf(first!)),
          runs,
          ...(ratios.length > 0 ? { mysql: best(runsOf('MySQL')), ratios } : {}),
        }),
      );
    } else {
      console.log(
        `prepare+commit through tx-gateway (in-process app, ${storeNames.join(' and ')} store) → local broker (child process, real SDK)`,
      );
      console.table(runs);
      for (const name of storeNames) {
        const b = best(runsOf(name));
        console.log(`${name} best: ${b.transactionsPerSecond} tx/s at concurrency ${b.concurrency} (p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms)`);
      }
      if (ratios.length > 0) {
        console.log('MySQL ÷ SQLite, same run:');
        console.table(ratios);
      }
    }
    if (failures.size > 0) console.error('failed calls:', Object.fromEntries(failures));
    return runs.some((r) => r.errors > 0) ? 1 : 0;
  } finally {
    for (const store of stores) await store.close();
    await stopChild(child); // the broker (and its CPU profile) must be done with `dir` before it is removed
    rmSync(dir, { recursive: true, force: true });
  }
}
