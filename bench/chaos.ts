/**
 * `txcenter bench chaos [--purchases N] [--kills K] [--concurrency C] [--mysql URL] [--compare] [--json]`: the crash
 * drill. N discount purchases at concurrency C (default 16) against a local stack running in its own
 * process, while K times — evenly spread over the purchases — a random single function process is
 * SIGKILLed (the runtime restarts it) or, every fifth kill, the whole stack is (broker, trading system
 * and every function process; it is then started again on the same data and ports). Then it waits for
 * the system to settle (check-backs, redeliveries, the reconciler) and reads the databases directly:
 * the demo's independent verdict (local/demo/verdict.ts: money balanced, every transaction decided,
 * each committed purchase's fund bought exactly once and none for rolled-back ones, every committed
 * event consumed once by each expected group) plus no transaction left PREPARED anywhere.
 * `--mysql URL` puts the transaction center's store on a scratch database of that MySQL/MariaDB server
 * (the production store; dropped afterwards). `--compare` first runs the same purchases with no kills and
 * reports the time ratio.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { StackPorts } from '../local/demo/stack';
import { readFunctionStatuses } from '../local/demo/stack';
import type { StackTiming } from '../local/demo/timing';
import type { Verdict } from '../local/demo/verdict';
import { judge } from '../local/demo/verdict';
import { TRADING_MIGRATIONS } from '../examples/trading/migrations';
import { prebuiltCli } from '../local/cli/prebuiltCli';
import { defaultLaunch } from '../local/runtime/launch';
import type { FunctionProcessStatus } from '../local/runtime/processes';
import { catalog } from '../shared/engines/catalog';
import type { Database } from '../shared/adapters/store/Database';
import { openDatabase, redactUrl } from '../shared/adapters/store/openDatabase';
import { createScratchMysqlDatabase } from '../local/scratchMysqlDatabase';
import { CHAOS_CUSTOMERS, CHAOS_TIMING } from './chaosPlan';
import { integerArg } from '../local/cli/args';

const STACK_ENTRY = fileURLToPath(new URL('./chaosStack.ts', import.meta.url));
const DEFAULT_PURCHASES = 300;
const DEFAULT_KILLS = 5;
const DEFAULT_CONCURRENCY = 16;
/** Every fifth kill takes the whole stack down (the issue's mix: mostly single functions). */
const STACK_KILL_EVERY = 5;
/** The stack kill's position among each five (the middle, so a 5-kill run has one). */
const STACK_KILL_AT = 2;
const STACK_READY_TIMEOUT_MS = 120_000;
const PURCHASE_TIMEOUT_MS = 30_000;
/** How long a down trading system is retried before the purchase is counted unanswered. */
const REFUSED_RETRY_MS = 200;
const SETTLE_POLL_MS = 2_000;
const SETTLE_TIMEOUT_MS = 600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The stack process of the drill: started, SIGKILLed with all its function processes, started again. */
class ChaosStack {
  private constructor(
    readonly dataDir: string,
    private readonly child: ChildProcess,
    readonly urls: { trading: string },
    readonly ports: StackPorts,
    readonly timing: StackTiming,
    readonly txcenterDatabaseUrl: string | undefined,
  ) {}

