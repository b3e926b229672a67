import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TradingSystem } from '../../examples/trading';
import { startTradingSystem } from '../../examples/trading';
import { LOCAL_TRADING_SYSTEM } from '../../examples/trading';
import type { Logger } from '../../shared/logger';
import { createLogger } from '../../shared/logger';
import type { RunningBroker } from '../broker';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, startBroker } from '../broker';
import { RuntimeConfigError } from '../runtime';
import { catalog } from '../../shared/engines/catalog';
import { CONSOLE_DEFAULT_PORT } from '../../shared/engines/console/api';
import { hashPasswordSync, hashToken } from '../../shared/engines/console/operators';
import type { FunctionLaunch } from '../runtime/launch';
import type { FunctionProcesses, FunctionProcessStatus } from '../runtime/processes';
import { spawnFunctionProcesses } from '../runtime/processes';
import type { ChannelSink } from './ChannelSink';
import { startChannelSink } from './ChannelSink';
import type { DemoServer } from './DemoServer';
import { startDemoServer } from './DemoServer';
import type { StackTiming } from './timing';

/** Default ports of the local stack (docs/running-locally.md). */
export const DEFAULT_PORTS = { gateway: 8080, trading: 8081, console: CONSOLE_DEFAULT_PORT, demo: 8089, broker: 9876 } as const;
export type StackPorts = { -readonly [K in keyof typeof DEFAULT_PORTS]: number };

/** The supervision state of the function processes, under the data folder (see {@link Stack.functionStatus}). */
export const RUNTIME_STATUS_FILE = 'runtime.json';

/**
 * The supervision state a stack on `dataDir` last wrote (pid, state, restarts per function), from its
 * {@link RUNTIME_STATUS_FILE}; empty while the file is missing or being replaced.
 */
export function readFunctionStatuses(dataDir: string): Record<string, FunctionProcessStatus> {
  try {
    return (JSON.parse(readFileSync(join(dataDir, RUNTIME_STATUS_FILE), 'utf8')) as { functions: Record<string, FunctionProcessStatus> })
      .functions;
  } catch {
    return {};
  }
}

/** The second business system of the demo: publishes companion events (operations, service, journeys). */
export const COMPANION_SYSTEM = { id: 'companion-platform', secret: 'companion-platform-dev-secret-0123456789' } as const;
/**
 * tx-console's dev operators in a local stack (printed by `txcenter start`): one operator, one viewer,
 * each with a password for the browser and a bearer token for scripts. Never used outside local runs.
 */
export const LOCAL_CONSOLE_USERS = {
  operator: { name: 'ops', role: 'operator', password: 'ops-dev-password', token: 'local-console-ops-token-0123456789' },
  viewer: { name: 'viewer', role: 'viewer', password: 'viewer-dev-password', token: 'local-console-viewer-token-0123456789' },
} as const;
const LOCAL_CONSOLE_SESSION_SECRET = 'local-console-session-secret-0123456789abcdef';

/** TXC_OPERATORS of the local stack (hashed once per process: scrypt costs ~40 ms a password). */
let localOperators: string | undefined;
function localOperatorsJson(): string {
  localOperators ??= JSON.stringify(
    Object.values(LOCAL_CONSOLE_USERS).map((user) => ({
      name: user.name,
      role: user.role,
      passwordHash: hashPasswordSync(user.password),
      tokenHash: hashToken(user.token),
    })),
  );
  return localOperators;
}
/** Key the touch-point sender signs its provider calls with in a local stack (the channel sink verifies it). */
export const LOCAL_CHANNEL_SECRET = 'local-channel-sink-secret-0123456789';

export interface StackOptions {
  /** Folder of every SQLite file and the broker journal. */
  readonly dataDir: string;
  /**
   * The transaction center's database; default `sqlite:<dataDir>/txcenter.db`. A `mysql://` URL lets
   * the function processes write concurrently without SQLite's file lock (the e2e benchmark).
   */
  readonly txcenterDatabaseUrl?: string;
  readonly ports: StackPorts;
  readonly timing: StackTiming;
  /** Concurrent pull loops per MQ trigger (FC scales consumer instances with the backlog). @default 1 */
  readonly pollersPerTrigger?: number;
  readonly logLevel?: string;
  readonly logger?: Logger;
  /**
   * Where every JSON log line of the stack goes — its own, the trading system's and the function
   * processes' (`txcenter start` passes a file under the data folder). @default the terminal
   */
  readonly logStream?: NodeJS.WritableStream;
  /** Function processes write V8 CPU profiles here, toggled by `CPU_PROFILE_SIGNAL` (benchmark analysis). */
  readonly cpuProfileDir?: string;
  /**
   * The trading system's `x-demo-fault` header and unauthenticated `/admin/faults` (demo runs only:
   * `start --no-demo` turns them off, so nobody on the port can switch faults on). @default true
   */
  readonly faultInjection?: boolean;
  /** The functions' alert webhook instead of the demo server's receiver (tests that hold a delivery). */
  readonly alertWebhookUrl?: string;
  /** How function processes start; @default 'bundle' (the startup benchmark compares with 'tsx'). */
  readonly functionLaunch?: FunctionLaunch;
}

