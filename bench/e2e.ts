/**
 * `txcenter bench e2e`: committed discount purchases per second through the whole local stack —
 * trading system → tx-gateway → broker → every subscriber (the slave purchase back at the trading
 * system, the data-center archive) — with every function in its own runtime process, as in
 * `txcenter start`. Latency is from the purchase request to the slave effect (the fund order row)
 * being committed. Runs several concurrencies and prints a table; `--json` prints the best one.
 * The transaction center's store is SQLite by default, a scratch database on a MySQL server with
 * `--mysql URL`, or both with `--compare-mysql URL`: two stacks, each concurrency run on SQLite and
 * right after on MySQL, with the MySQL/SQLite ratios (only ratios from one run compare across machines).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStack } from '../local/demo/stack';
import { createScratchMysqlDatabase } from '../local/scratchMysqlDatabase';
import type { Stack } from '../local/demo/stack';
import { PRODUCTION_TIMING } from '../local/demo/timing';
import { localMysqlServerPid, ownCpuMs, percentile, ratio, totalCpuMs } from './measure';
import { CPU_PROFILE_SIGNAL } from '../local/runtime/cpuProfile';
import { requestText } from '../shared/engines/client/requestText';
import { integerArg, integerListArg } from '../local/cli/args';
import { UsageError } from '../local/cli/command';

const DEFAULT_CONCURRENCIES = [8, 32, 96];
const DEFAULT_PURCHASES_PER_RUN = 1_500;
/**
 * Pull loops per MQ trigger (FC runs more consumer instances as the backlog grows). With 2, the
 * orchestration consumer's sequential wallet-purchase calls fell behind (p50 1.8 s at 134/s); with
 * 8 it keeps up (p50 0.4 s at 150/s). Idle loops only hold a long poll open.
 */
const DEFAULT_POLLERS = 8;
/** Longest wait for the last effects of a run. */
const DRAIN_TIMEOUT_MS = 120_000;
const POLL_MS = 100;
/** Distinct customers (wallets) the purchases of one run spread over. */
const CUSTOMERS_PER_RUN = 50;
/** Longest one discount-purchase request may take. */
const PURCHASE_TIMEOUT_MS = 30_000;

/** CPU ms used so far by each function process (from /proc) and by this process (broker, trading system, load). */
function cpuSnapshot(pids: Readonly<Record<string, number>>): Map<string, number> {
  const snapshot = new Map<string, number>();
  snapshot.set('bench (broker + trading + load)', ownCpuMs());
  for (const [name, pid] of Object.entries(pids)) {
    const cpu = totalCpuMs(pid);
    if (cpu !== undefined) snapshot.set(name, cpu);
  }
  return snapshot;
}

/** Preloaded into the function processes by `--count-round-trips` (see the file). */
const ROUND_TRIP_COUNTER = fileURLToPath(new URL('./mysqlRoundTrips.cjs', import.meta.url));
/** Longer than the counter's write interval: the counts of a run's last queries are on disk. */
const ROUND_TRIP_SETTLE_MS = 300;

interface RoundTrips {
  queries: number;
  commits: number;
}

/** MySQL queries (round trips) and COMMITs so far, by function process, from the counter's files. */
function roundTripSnapshot(dir: string, pids: Readonly<Record<string, number>>): Map<string, RoundTrips> {
  const snapshot = new Map<string, RoundTrips>();
  for (const [name, pid] of Object.entries(pids)) {
    try {
      snapshot.set(name, JSON.parse(readFileSync(join(dir, `${pid}.json`), 'utf8')) as RoundTrips);
    } catch {
      // no MySQL query yet (or not a function process): nothing to count
    }
  }
  return snapshot;
}

type StoreName = 'SQLite' | 'MySQL';

interface Run {
  store: StoreName;
  concurrency: number;
  purchases: number;
  committed: number;
  purchasesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU ms per committed purchase, by process, over the run. */
  cpuMsPerPurchase: Record<string, number>;
  /** With `--count-round-trips` on MySQL: queries (round trips) per committed purchase by process, and COMMITs. */
  mysqlRoundTripsPerPurchase?: Record<string, number>;
  mysqlCommitsPerPurchase?: number;
}

/** The CPU breakdown's name for the tx-gateway process. */
const GATEWAY = 'tx-gateway';
/** The CPU breakdown's name for a MySQL server on this machine (other clients of it count too). */
const MYSQL_SERVER = 'MySQL server (shared)';

/** One stack under test and the processes whose CPU it is charged. */
interface StackUnderTest {
  readonly store: StoreName;
  readonly stack: Stack;
  /** Function processes plus, for a local MySQL server, the server. */
  readonly pids: () => Record<string, number>;
}

