import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../command';
import { UsageError } from '../command';
import { dataFolderArg, logLevelArg } from '../args';

/** The options `start` and `demo` share (demo is `start --demo-only`). */
const STACK_OPTIONS = `  --purchases <n>        discount purchases in the demo (default 40)
  --concurrency <n>      concurrent purchase requests (default 8)
  --data <dir>           data folder (default .txcenter)
  --gateway-port <port>  tx-gateway (default 8080)
  --broker-port <port>   local broker (default 9876)
  --trading-port <port>  example trading system (default 8081)
  --console-port <port>  tx-console, the operations console (default 8083)
  --alerts-port <port>   local alert webhook receiver (default 8089)
  --json <file>          write the demo report as JSON (top-level boolean "consistent")
  --log-level <level>    log level of the stack and the functions (default warn)
  --log-json             JSON log lines on the terminal (stderr) instead of <data>/txcenter.log`;

const USAGE = `Usage: txcenter start [options]

Starts the whole system locally — broker, every function on the local runtime with its cloud trigger,
the example fund trading system — with SQLite files under one data folder, then runs the
discount-purchase demo and prints its report and consistency verdict. The stack stays up afterwards.

Options:
  --no-demo              start the stack only (production time constants)
  --demo-only            fresh stack under <data>/demo-<time>, run the demo, stop;
                         exit 0 only if the verdict is consistent
${STACK_OPTIONS}`;

export const DEMO_USAGE = `Usage: txcenter demo [options]

Same as \`txcenter start --demo-only\`: a fresh stack under <data>/demo-<time>, the discount-purchase
demo, its report and consistency verdict, then stop. Exit 0 only if the verdict is consistent.

Options:
${STACK_OPTIONS}`;

const DEFAULT_PURCHASES = 40;
const DEFAULT_DATA_DIR = '.txcenter';
/** The JSON log file in the data folder (unless --log-json). */
export const LOG_FILE = 'txcenter.log';

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new UsageError(`--${name} must be a port number, got '${value}'`);
  return parsed;
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  return parsed;
}

