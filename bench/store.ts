/**
 * `txcenter bench store --compare-mysql URL`: the transaction store alone, no HTTP and no broker —
 * the five store calls of one gateway transaction (insert PREPARED, mark published, read, decide,
 * mark delivered) by N concurrent callers, on SQLite (WAL file) and on a scratch database of the
 * MySQL server, back to back in one run. Prints tx/s and this process's CPU per transaction (the
 * store's client side: SQLite does its work here, MySQL in its server) and the MySQL/SQLite ratios.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { createScratchMysqlDatabase } from '../local/scratchMysqlDatabase';
import { openDatabase } from '../shared/adapters/store/openDatabase';
import type { TxTables } from '../shared/engines/tx';
import { SqlTxStore } from '../shared/engines/tx';
import { ownCpuMs, ratio } from './measure';
import { integerArg } from '../local/cli/args';

const BODY = JSON.stringify({ orderId: 'O-1', customerId: 'C000123', fundCode: '000001', amount: '1000.00', feeRate: '0.0000' });
const WARM_UP = 200;

async function transaction(store: SqlTxStore, txId: string): Promise<void> {
  await store.insertPrepared(
    {
      txId,
      systemId: 'bench',
      businessKey: txId,
      topic: 'TXC_FUND_TRADE',
      tag: 'DISCOUNT_PURCHASE',
      payloadHash: 'a'.repeat(64),
      body: BODY,
      properties: undefined,
      checkbackPath: undefined,
    },
    Date.now(),
  );
  await store.markPublished(txId, { messageId: 'M'.repeat(32), receiptHandle: 'H'.repeat(60) }, Date.now());
  await store.get(txId);
  await store.decide(txId, 'COMMIT', { actor: 'bench', reason: 'client' }, Date.now());
  await store.markDelivered(txId, 'bench', { decision: 'COMMIT' }, Date.now());
}

async function measure(
  store: SqlTxStore,
  prefix: string,
  total: number,
  concurrency: number,
): Promise<{ transactionsPerSecond: number; cpuUs: number }> {
  let next = 0;
  const cpuBefore = ownCpuMs();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await transaction(store, `${prefix}-${next++}`);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { transactionsPerSecond: Math.round(total / seconds), cpuUs: Math.round(((ownCpuMs() - cpuBefore) * 1000) / total) };
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      concurrency: { type: 'string', default: '32' },
      transactions: { type: 'string', default: '3000' },
      rounds: { type: 'string', default: '2' },
      'compare-mysql': { type: 'string', default: 'mysql://root@127.0.0.1:3306/test' },
    },
  });
  const [concurrency, total, rounds] = [
    integerArg('concurrency', values.concurrency),
    integerArg('transactions', values.transactions),
    integerArg('rounds', values.rounds),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'txc-bench-store-'));
  const scratch = await createScratchMysqlDatabase(values['compare-mysql'], 'txc_bench_store');
  const databases = [await openDatabase(`sqlite:${join(dir, 'tx.db')}`), await openDatabase(scratch.url)];
  try {
    const [sqlite, mysql] = databases.map((database) => new SqlTxStore(database.db as Kysely<TxTables>)) as [SqlTxStore, SqlTxStore];
    await measure(sqlite, 'warm', WARM_UP, concurrency);
    await measure(mysql, 'warm', WARM_UP, concurrency);
    const runs = [];
    // Stores alternate, so both see the same machine load.
    for (let round = 1; round <= rounds; round++) {
      const s = await measure(sqlite, `r${round}`, total, concurrency);
      const m = await measure(mysql, `r${round}`, total, concurrency);
      runs.push({
        round,
        concurrency,
        sqliteTxPerSecond: s.transactionsPerSecond,
        mysqlTxPerSecond: m.transactionsPerSecond,
        sqliteCpuUs: s.cpuUs,
        mysqlCpuUs: m.cpuUs,
        throughputRatio: ratio(m.transactionsPerSecond, s.transactionsPerSecond),
        cpuRatio: ratio(m.cpuUs, s.cpuUs),
      });
    }
    if (values.json) console.log(JSON.stringify({ runs }));
    else {
      console.log(
        `transaction store alone (5 calls per transaction, ${concurrency} callers, ${total} per round): SQLite WAL vs MySQL, CPU of this process`,
      );
      console.table(runs);
    }
    return 0;
  } finally {
    for (const database of databases) await database.close();
    await scratch.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
