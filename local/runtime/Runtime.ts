import type { Catalog, FunctionDef } from '../../shared/engines/catalog';
import { catalog as builtInCatalog } from '../../shared/engines/catalog';
import type { Logger } from '../../shared/logger';
import { createLogger } from '../../shared/logger';
import type { MqConnection } from '../../shared/adapters/mq';
import { MqClient } from '../../shared/adapters/mq';
import type { Clock } from '../broker/core/clock';
import { systemClock } from '../broker/core/clock';
import { RuntimeConfigError } from './errors';
import { HttpTrigger } from './HttpTrigger';
import { loadFunctionHandler } from './loadHandler';
import type { MqRetryPolicy } from './MqTrigger';
import { FC_BACKOFF_RETRY, MqTrigger } from './MqTrigger';
import { parseSchedule } from './schedule';
import { TimerTrigger } from './TimerTrigger';
import type { FcHandler, HandlerLoader, RuntimeEvent } from './types';

/** The gateway's port in the cloud-like local layout (DESIGN.md §2.4; the README's URLs). */
export const DEFAULT_GATEWAY_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
/** Long-poll seconds per MQ pull; also the longest a clean shutdown waits for a poll to return. */
export const DEFAULT_POLL_WAIT_SECONDS = 2;

export interface RuntimeOptions {
  /** Broker endpoint and credentials the MQ triggers pull with. */
  readonly mq: MqConnection;
  /** Defaults to the built-in catalog: the same definitions deployment uses. */
  readonly catalog?: Catalog;
  /** Defaults to importing `functions/<name>/handler.ts`. */
  readonly loadHandler?: HandlerLoader;
  /** Run only these functions (default: every catalog function). */
  readonly functions?: readonly string[];
  readonly host?: string;
  /** Port per HTTP-triggered function; tx-gateway defaults to 8080, others to an ephemeral port. */
  readonly httpPorts?: Readonly<Record<string, number>>;
  /**
   * Divides `@every` timer intervals and MQ retry backoffs (the demo uses 20–30 so one-minute timers
   * fire every few seconds). Production behaviour is 1.
   */
  readonly timeScale?: number;
  /** Replaces a function's timer schedule (`@every 2s`, or a six-field cron), keyed by function name. */
  readonly timerOverrides?: Readonly<Record<string, string>>;
  /** MQ batch retry policy; defaults to FC's BACKOFF_RETRY divided by `timeScale`. */
  readonly mqRetry?: MqRetryPolicy;
  readonly pollWaitSeconds?: number;
  /** Concurrent pull loops per MQ trigger (default 1). */
  readonly pollersPerTrigger?: number;
  /** Replaces a function's timeout in ms, keyed by function name (deadline tests). */
  readonly timeoutOverridesMs?: Readonly<Record<string, number>>;
  /**
   * Caps the timeout (ms) of invocations by MQ triggers. A crashed consumer's messages wait for its
   * run's deadline (the consume barrier's lease keeps a slow but living run from being doubled), so a
   * shorter timeout makes crash recovery faster; the chaos drill uses it.
   */
  readonly maxMqTimeoutMs?: number;
  readonly logger?: Logger;
  readonly onEvent?: (event: RuntimeEvent) => void;
  /** Runs timer schedules, retry backoffs and invocation deadlines (tests pass a manual clock). */
  readonly clock?: Clock;
}

export interface CloseOptions {
  /**
   * Do not wait for the MQ triggers' long polls to end (up to one poll wait): for a process that exits
   * right after. What such a poll still receives is never acked, so the broker redelivers it.
   * Invocations in flight are always waited for. @default false
   */
  readonly abandonPolls?: boolean;
}

/** A running local runtime. */
export interface Runtime {
  /** Base URL of each HTTP-triggered function, by function name. */
  readonly urls: Readonly<Record<string, string>>;
  /** Fires a function's timer now and waits for the invocation (e.g. run the reconciler on demand). */
  fireTimer(functionName: string): Promise<void>;
  /** Stops triggers (HTTP servers, timers, pulls) and waits for in-flight invocations. */
  close(options?: CloseOptions): Promise<void>;
}

function scaled(policy: MqRetryPolicy, timeScale: number): MqRetryPolicy {
  return { retries: policy.retries, minBackoffMs: policy.minBackoffMs / timeScale, maxBackoffMs: policy.maxBackoffMs / timeScale };
}