  static async start(dataDir: string, ports: StackPorts, timing: StackTiming, txcenterDatabaseUrl?: string): Promise<ChaosStack> {
    // Prebuilt JavaScript, as `txcenter start` runs: a restart of the whole stack compiles nothing.
    const entry = defaultLaunch() === 'tsx' ? ['--import', 'tsx', STACK_ENTRY] : [await prebuiltCli('chaosStack')];
    const args = [...entry, dataDir, JSON.stringify(ports), JSON.stringify(timing), ...(txcenterDatabaseUrl ? [txcenterDatabaseUrl] : [])];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the chaos stack was not ready in ${STACK_READY_TIMEOUT_MS} ms`));
      }, STACK_READY_TIMEOUT_MS);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`the chaos stack exited with ${code} before it was ready`));
      };
      child.once('exit', onExit);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.startsWith('{"ready":true')) return;
        clearTimeout(timer);
        child.off('exit', onExit);
        const ready = JSON.parse(line) as { urls: { trading: string }; ports: StackPorts };
        resolve(new ChaosStack(dataDir, child, ready.urls, ready.ports, timing, txcenterDatabaseUrl));
      });
    });
  }

  /** The supervision state the stack writes (pids, restart counts); empty while it is being replaced (no kill target then). */
  functions(): Record<string, FunctionProcessStatus> {
    return readFunctionStatuses(this.dataDir);
  }

  /** SIGKILLs the stack process and every function process at once, as a power cut would. */
  async crash(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    for (const fn of Object.values(this.functions())) if (fn.pid) killQuietly(fn.pid);
    this.child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export interface ChaosOptions {
  readonly purchases: number;
  readonly kills: number;
  readonly concurrency: number;
  /** The stack's time constants; @default CHAOS_TIMING (the e2e test's short drill caps consumers lower). */
  readonly timing?: StackTiming;
  /** A MySQL/MariaDB server for the transaction center's store (a scratch database); else SQLite. */
  readonly mysqlServerUrl?: string;
  readonly log?: (line: string) => void;
}

/** The drill's counts; 0 lost, 0 duplicated, 0 undecided and `consistent` is the pass. */
export interface ChaosReport {
  readonly purchases: {
    readonly requested: number;
    readonly answered: number;
    readonly unanswered: number;
    readonly created: number;
    readonly committed: number;
    readonly rolledBack: number;
    readonly neverPrepared: number;
  };
  readonly kills: { readonly functions: number; readonly stack: number; readonly byFunction: Readonly<Record<string, number>> };
  /** Function processes the runtime restarted after the single kills. */
  readonly restarts: number;
  /** Committed purchases whose fund was never bought. */
  readonly lost: number;
  /** Purchases whose fund was bought more than once, plus duplicate consumption records. */
  readonly duplicated: number;
  /** Transactions still PREPARED when the drill ended. */
  readonly undecided: number;
  /** Rolled-back (or never prepared) purchases that bought a fund anyway. */
  readonly wronglyBought: number;
  readonly moneyBalanced: boolean;
  readonly consistent: boolean;
  readonly checks: Verdict['checks'];
  /** From the first purchase until everything settled. */
  readonly durationSeconds: number;
  readonly settleSeconds: number;
}

/** Reads both databases and judges; `undecided` counts every PREPARED transaction, not only the drill's. */
async function assess(
  stack: ChaosStack,
): Promise<{ verdict: Verdict; purchaseIds: string[]; undecided: number; trading: Database; txcenter: Database }> {
  const trading = await openDatabase(`sqlite:${join(stack.dataDir, 'trading.db')}`, TRADING_MIGRATIONS);
  const txcenter = await openDatabase(stack.txcenterDatabaseUrl ?? `sqlite:${join(stack.dataDir, 'txcenter.db')}`);
  try {
    const purchaseIds = (await trading.db.selectFrom('trading_purchase').select('purchase_id').execute()).map(
      (row) => row.purchase_id as string,
    );
    const verdict = await judge(trading.db, txcenter.db, catalog(), { purchaseIds, companionTxIds: [] });
    const undecided = Number(
      (
        await txcenter.db
          .selectFrom('txc_tx')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('state', '=', 'PREPARED')
          .executeTakeFirstOrThrow()
      ).n,
    );
    return { verdict, purchaseIds, undecided, trading, txcenter };
  } catch (error) {
    await Promise.all([trading.close(), txcenter.close()]);
    throw error;
  }
}

async function counts(
  trading: Database,
  txcenter: Database,
): Promise<
  Pick<ChaosReport, 'lost' | 'duplicated' | 'wronglyBought'> & {
    committed: number;
    rolledBack: number;
    neverPrepared: number;
    created: number;
  }
> {
  const purchases = await trading.db.selectFrom('trading_purchase').select(['purchase_id', 'tx_id']).execute();
  const states = new Map(
    (await txcenter.db.selectFrom('txc_tx').select(['tx_id', 'state']).execute()).map((row) => [row.tx_id as string, row.state as string]),
  );
  const fundOrders = new Map<string, number>();
  for (const order of await trading.db.selectFrom('trading_order').select('tx_id').where('kind', '=', 'FUND_PURCHASE').execute())
    fundOrders.set(order.tx_id as string, (fundOrders.get(order.tx_id as string) ?? 0) + 1);
  const consumptionDuplicates = await txcenter.db
    .selectFrom('txc_consume_barrier')
    .select(['group_id', 'dedup_key'])
    .groupBy(['group_id', 'dedup_key'])
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  let committed = 0;
  let rolledBack = 0;
  let neverPrepared = 0;
  let lost = 0;
  let duplicated = consumptionDuplicates.length;
  let wronglyBought = 0;
  for (const purchase of purchases) {
    const bought = purchase.tx_id ? (fundOrders.get(purchase.tx_id as string) ?? 0) : 0;
    const state = purchase.tx_id ? states.get(purchase.tx_id as string) : undefined;
    if (state === 'COMMITTED') {
      committed += 1;
      if (bought === 0) lost += 1;
    } else {
      if (state === 'ROLLED_BACK') rolledBack += 1;
      if (!purchase.tx_id) neverPrepared += 1;
      if (bought > 0) wronglyBought += 1;
    }
    if (bought > 1) duplicated += 1;
  }
  return { created: purchases.length, committed, rolledBack, neverPrepared, lost, duplicated, wronglyBought };
}

/** Runs the drill on a fresh data folder and returns its report. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'txc-chaos-'));
  const scratch = options.mysqlServerUrl ? await createScratchMysqlDatabase(options.mysqlServerUrl, 'txc_chaos') : undefined;
  let stack = await ChaosStack.start(
    dataDir,
    { gateway: 0, trading: 0, console: 0, demo: 0, broker: 0 },
    options.timing ?? CHAOS_TIMING,
    scratch?.url,
  );
  const byFunction: Record<string, number> = {};
  let stackKills = 0;
  let restartsBeforeCrashes = 0;
  let issued = 0;
  let answered = 0;
  let unanswered = 0;
  let restarting: Promise<void> | undefined;
  try {
    const startedAt = Date.now();
    const elapsed = () => Math.round((Date.now() - startedAt) / 1000);
    const purchase = async (index: number) => {
      const body = JSON.stringify({
        customerId: CHAOS_CUSTOMERS[index % CHAOS_CUSTOMERS.length],
        fundCode: '110011',
        amount: ((100 + (index % 900)) / 100).toFixed(2),
      });
      for (;;) {
        await restarting;
        try {
          // fetch never re-sends a POST by itself, so each purchase is sent once unless refused below.
          const response = await fetch(`${stack.urls.trading}/discount-purchase`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(PURCHASE_TIMEOUT_MS),
          });
          await response.arrayBuffer();
          answered += 1; // any answer: the trading system decided (committed, rolled back or refused)
          return;
        } catch (error) {
          // Refused: the trading system is down and never saw the request; send it again once it is back.
          if (((error as Error).cause as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED') {
            await sleep(REFUSED_RETRY_MS);
            continue;
          }
          unanswered += 1; // cut off mid-request: the databases tell what became of it
          return;
        }
      }
    };
    const monkey = (async () => {
      for (let kill = 0; kill < options.kills; kill++) {
        const at = Math.floor(((kill + 1) * options.purchases) / (options.kills + 1));
        while (issued < at) await sleep(20);
        if (kill % STACK_KILL_EVERY === STACK_KILL_AT) {
          stackKills += 1;
          log(`  kill ${kill + 1}/${options.kills} at purchase ${issued} (+${elapsed()} s): the whole stack`);
          restartsBeforeCrashes += Object.values(stack.functions()).reduce((sum, fn) => sum + fn.restarts, 0);
          let back: () => void = () => undefined;
          restarting = new Promise((resolve) => (back = resolve));
          await stack.crash();
          const restartAt = Date.now();
          stack = await ChaosStack.start(dataDir, stack.ports, stack.timing, stack.txcenterDatabaseUrl);
          back();
          restarting = undefined;
          log(`    stack back in ${Date.now() - restartAt} ms`);
        } else {
          const running = Object.entries(stack.functions()).filter(([, fn]) => fn.state === 'running' && fn.pid);
          if (running.length === 0) continue;
          const [name, fn] = running[Math.floor(Math.random() * running.length)]!;
          byFunction[name] = (byFunction[name] ?? 0) + 1;
          log(`  kill ${kill + 1}/${options.kills} at purchase ${issued} (+${elapsed()} s): ${name} (pid ${fn.pid})`);
          killQuietly(fn.pid!);
        }
      }
    })();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (issued < options.purchases) {
          const index = issued++;
          if (index > 0 && index % 1_000 === 0) log(`  ${index}/${options.purchases} purchases sent`);
          await purchase(index);
        }
      }),
    );
    await monkey;
    const purchasedAt = Date.now();
    log(
      `  all ${options.purchases} purchases sent in ${Math.round((purchasedAt - startedAt) / 1000)} s; waiting for the system to settle…`,
    );
    // Settled: the verdict holds and nothing is PREPARED (check-backs and the reconciler finish the rest).
    let assessed = await assess(stack);
    while (!(assessed.verdict.consistent && assessed.undecided === 0) && Date.now() - purchasedAt < SETTLE_TIMEOUT_MS) {
      await Promise.all([assessed.trading.close(), assessed.txcenter.close()]);
      await sleep(SETTLE_POLL_MS);
      assessed = await assess(stack);
    }
    const settledAt = Date.now();
    try {
      const tally = await counts(assessed.trading, assessed.txcenter);
      const restarts = restartsBeforeCrashes + Object.values(stack.functions()).reduce((sum, fn) => sum + fn.restarts, 0);
      const { verdict } = assessed;
      return {
        purchases: {
          requested: options.purchases,
          answered,
          unanswered,
          created: tally.created,
          committed: tally.committed,
          rolledBack: tally.rolledBack,
          neverPrepared: tally.neverPrepared,
        },
        kills: { functions: options.kills - stackKills, stack: stackKills, byFunction },
        restarts,
        lost: tally.lost,
        duplicated: tally.duplicated,
        undecided: assessed.undecided,
        wronglyBought: tally.wronglyBought,
        moneyBalanced: verdict.checks.find((c) => c.name === 'money in = money out')?.ok ?? false,
        consistent: verdict.consistent && assessed.undecided === 0,
        checks: verdict.checks,
        durationSeconds: Math.round((settledAt - startedAt) / 100) / 10,
        settleSeconds: Math.round((settledAt - purchasedAt) / 100) / 10,
      };
    } finally {
      await Promise.all([assessed.trading.close(), assessed.txcenter.close()]);
    }
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  }
}

function positiveInteger(value: string | undefined, fallback: number, name: string, minimum = 1): number {
  if (value === undefined) return fallback;
  return integerArg(name, value, minimum);
}

function summary(report: ChaosReport): string {
  const p = report.purchases;
  return [
    `  purchases: ${p.requested} requested, ${p.answered} answered, ${p.unanswered} cut off; ${p.created} created: ${p.committed} committed, ${p.rolledBack} rolled back, ${p.neverPrepared} never prepared`,
    `  kills: ${report.kills.functions} single functions (${
      Object.entries(report.kills.byFunction)
        .map(([name, n]) => `${name} ×${n}`)
        .join(', ') || 'none'
    }), ${report.kills.stack} whole stack; ${report.restarts} function restarts by the runtime`,
    `  lost ${report.lost}, duplicated ${report.duplicated}, undecided ${report.undecided}, bought without commit ${report.wronglyBought}, money ${report.moneyBalanced ? 'balanced' : 'NOT balanced'}`,
    ...report.checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`),
    `  ${report.consistent ? 'CONSISTENT' : 'INCONSISTENT'} in ${report.durationSeconds} s (${report.settleSeconds} s of it settling)`,
  ].join('\n');
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      purchases: { type: 'string' },
      kills: { type: 'string' },
      concurrency: { type: 'string' },
      mysql: { type: 'string' },
      compare: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const purchases = positiveInteger(values.purchases, DEFAULT_PURCHASES, 'purchases');
  const kills = positiveInteger(values.kills, DEFAULT_KILLS, 'kills', 0);
  const concurrency = positiveInteger(values.concurrency, DEFAULT_CONCURRENCY, 'concurrency');
  const log = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : console.log(line));
  const mysqlServerUrl = values.mysql;
  const store = mysqlServerUrl ? `, transaction center on MySQL (${redactUrl(mysqlServerUrl)})` : '';
  let baseline: ChaosReport | undefined;
  if (values.compare) {
    log(`Baseline: ${purchases} purchases at concurrency ${concurrency}${store}, no kills…`);
    baseline = await runChaos({ purchases, kills: 0, concurrency, mysqlServerUrl, log });
    log(summary(baseline));
  }
  log(`Chaos: ${purchases} purchases at concurrency ${concurrency}${store} with ${kills} kills…`);
  const report = await runChaos({ purchases, kills, concurrency, mysqlServerUrl, log });
  const ratio = baseline ? Math.round((report.durationSeconds / baseline.durationSeconds) * 100) / 100 : undefined;
  if (values.json)
    console.log(
      JSON.stringify(
        {
          ...report,
          ...(baseline
            ? { baseline: { durationSeconds: baseline.durationSeconds, consistent: baseline.consistent }, timeRatio: ratio }
            : {}),
        },
        null,
        2,
      ),
    );
  else {
    console.log(summary(report));
    if (ratio !== undefined)
      console.log(`  time with kills / without: ${ratio}× (${report.durationSeconds} s / ${baseline!.durationSeconds} s)`);
  }
  return report.consistent && report.lost === 0 && report.duplicated === 0 && report.undecided === 0 ? 0 : 1;
}