/** Parses the options shared by `start` and `demo`, and runs. */
export async function runStart(args: string[], forceDemoOnly: boolean): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'no-demo': { type: 'boolean', default: false },
      'demo-only': { type: 'boolean', default: false },
      purchases: { type: 'string' },
      concurrency: { type: 'string' },
      data: { type: 'string' },
      'gateway-port': { type: 'string' },
      'broker-port': { type: 'string' },
      'trading-port': { type: 'string' },
      'console-port': { type: 'string' },
      'alerts-port': { type: 'string' },
      json: { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
      'log-json': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const demoOnly = forceDemoOnly || values['demo-only'];
  if (demoOnly && values['no-demo']) throw new UsageError('--no-demo and --demo-only contradict each other');
  // Loaded here so `txcenter start --help` stays instant.
  const { DEFAULT_PORTS, LOCAL_CONSOLE_USERS, startStack } = await import('../../demo/stack');
  const { consoleUiUrl, UI_ROUTES } = await import('../../../shared/engines/console/api');
  const { DEMO_TIMING, PRODUCTION_TIMING } = await import('../../demo/timing');
  const { runDemo } = await import('../../demo/runDemo');
  const { formatDemoReport } = await import('../../demo/formatDemoReport');
  const ports = {
    gateway: port(values['gateway-port'], DEFAULT_PORTS.gateway, 'gateway-port'),
    broker: port(values['broker-port'], DEFAULT_PORTS.broker, 'broker-port'),
    trading: port(values['trading-port'], DEFAULT_PORTS.trading, 'trading-port'),
    console: port(values['console-port'], DEFAULT_PORTS.console, 'console-port'),
    demo: port(values['alerts-port'], DEFAULT_PORTS.demo, 'alerts-port'),
  };
  const purchases = positive(values.purchases, DEFAULT_PURCHASES, 'purchases');
  const concurrency = positive(values.concurrency, 8, 'concurrency');
  const baseDir = dataFolderArg(values.data ?? DEFAULT_DATA_DIR, { mustExist: false });
  const logLevel = logLevelArg(values['log-level']);
  const dataDir = demoOnly ? join(baseDir, `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`) : baseDir;
  const withDemo = !values['no-demo'];

  console.log(`Starting txcenter locally (data in ${dataDir})…`);
  // The terminal is for people: the JSON log lines of the stack and every function go to a file
  // (or, with --log-json, to stderr for a log shipper), so they never land inside the progress output.
  mkdirSync(dataDir, { recursive: true });
  const logFile = values['log-json'] ? undefined : join(dataDir, LOG_FILE);
  const logStream = logFile ? createWriteStream(logFile, { flags: 'a' }) : process.stderr;
  console.log(logFile ? `Logs (JSON lines): ${logFile}` : 'Logs (JSON lines): stderr');
  const closeLog = () =>
    logFile ? new Promise<void>((done) => (logStream as ReturnType<typeof createWriteStream>).end(() => done())) : Promise.resolve();
  const stack = await startStack({
    dataDir,
    ports,
    timing: withDemo ? DEMO_TIMING : PRODUCTION_TIMING,
    logLevel,
    logStream,
    faultInjection: withDemo,
  }).catch(async (error: unknown) => {
    await closeLog();
    throw error;
  });
  const urls = stack.urls;
  const printUrls = () =>
    console.log(
      [
        '',
        'txcenter is running:',
        `  tx-gateway        ${urls.gateway}   (POST /v1/transactions, signed per business system)`,
        `  broker            ${urls.broker}   (RocketMQ HTTP protocol; admin: ${urls.broker}/admin/state)`,
        `  trading system    ${urls.trading}   (POST /discount-purchase {customerId, fundCode, amount})`,
        `  console           ${urls.console}   (operations console; log in as ${LOCAL_CONSOLE_USERS.operator.name} / ${LOCAL_CONSOLE_USERS.operator.password} or, read-only, ${LOCAL_CONSOLE_USERS.viewer.name} / ${LOCAL_CONSOLE_USERS.viewer.password})`,
        `                    API and /metrics: authorization: Bearer ${LOCAL_CONSOLE_USERS.operator.token} (viewer: ${LOCAL_CONSOLE_USERS.viewer.token})`,
        `  alert webhook     ${urls.alerts}`,
        `  data              ${dataDir}`,
        `  logs              ${logFile ?? 'stderr (--log-json)'}`,
      ].join('\n'),
    );
  printUrls();
  let exitCode = 0;
  if (withDemo) {
    console.log(`\nRunning the discount-purchase demo with ${purchases} purchases…`);
    stack.demoServer.onAlert((alert) => {
      const body = alert.body as { markdown?: { title?: string } };
      console.log(`  🔔 alert received at the webhook: ${body.markdown?.title ?? 'alert'}`);
    });
    try {
      const report = await runDemo(stack, { purchases, concurrency, progress: (line) => console.log(line) });
      console.log(formatDemoReport(report));
      // The replayed purchase shows the most (dead letter, replay, every group); else any committed one.
      const traced =
        report.purchases.find((p) => p.replayed && p.purchaseId) ?? report.purchases.find((p) => p.txState === 'COMMITTED' && p.purchaseId);
      if (traced?.purchaseId)
        console.log(
          `\nTrace of purchase ${traced.purchaseId} in the console: ${consoleUiUrl(urls.console, UI_ROUTES.trace(traced.purchaseId))}`,
        );
      if (values.json) {
        writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
        console.log(`Report written to ${values.json}`);
      }
      exitCode = report.consistent ? 0 : 1;
    } catch (error) {
      console.error(`demo failed: ${(error as Error).stack ?? String(error)}`);
      exitCode = 1;
    }
  }
  if (demoOnly) {
    await stack.close();
    await closeLog();
    return exitCode;
  }
  printUrls();
  console.log('\nPress Ctrl+C to stop.');
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  console.log('Stopping…');
  await stack.close();
  await closeLog();
  return 0;
}

export const startCommand: Command = {
  name: 'start',
  summary: 'start everything locally and run the discount-purchase demo',
  usage: USAGE,
  run: (args) => runStart(args, false),
};