/**
 * Starts every catalog function with the trigger it has in the cloud: HTTP → one server per function
 * speaking the FC 3.0 HTTP event; timer → its schedule with FC's timer event; MQ → pulls by group and
 * tag from the broker with the real SDK and delivers CloudEvents batches with FC's retry behaviour.
 * The function list comes from the catalog, the one list deployment also reads.
 *
 * @example
 * const runtime = await startRuntime({ mq: { endpoint: broker.url, accessKeyId, accessKeySecret } });
 * await fetch(`${runtime.urls['tx-gateway']}/v1/transactions/…`);
 * await runtime.close();
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const catalog = options.catalog ?? builtInCatalog();
  const logger = options.logger ?? createLogger('runtime');
  const onEvent = options.onEvent ?? (() => undefined);
  const timeScale = options.timeScale ?? 1;
  const clock = options.clock ?? systemClock;
  if (!(timeScale >= 1)) throw new RuntimeConfigError(`timeScale must be ≥ 1, got ${timeScale}`);
  const host = options.host ?? DEFAULT_HOST;
  const load = options.loadHandler ?? loadFunctionHandler;
  const selected: FunctionDef[] = options.functions
    ? options.functions.map((name) => catalog.function(name) ?? throwUnknown(name))
    : [...catalog.functions];
  const mqTimeoutOf = (fn: FunctionDef): number | undefined =>
    options.timeoutOverridesMs?.[fn.name] ??
    (options.maxMqTimeoutMs !== undefined && fn.timeoutSeconds * 1_000 > options.maxMqTimeoutMs ? options.maxMqTimeoutMs : undefined);
  const handlers = new Map<string, FcHandler>();
  for (const fn of selected) handlers.set(fn.name, await load(fn.name));

  const mq = new MqClient(options.mq);
  const retry = options.mqRetry ?? scaled(FC_BACKOFF_RETRY, timeScale);
  const http: HttpTrigger[] = [];
  const timers = new Map<string, TimerTrigger>();
  const pullers: MqTrigger[] = [];
  const urls: Record<string, string> = {};
  try {
    for (const fn of selected) {
      const handler = handlers.get(fn.name)!;
      const timeoutMs = options.timeoutOverridesMs?.[fn.name];
      for (const trigger of fn.triggers) {
        if (trigger.type === 'http') {
          const port = options.httpPorts?.[fn.name] ?? (fn.name === 'tx-gateway' ? DEFAULT_GATEWAY_PORT : 0);
          const server = await HttpTrigger.start({
            fn,
            trigger: trigger.name,
            methods: trigger.methods,
            handler,
            port,
            host,
            logger,
            onEvent,
            timeoutMs,
            clock,
          });
          http.push(server);
          urls[fn.name] = server.url;
        } else if (trigger.type === 'timer') {
          const schedule = parseSchedule(options.timerOverrides?.[fn.name] ?? trigger.cron, timeScale);
          timers.set(
            fn.name,
            new TimerTrigger({ fn, trigger: trigger.name, payload: trigger.payload, schedule, handler, logger, onEvent, timeoutMs, clock }),
          );
        }
      }
    }
    for (const resolved of catalog.mqTriggers()) {
      const handler = handlers.get(resolved.function);
      if (!handler) continue;
      pullers.push(
        new MqTrigger({
          fn: catalog.function(resolved.function)!,
          resolved,
          handler,
          mq,
          instanceId: options.mq.instanceId ?? '',
          logger,
          onEvent,
          retry,
          pollWaitSeconds: options.pollWaitSeconds ?? DEFAULT_POLL_WAIT_SECONDS,
          pollers: options.pollersPerTrigger ?? 1,
          timeoutMs: mqTimeoutOf(catalog.function(resolved.function)!),
          clock,
        }),
      );
    }
  } catch (error) {
    await Promise.all(http.map((server) => server.close()));
    throw error;
  }
  for (const timer of timers.values()) timer.start();
  for (const puller of pullers) puller.start();
  logger.info(
    { functions: selected.map((fn) => fn.name), urls, timers: [...timers.keys()], mqTriggers: pullers.length },
    'runtime started',
  );

  let closing: Promise<void> | undefined;
  return {
    urls,
    async fireTimer(functionName) {
      const timer = timers.get(functionName);
      if (!timer) throw new RuntimeConfigError(`function '${functionName}' has no running timer trigger`);
      await timer.fireNow();
    },
    close(closeOptions = {}) {
      closing ??= (async () => {
        await Promise.all([
          ...http.map((server) => server.close()),
          ...[...timers.values()].map((timer) => timer.close()),
          ...pullers.map((puller) => puller.close(closeOptions.abandonPolls)),
        ]);
        onEvent({ type: 'closed' });
        logger.info({}, 'runtime stopped');
      })();
      return closing;
    },
  };
}

function throwUnknown(name: string): never {
  throw new RuntimeConfigError(`function '${name}' is not in the catalog`);
}
