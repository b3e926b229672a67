/**
 * @module local/broker — a local RocketMQ HTTP broker that the real `@aliyunmq/mq-http-sdk` talks to.
 *
 * @example
 * const broker = await startBroker({ port: 0, dataDir: '/tmp/broker', autoCreate: true });
 * const client = new MQClient(broker.url, DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET);
 * await client.getProducer('', 'TopicA').publishMessage('hello', 'TagA');
 * await broker.close();
 */
import type { AddressInfo } from 'node:net';
import { IdGenerator } from './core/ids';
import { BrokerCore } from './core/BrokerCore';
import type { BrokerStateView, DeadLetterView } from './core/BrokerCore';
import type { Clock } from './core/clock';
import { systemClock } from './core/clock';
import { Resources } from './core/resources';
import { createBrokerServer } from './http/server';
import type { BrokerOptions } from './options';
import { orderedInvisibilitySeconds, resolveBrokerOptions } from './options';
import { Journal } from './storage/Journal';

export { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET } from './options';
export type { BrokerOptions, DeclaredResourcesInput } from './options';
export type { BrokerStateView, DeadLetterView } from './core/BrokerCore';
export { ADMIN_PATHS } from './http/admin';
export { MQ_ERROR_CODES, MqAuthError, MqError, MqInvalidRequestError, MqNotFoundError, mqError } from './errors';
export type { MqErrorCode } from './errors';

/** Lifecycle of a running broker. */
export type BrokerEvent =
  | { readonly type: 'listening'; readonly url: string }
  | { readonly type: 'internalError'; readonly error: unknown }
  | { readonly type: 'closed' };

export interface RunningBroker {
  /** Base URL to pass to `new MQClient(url, …)`, e.g. `http://127.0.0.1:9876`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Topics, groups and backlog / in-flight / dead-letter counts (same as `GET /admin/state`). */
  state(): BrokerStateView;
  /** Dead letters, optionally filtered (same as `GET /admin/dead-letters`). */
  deadLetters(filter?: { ns?: string; topic?: string; group?: string }): DeadLetterView[];
  /** Current journal size in bytes. */
  journalBytes(): number;
  /** Rewrites the journal as a snapshot now (normally automatic when it grows). */
  compact(): Promise<void>;
  /** Subscribes to lifecycle events; returns an unsubscribe function. */
  onEvent(listener: (event: BrokerEvent) => void): () => void;
  /** Stops accepting requests, answers parked long polls, flushes the journal and closes it. */
  close(): Promise<void>;
  /** Resolves once the broker has closed. */
  closed(): Promise<void>;
}

/** Test hooks that are not part of the documented options. */
export interface BrokerInternals {
  readonly clock?: Clock;
}

/** Starts a broker: replays `dataDir`, then listens. Resolves once it accepts connections. */
export async function startBroker(options: BrokerOptions, internals: BrokerInternals = {}): Promise<RunningBroker> {
  const resolved = resolveBrokerOptions(options);
  const clock = internals.clock ?? systemClock;
  const ids = new IdGenerator();
  const listeners = new Set<(event: BrokerEvent) => void>();
  const emit = (event: BrokerEvent): void => listeners.forEach((listener) => listener(event));
  let core: BrokerCore | undefined;
  const { journal, records } = Journal.open({
    dataDir: resolved.dataDir,
    compactBytes: resolved.compactBytes,
    snapshot: () => (core as BrokerCore).snapshot(),
  });
  core = new BrokerCore(
    {
      invisibilityMs: resolved.invisibilitySeconds * 1000,
      orderedInvisibilityMs: orderedInvisibilitySeconds(resolved) * 1000,
      maxReconsume: resolved.maxReconsume,
      halfRecheckMs: resolved.halfRecheckSeconds * 1000,
      minCheckImmunitySeconds: resolved.minCheckImmunitySeconds,
      halfGiveUpMs: resolved.halfGiveUpSeconds * 1000,
    },
    new Resources(resolved.autoCreate, resolved.declared),
    journal,
    clock,
    ids,
  );
  core.replay(records);
  const secrets = new Map(resolved.credentials.map((c) => [c.accessKeyId, c.accessKeySecret]));
  let url = '';
  const server = createBrokerServer({
    core,
    secretOf: (id) => secrets.get(id),
    now: () => clock.now(),
    ids,
    hostId: () => url,
    journalBytes: () => journal.bytes,
    onInternalError: (error) => emit({ type: 'internalError', error }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${port}`;
  emit({ type: 'listening', url });

  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => {};
  const closedPromise = new Promise<void>((resolve) => (markClosed = resolve));
  const liveCore = core;
  return {
    url,
    port,
    dataDir: resolved.dataDir,
    state: () => liveCore.inspect(),
    deadLetters: (filter) => liveCore.deadLetters(filter),
    journalBytes: () => journal.bytes,
    compact: () => journal.compactNow(),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        liveCore.close(); // answers parked long polls so their connections can finish
        server.closeIdleConnections();
        // A connection whose answer was still being written goes idle later; a keep-alive client would
        // hold it open until its timeout, so idle ones are closed until the server has stopped.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        await stopped;
        clearInterval(sweep);
        await journal.close();
        emit({ type: 'closed' });
        markClosed();
      })();
      return closing;
    },
    closed: () => closedPromise,
  };
}