export interface Stack {
  readonly dataDir: string;
  readonly broker: RunningBroker;
  readonly trading: TradingSystem;
  readonly demoServer: DemoServer;
  /** The channel providers' stand-in: what each customer received. */
  readonly channelSink: ChannelSink;
  readonly urls: {
    readonly gateway: string;
    readonly broker: string;
    readonly trading: string;
    readonly console: string;
    readonly alerts: string;
  };
  /** `sqlite:` URL of the transaction center's database (every function's TXC_DATABASE_URL). */
  readonly txcenterDatabaseUrl: string;
  /** The environment the functions run with (the reconciler and CLI tools read the same settings). */
  readonly environment: Readonly<Record<string, string>>;
  /** Where the stack's JSON logs go ({@link StackOptions.logStream}); undefined: the terminal. */
  readonly logStream: NodeJS.WritableStream | undefined;
  /** Process id of each function's process (CPU accounting, crash drills). */
  readonly pids: Readonly<Record<string, number>>;
  /** Supervision state of each function's process (restarts, last exit); also in `<dataDir>/runtime.json`. */
  functionStatus(): Record<string, FunctionProcessStatus>;
  /** SIGKILLs every function process (processes mode), as a host crash would. */
  killRuntime(): Promise<void>;
  /** Starts the runtime again after {@link killRuntime}. */
  restartRuntime(): Promise<void>;
  close(): Promise<void>;
}

/** The environment every function reads at cold start, for this stack. */
export function functionEnvironment(
  options: StackOptions,
  urls: { broker: string; trading: string; tradingCheckback: string; companionCheckback: string; alerts: string; channelsConfig?: string },
): Record<string, string> {
  const { timing } = options;
  const env: Record<string, string> = {
    TXC_DATABASE_URL: options.txcenterDatabaseUrl ?? `sqlite:${join(options.dataDir, 'txcenter.db')}`,
    TXC_MQ_ENDPOINT: urls.broker,
    TXC_MQ_ACCESS_KEY_ID: DEV_ACCESS_KEY_ID,
    TXC_MQ_ACCESS_KEY_SECRET: DEV_ACCESS_KEY_SECRET,
    TXC_LOG_LEVEL: options.logLevel ?? 'warn',
    TXC_SYSTEMS: JSON.stringify([
      { ...LOCAL_TRADING_SYSTEM, checkbackUrl: urls.tradingCheckback },
      { id: COMPANION_SYSTEM.id, secret: COMPANION_SYSTEM.secret, checkbackUrl: urls.companionCheckback },
    ]),
    TXC_TRADING_URL: urls.trading,
    TXC_ALERT_WEBHOOK_URL: urls.alerts,
    TXC_ALERT_WEBHOOK_FORMAT: 'dingtalk',
    TXC_OPERATORS: localOperatorsJson(),
    TXC_CONSOLE_SESSION_SECRET: LOCAL_CONSOLE_SESSION_SECRET,
    TXC_CONSOLE_COOKIE_SECURE: 'false',
    // Only tx-console reads it: the supervisor's restart counts on /metrics.
    TXC_LOCAL_RUNTIME_STATUS_FILE: join(options.dataDir, RUNTIME_STATUS_FILE),
    TXC_RECONCILE_STUCK_AFTER_SECONDS: String(timing.reconcileStuckAfterSeconds),
  };
  if (urls.channelsConfig !== undefined) env.TXC_CHANNELS = urls.channelsConfig;
  if (timing.checkImmunitySeconds !== undefined) env.TXC_CHECK_IMMUNITY_SECONDS = String(timing.checkImmunitySeconds);
  if (timing.consumerMaxAttempts !== undefined) env.TXC_CONSUMER_MAX_ATTEMPTS = String(timing.consumerMaxAttempts);
  if (timing.reconcileMaxSlaSeconds !== undefined) env.TXC_RECONCILE_MAX_SLA_SECONDS = String(timing.reconcileMaxSlaSeconds);
  if (timing.alertWindowSeconds !== undefined) env.TXC_ALERT_WINDOW_SECONDS = String(timing.alertWindowSeconds);
  if (timing.alertResendAfterSeconds !== undefined) env.TXC_ALERT_RESEND_AFTER_SECONDS = String(timing.alertResendAfterSeconds);
  return env;
}

