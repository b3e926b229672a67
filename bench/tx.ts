/**
 * `txcenter bench tx`: prepare + commit round trips through tx-gateway's neutral HTTP app (in this
 * process, signed requests, SQLite store in WAL mode) against the local broker (a child process, real
 * SDK over HTTP). One transaction = POST /v1/transactions then POST /v1/transactions/{id}/commit.
 * N concurrent callers per run; prints transactions/s and p50/p99 latency of the pair.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET } from '../local/broker/index';
import { signRequest } from '../shared/auth';
import { catalog } from '../shared/catalog';
import type { HttpRequest } from '../shared/fc/InvocationContext';
import { contextWithDeadline } from '../shared/fc/InvocationContext';
import { createLogger } from '../shared/logger';
import { MqClient } from '../shared/mq';
import { openDatabase } from '../shared/store/openDatabase';
import type { TxTables } from '../shared/tx';
import { SqlTxStore, TxCoordinator } from '../shared/tx';
import { createTxGatewayApp } from '../shared/txgateway';
import { startBrokerChild, stopChild } from './childProcesses';
import { ownCpuMs, percentile, totalCpuMs } from './measure';

const SYSTEM = { id: 'bench', secret: 'bench-secret-0123456789abcdefghijklmnop' };
/** A realistic discount-purchase payload (~150 bytes). */
const PAYLOAD = { orderId: '', customerId: 'C000123', fundCode: '000001', amount: '1000.00', feeRate: '0.0000' };
const REQUEST_BUDGET_MS = 30_000;

interface Run {
  concurrency: number;
  transactions: number;
  transactionsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU per transaction in this (gateway + SDK) process and in the broker process, µs. */
  gatewayCpuUs: number;
  brokerCpuUs: number | undefined;
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


export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      concurrency: { type: 'string', default: '8,32,64,128' },
      transactions: { type: 'string', default: '4000' },
      'profile-dir': { type: 'string' },
    },
  });
  const levels = values.concurrency.split(',').map(Number);
  const total = Number(values.transactions);
  if (levels.some((c) => !Number.isInteger(c) || c < 1) || !Number.isInteger(total) || total < 1) {
    throw new Error('--concurrency takes positive integers (e.g. 8,32) and --transactions a positive integer');
  }
  const dir = mkdtempSync(join(tmpdir(), 'txc-bench-tx-'));
  const { child, url } = await startBrokerChild(join(dir, 'broker'), values['profile-dir']);
  const database = await openDatabase(`sqlite:${join(dir, 'tx.db')}`);
  try {
    const coordinator = new TxCoordinator({
      store: new SqlTxStore(database.db as Kysely<TxTables>),
      broker: new MqClient({ endpoint: url, accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET }),
      catalog: catalog(),
    });
    const app = createTxGatewayApp({ coordinator, secretOf: (id) => (id === SYSTEM.id ? SYSTEM.secret : undefined), logger: createLogger('bench', 'silent') });
    const context = () => contextWithDeadline('bench', 'tx-gateway', Date.now() + REQUEST_BUDGET_MS);
    let sequence = 0;
    /** Failed calls by step, status and error code, printed so a failing run says why. */
    const failures = new Map<string, number>();
    const failed = (step: string, response: { statusCode: number; body: string }): false => {
      const code = /"code":"([^"]+)"/.exec(response.body)?.[1] ?? '?';
      const key = `${step} ${response.statusCode} ${code}`;
      failures.set(key, (failures.get(key) ?? 0) + 1);
      return false;
    };
    const one = async (): Promise<boolean> => {
      const businessKey = `bench-${++sequence}`;
      const body = JSON.stringify({ topic: 'TXC_FUND_TRADE', tag: 'DISCOUNT_PURCHASE', businessKey, payload: { ...PAYLOAD, orderId: businessKey } });
      const prepared = await app(request('POST', '/v1/transactions', body), context());
      if (prepared.statusCode !== 201) return failed('prepare', prepared);
      const { txId } = JSON.parse(prepared.body) as { txId: string };
      const committed = await app(request('POST', `/v1/transactions/${txId}/commit`, ''), context());
      return committed.statusCode === 200 || failed('commit', committed);
    };
    await Promise.all(Array.from({ length: 16 }, one)); // warm-up: JIT, connections, prepared statements
    const runs: Run[] = [];
    for (const concurrency of levels) {
      const latencies: number[] = [];
      let remaining = total;
      let errors = 0;
      const started = performance.now();
      const [gatewayCpuBefore, brokerCpuBefore] = [ownCpuMs(), totalCpuMs(child.pid)];
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (remaining-- > 0) {
            const t0 = performance.now();
            if (await one()) latencies.push(performance.now() - t0);
            else errors++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const brokerCpuAfter = totalCpuMs(child.pid);
      const perTxUs = (ms: number) => Math.round((ms * 1000) / total);
      latencies.sort((a, b) => a - b);
      runs.push({ concurrency, transactions: latencies.length, transactionsPerSecond: Math.round(latencies.length / seconds), p50Ms: +percentile(latencies, 50).toFixed(2), p99Ms: +percentile(latencies, 99).toFixed(2), errors, gatewayCpuUs: perTxUs(ownCpuMs() - gatewayCpuBefore), brokerCpuUs: brokerCpuBefore === undefined || brokerCpuAfter === undefined ? undefined : perTxUs(brokerCpuAfter - brokerCpuBefore) });
    }
    const best = runs.reduce((a, b) => (b.transactionsPerSecond > a.transactionsPerSecond ? b : a));
    if (values.json) {
      console.log(JSON.stringify({ transactionsPerSecond: best.transactionsPerSecond, p50Ms: best.p50Ms, p99Ms: best.p99Ms, concurrency: best.concurrency, runs }));
    } else {
      console.log('prepare+commit through tx-gateway (in-process app, SQLite WAL) → local broker (child process, real SDK)');
      console.table(runs);
      console.log(`best: ${best.transactionsPerSecond} tx/s at concurrency ${best.concurrency} (p50 ${best.p50Ms} ms, p99 ${best.p99Ms} ms)`);
    }
    if (failures.size > 0) console.error('failed calls:', Object.fromEntries(failures));
    return runs.some((r) => r.errors > 0) ? 1 : 0;
  } finally {
    await database.close();
    await stopChild(child); // the broker (and its CPU profile) must be done with `dir` before it is removed
    rmSync(dir, { recursive: true, force: true });
  }
}