async function runOnce(
  { store, stack, pids }: StackUnderTest,
  concurrency: number,
  purchases: number,
  customerPrefix: string,
  roundTripDir?: string,
): Promise<Run> {
  const trading = stack.trading.database.db;
  const started = new Map<string, number>();
  let errors = 0;
  let next = 0;
  const cpuBefore = cpuSnapshot(pids());
  const roundTripsBefore = roundTripDir === undefined ? undefined : roundTripSnapshot(roundTripDir, pids());
  const firstRequest = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < purchases) {
        const index = next++;
        const at = Date.now();
        try {
          // Keep-alive node:http like the stack's own clients, so the load generator costs little of the shared CPU.
          const response = await requestText({
            method: 'POST',
            url: `${stack.urls.trading}/discount-purchase`,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              customerId: `${customerPrefix}${index % CUSTOMERS_PER_RUN}`,
              fundCode: '110011',
              amount: `${100 + (index % 900)}.00`,
            }),
            timeoutMs: PURCHASE_TIMEOUT_MS,
          });
          const body = JSON.parse(response.body) as { txId?: string; outcome?: string };
          if (response.status === 201 && body.txId) started.set(body.txId, at);
          else errors += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  // Every effect applied: the slave fund order at the trading system and the data-center archive row.
  const txIds = [...started.keys()];
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  const { openDatabase } = await import('../shared/adapters/store/openDatabase');
  const txcenter = await openDatabase(stack.txcenterDatabaseUrl);
  const effects: { tx_id: string; created_at: number | string }[] = [];
  // Polled with two cheap counts (this run's customers; archive rows since the run began: warm-up and
  // earlier runs were drained before), not the id lists, so waiting takes little of the CPU measured.
  const customers = Array.from({ length: Math.min(purchases, CUSTOMERS_PER_RUN) }, (_, index) => `${customerPrefix}${index}`);
  const countOf = (row: { n: number | string | bigint } | undefined) => Number(row?.n ?? 0);
  try {
    for (;;) {
      const ordered = countOf(
        await trading
          .selectFrom('trading_order')
          .select(({ fn }) => fn.countAll<number>().as('n'))
          .where('kind', '=', 'FUND_PURCHASE')
          .where('customer_id', 'in', customers)
          .executeTakeFirst(),
      );
      const archived = countOf(
        await txcenter.db
          .selectFrom('txc_archive_event')
          .select(({ fn }) => fn.count<number>('event_id').distinct().as('n'))
          .where('archived_at', '>=', firstRequest)
          .executeTakeFirst(),
      );
      if ((ordered >= txIds.length && archived >= txIds.length) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    for (let i = 0; i < txIds.length; i += 500) {
      const chunk = txIds.slice(i, i + 500);
      effects.push(
        ...(await trading
          .selectFrom('trading_order')
          .select(['tx_id', 'created_at'])
          .where('kind', '=', 'FUND_PURCHASE')
          .where('tx_id', 'in', chunk)
          .execute()),
      );
    }
    if (roundTripsBefore) await new Promise((resolve) => setTimeout(resolve, ROUND_TRIP_SETTLE_MS));
    const cpuAfter = cpuSnapshot(pids());
    const perPurchase = (n: number) => Math.round((n / Math.max(1, effects.length)) * 100) / 100;
    const cpuMsPerPurchase = Object.fromEntries([...cpuAfter].map(([name, ms]) => [name, perPurchase(ms - (cpuBefore.get(name) ?? ms))]));
    let roundTrips: Pick<Run, 'mysqlRoundTripsPerPurchase' | 'mysqlCommitsPerPurchase'> = {};
    if (roundTripsBefore && roundTripDir !== undefined) {
      const after = [...roundTripSnapshot(roundTripDir, pids())];
      const before = (name: string) => roundTripsBefore.get(name) ?? { queries: 0, commits: 0 };
      roundTrips = {
        mysqlRoundTripsPerPurchase: Object.fromEntries(after.map(([name, n]) => [name, perPurchase(n.queries - before(name).queries)])),
        mysqlCommitsPerPurchase: perPurchase(after.reduce((sum, [name, n]) => sum + n.commits - before(name).commits, 0)),
      };
    }
    const archiveEnd = await txcenter.db
      .selectFrom('txc_archive_event')
      .select(({ fn }) => fn.max('archived_at').as('end'))
      .executeTakeFirst();
    const latencies = effects.map((e) => Number(e.created_at) - started.get(e.tx_id)!).sort((a, b) => a - b);
    const lastEffect = Math.max(...effects.map((e) => Number(e.created_at)), Number(archiveEnd?.end ?? 0));
    return {
      store,
      concurrency,
      purchases,
      committed: effects.length,
      purchasesPerSecond: Math.round((effects.length / ((lastEffect - firstRequest) / 1_000)) * 10) / 10,
      p50Ms: Math.round(percentile(latencies, 50)),
      p99Ms: Math.round(percentile(latencies, 99)),
      errors: errors + (txIds.length - effects.length),
      cpuMsPerPurchase,
      ...roundTrips,
    };
  } finally {
    await txcenter.close();
  }
}

/** MySQL's figures over SQLite's at one concurrency, from the same run. */
interface Ratio {
  concurrency: number;
  /** MySQL purchases/s ÷ SQLite purchases/s. */
  throughput: number | undefined;
  /** MySQL tx-gateway CPU per purchase ÷ SQLite's. */
  gatewayCpu: number | undefined;
}

function best(runs: readonly Run[]): Pick<Run, 'purchasesPerSecond' | 'p50Ms' | 'p99Ms' | 'concurrency'> {
  const { purchasesPerSecond, p50Ms, p99Ms, concurrency } = runs.reduce((a, b) => (b.purchasesPerSecond > a.purchasesPerSecond ? b : a));
  return { purchasesPerSecond, p50Ms, p99Ms, concurrency };
}

/** The concurrency `mysqlRatio` is quoted at: 32 (the target's) when measured, else the highest measured. */
const HEADLINE_CONCURRENCY = 32;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      purchases: { type: 'string' },
      concurrency: { type: 'string' },
      pollers: { type: 'string' },
      mysql: { type: 'string' },
      'compare-mysql': { type: 'string' },
      'profile-dir': { type: 'string' },
      'count-round-trips': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const purchases = values.purchases ? integerArg('purchases', values.purchases) : DEFAULT_PURCHASES_PER_RUN;
  const concurrencies = values.concurrency ? integerListArg('concurrency', values.concurrency) : DEFAULT_CONCURRENCIES;
  const pollers = values.pollers ? integerArg('pollers', values.pollers) : DEFAULT_POLLERS;
  if (values.mysql && values['compare-mysql']) throw new UsageError('--mysql and --compare-mysql exclude each other');
  const mysqlUrl = values['compare-mysql'] ?? values.mysql;
  const storeNames: StoreName[] = values['compare-mysql'] ? ['SQLite', 'MySQL'] : values.mysql ? ['MySQL'] : ['SQLite'];
  const log = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : console.log(line));
  const profileDir = values['profile-dir'];
  // The counter is preloaded into every function process the stacks start (they inherit this environment).
  const roundTripDir = values['count-round-trips'] && mysqlUrl ? mkdtempSync(join(tmpdir(), 'txc-bench-round-trips-')) : undefined;
  const nodeOptions = process.env.NODE_OPTIONS;
  if (roundTripDir) {
    process.env.NODE_OPTIONS = [nodeOptions, `--require ${JSON.stringify(ROUND_TRIP_COUNTER)}`].filter(Boolean).join(' ');
    process.env.TXC_BENCH_ROUND_TRIP_DIR = roundTripDir;
  }
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const dataDirs: string[] = [];
  const scratches: { drop(): Promise<void> }[] = [];
  const stacks: StackUnderTest[] = [];
  const runs: Run[] = [];
  const profiler = profileDir ? new Session() : undefined;
  const signalFunctions = () =>
    stacks.forEach(({ stack }) => Object.values(stack.pids).forEach((pid) => process.kill(pid, CPU_PROFILE_SIGNAL)));
  try {
    for (const store of storeNames) {
      const dataDir = mkdtempSync(join(tmpdir(), 'txc-bench-e2e-'));
      dataDirs.push(dataDir);
      const scratch = store === 'MySQL' ? await createScratchMysqlDatabase(mysqlUrl!, 'txc_bench') : undefined;
      if (scratch) scratches.push(scratch);
      const stack = await startStack({
        dataDir,
        ports: { gateway: 0, trading: 0, console: 0, demo: 0, broker: 0 },
        timing: PRODUCTION_TIMING,
        logLevel: 'error',
        pollersPerTrigger: pollers,
        txcenterDatabaseUrl: scratch?.url,
        cpuProfileDir: profileDir,
      });
      const serverPid = scratch ? localMysqlServerPid(mysqlUrl!) : undefined;
      stacks.push({
        store,
        stack,
        pids: () => (serverPid === undefined ? { ...stack.pids } : { ...stack.pids, [MYSQL_SERVER]: serverPid }),
      });
    }
    // Warm-up: cold starts (tsx compile, DB open) out of the measurement.
    for (const stack of stacks) await runOnce(stack, 4, 40, 'W');
    if (profiler) {
      // Function processes profile between two signals; this process (broker, trading) in-process.
      signalFunctions();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    log(
      `e2e: ${purchases} discount purchases per run, ${pollers} puller(s) per MQ trigger, every function in its own process, transaction-center DB on ${storeNames.join(' and ')}${stacks.length > 1 ? ' (one stack each, run back to back per concurrency)' : ''}`,
    );
    for (const [index, concurrency] of concurrencies.entries()) {
      for (const stack of stacks) {
        const result = await runOnce(stack, concurrency, purchases, `B${index}-`, roundTripDir);
        runs.push(result);
        log(
          `  ${stack.store.padEnd(6)} concurrency ${String(concurrency).padStart(3)}: ${String(result.purchasesPerSecond).padStart(7)} purchases/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  (${result.committed}/${result.purchases} committed, ${result.errors} errors)`,
        );
        const cpu = Object.entries(result.cpuMsPerPurchase).sort((a, b) => b[1] - a[1]);
        log(
          `    CPU ms per purchase: ${cpu
            .filter(([name]) => name !== MYSQL_SERVER)
            .reduce((sum, [, ms]) => sum + ms, 0)
            .toFixed(2)} = ${cpu.map(([name, ms]) => `${name} ${ms}`).join(', ')}`,
        );
        const trips = Object.entries(result.mysqlRoundTripsPerPurchase ?? {}).sort((a, b) => b[1] - a[1]);
        if (trips.length > 0)
          log(
            `    MySQL round trips per purchase: ${trips.reduce((sum, [, n]) => sum + n, 0).toFixed(2)} (${result.mysqlCommitsPerPurchase} with a COMMIT) = ${trips.map(([name, n]) => `${name} ${n}`).join(', ')}`,
          );
      }
    }
    if (profiler && profileDir) {
      signalFunctions();
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(join(profileDir, 'bench.cpuprofile'), JSON.stringify(profile));
      profiler.disconnect();
    }
  } finally {
    for (const { stack } of stacks) await stack.close();
    for (const scratch of scratches) await scratch.drop();
    for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
    if (roundTripDir) {
      rmSync(roundTripDir, { recursive: true, force: true });
      if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = nodeOptions;
      delete process.env.TXC_BENCH_ROUND_TRIP_DIR;
    }
  }
  const runsOf = (store: StoreName) => runs.filter((r) => r.store === store);
  const ratios: Ratio[] = values['compare-mysql']
    ? concurrencies.map((concurrency) => {
        const [sqlite, mysql] = (['SQLite', 'MySQL'] as const).map((store) =>
          runs.find((r) => r.store === store && r.concurrency === concurrency),
        );
        return {
          concurrency,
          throughput: ratio(mysql?.purchasesPerSecond, sqlite?.purchasesPerSecond),
          gatewayCpu: ratio(mysql?.cpuMsPerPurchase[GATEWAY], sqlite?.cpuMsPerPurchase[GATEWAY]),
        };
      })
    : [];
  const headline = concurrencies.includes(HEADLINE_CONCURRENCY) ? HEADLINE_CONCURRENCY : Math.max(...concurrencies);
  const [first] = storeNames;
  if (values.json) {
    // The headline fields stay those of the first store (SQLite unless --mysql); a comparison adds MySQL's,
    // the ratios per concurrency and `mysqlRatio`, MySQL ÷ SQLite purchases/s at the headline concurrency.
    const comparison =
      ratios.length > 0
        ? { mysql: best(runsOf('MySQL')), ratios, mysqlRatio: ratios.find((r) => r.concurrency === headline)?.throughput }
        : {};
    console.log(JSON.stringify({ store: first, ...best(runsOf(first!)), runs, ...comparison }));
  } else {
    console.log(
      '\n| store | concurrency | purchases/s | p50 ms | p99 ms | p99/p50 | tx-gateway CPU ms | committed | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of runs)
      console.log(
        `| ${r.store} | ${r.concurrency} | ${r.purchasesPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${ratio(r.p99Ms, r.p50Ms)} | ${r.cpuMsPerPurchase[GATEWAY]} | ${r.committed}/${r.purchases} | ${r.errors} |`,
      );
    if (ratios.length > 0) {
      console.log('\nMySQL ÷ SQLite, same run:\n| concurrency | purchases/s | tx-gateway CPU per purchase |\n|---:|---:|---:|');
      for (const r of ratios) console.log(`| ${r.concurrency} | ${r.throughput} | ${r.gatewayCpu} |`);
    }
  }
  return 0;
}