/**
 * Starts the whole local system: broker, the demo's outside parties (alert receiver, companion
 * check-back), the example trading system and every catalog function on the runtime, with SQLite
 * files under `dataDir`. Order matters only for URLs: each part gets the URLs of the ones before it.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const logger = options.logger ?? createLogger('stack', options.logLevel ?? 'warn', options.logStream);
  const { dataDir, ports, timing } = options;
  mkdirSync(dataDir, { recursive: true });
  const broker = await startBroker({
    port: ports.broker,
    dataDir: join(dataDir, 'broker'),
    autoCreate: true,
    invisibilitySeconds: timing.invisibilitySeconds,
    halfRecheckSeconds: timing.halfRecheckSeconds,
    minCheckImmunitySeconds: timing.checkImmunitySeconds ?? 10,
  });
  const demoServer = await startDemoServer({
    port: ports.demo,
    companionSystemId: COMPANION_SYSTEM.id,
    companionSecret: COMPANION_SYSTEM.secret,
  });
  const channelSink = await startChannelSink({ secret: LOCAL_CHANNEL_SECRET });
  let runtimeUrls: Record<string, string> = {};
  const gatewayUrl = () => runtimeUrls['tx-gateway'] ?? `http://127.0.0.1:${ports.gateway}`;
  const trading = await startTradingSystem({
    port: ports.trading,
    databaseUrl: `sqlite:${join(dataDir, 'trading.db')}`,
    gatewayUrl,
    systemId: LOCAL_TRADING_SYSTEM.id,
    secret: LOCAL_TRADING_SYSTEM.secret,
    faultInjection: options.faultInjection ?? true,
    logger: createLogger('trading', options.logLevel ?? 'warn', options.logStream),
  });
  const env = functionEnvironment(options, {
    broker: broker.url,
    trading: trading.url,
    tradingCheckback: trading.checkbackUrl,
    companionCheckback: demoServer.companionCheckbackUrl,
    alerts: options.alertWebhookUrl ?? demoServer.alertWebhookUrl,
    channelsConfig: channelSink.channelsConfig,
  });
  let processes: FunctionProcesses | undefined;
  // A restarted runtime must come back on the same ports: callers (trading, demo) hold its URLs.
  const portOf = (url: string | undefined, fallback: number) => (url ? Number(new URL(url).port) : fallback);
  const startFunctions = async () => {
    const ports = {
      ...options.ports,
      gateway: portOf(runtimeUrls['tx-gateway'], options.ports.gateway),
      console: portOf(runtimeUrls['tx-console'], options.ports.console),
    };
    processes = await spawnFunctionProcesses(
      catalog().functions.map((fn) => fn.name),
      {
        env: {
          ...env,
          TXC_RUNTIME_TIME_SCALE: String(timing.timeScale),
          TXC_RUNTIME_POLLERS: String(options.pollersPerTrigger ?? 1),
          ...(timing.consumerTimeoutCapSeconds ? { TXC_RUNTIME_MAX_MQ_TIMEOUT_SECONDS: String(timing.consumerTimeoutCapSeconds) } : {}),
          ...(options.cpuProfileDir ? { TXC_RUNTIME_CPU_PROFILE_DIR: options.cpuProfileDir } : {}),
        },
        logger,
        logStream: options.logStream,
        launch: options.functionLaunch,
        statusFile: join(dataDir, RUNTIME_STATUS_FILE),
        httpPorts: { 'tx-gateway': ports.gateway, 'tx-console': ports.console },
      },
    );
    runtimeUrls = { ...processes.urls };
  };
  try {
    await startFunctions();
  } catch (error) {
    await Promise.all([trading.close(), demoServer.close(), channelSink.close(), broker.close()]);
    throw error;
  }
  return {
    dataDir,
    broker,
    trading,
    demoServer,
    channelSink,
    get urls() {
      return {
        gateway: gatewayUrl(),
        broker: broker.url,
        trading: trading.url,
        console: runtimeUrls['tx-console'] ?? '',
        alerts: demoServer.alertWebhookUrl,
      };
    },
    txcenterDatabaseUrl: env.TXC_DATABASE_URL!,
    environment: env,
    logStream: options.logStream,
    get pids() {
      return processes?.pids ?? {};
    },
    functionStatus() {
      return processes?.status() ?? {};
    },
    async killRuntime() {
      if (!processes) throw new RuntimeConfigError('the runtime is not running');
      const killed = processes;
      processes = undefined;
      await killed.kill();
    },
    async restartRuntime() {
      await startFunctions();
    },
    async close() {
      await processes?.close();
      await trading.close();
      await demoServer.close();
      await channelSink.close();
      await broker.close();
    },
  };
}
