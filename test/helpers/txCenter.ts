import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { BrokerInternals, RunningBroker } from '../../local/broker';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, startBroker } from '../../local/broker';
import type { Alert, AlertSink } from '../../shared/engines/alert/AlertSink';
import type { BusinessSystem } from '../../shared/engines/auth';
import { BusinessSystems, signRequest } from '../../shared/engines/auth';
import { catalog } from '../../shared/engines/catalog';
import { CheckbackRunner } from '../../shared/engines/checkback';
import type { CheckbackDeps } from '../../shared/engines/checkback';
import type { HttpRequest, HttpResponse } from '../../shared/engines/invocation/InvocationContext';
import { contextWithDeadline } from '../../shared/engines/invocation/InvocationContext';
import { createLogger } from '../../shared/logger';
import { MqClient } from '../../shared/adapters/mq';
import type { Database } from '../../shared/adapters/store/Database';
import { PlainEventPublisher, SqlTxStore, TxCoordinator } from '../../shared/engines/tx';
import type { TxTables } from '../../shared/engines/tx';
import { createTxGatewayApp } from '../../shared/engines/txgateway';

/** Short broker timings so check-back paths run in seconds (the cloud: 10 s immunity, 10 s recheck). */
export const TEST_CHECK_IMMUNITY_SECONDS = 2;
export const TEST_HALF_RECHECK_SECONDS = 1;

export const FUND_TRADE = { topic: 'TXC_FUND_TRADE', tag: 'DISCOUNT_PURCHASE' } as const;
/** A plain-event scenario (normal topic). */
export const COMPANION_OPS = { topic: 'TXC_COMPANION', tag: 'OPERATIONS' } as const;

/** Two business systems: tenant isolation needs a second one. */
export function testSystems(checkbackBase = 'http://127.0.0.1:9/checkback'): BusinessSystem[] {
  return [
    { id: 'fund-trading', secret: 'fund-trading-secret-0123456789abcdef', checkbackUrl: checkbackBase },
    { id: 'companion', secret: 'companion-secret-0123456789abcdefghij', checkbackUrl: checkbackBase },
  ];
}

/** Records alerts for assertions. */
export class RecordingAlertSink implements AlertSink {
  readonly alerts: Alert[] = [];
  async raise(alert: Alert): Promise<void> {
    this.alerts.push(alert);
  }
}

export async function startTestBroker(
  dataDir = mkdtempSync(join(tmpdir(), 'txc-broker-')),
  port = 0,
  internals: BrokerInternals = {},
): Promise<RunningBroker> {
  return startBroker(
    { port, dataDir, autoCreate: true, minCheckImmunitySeconds: 1, halfRecheckSeconds: TEST_HALF_RECHECK_SECONDS },
    internals,
  );
}

export function testMqClient(url: string): MqClient {
  return new MqClient(
    { endpoint: url, accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET },
    { minCheckImmunitySeconds: 1 },
  );
}

/** Builds a signed neutral request as a business system would send it. */
export function signedRequest(system: BusinessSystem, method: string, path: string, body = '', now = Date.now()): HttpRequest {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { ...signRequest(system.id, system.secret, { method, path, timestamp: now, body }), 'content-type': 'application/json' },
    body,
    isBase64Encoded: false,
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r',
      timeEpoch: now,
    },
  } as unknown as HttpRequest;
}

export function testContext(budgetMs = 30_000) {
  return contextWithDeadline('test', 'test', Date.now() + budgetMs);
}

export interface TxCenterFixture {
  readonly broker: RunningBroker;
  readonly mq: MqClient;
  readonly database: Database;
  readonly store: SqlTxStore;
  readonly coordinator: TxCoordinator;
  readonly systems: BusinessSystem[];
  readonly alerts: RecordingAlertSink;
  /** Calls the gateway app in-process with a signed request. */
  call(system: BusinessSystem, method: string, path: string, body?: unknown): Promise<HttpResponse & { json: any }>;
  checkback(overrides?: Partial<CheckbackDeps>): CheckbackRunner;
  close(): Promise<void>;
}

/** Broker + database + gateway app + check-back runner, all real, for one test file. */
export async function startTxCenter(
  database: Database,
  options: { checkbackBase?: string; broker?: RunningBroker } = {},
): Promise<TxCenterFixture> {
  const broker = options.broker ?? (await startTestBroker());
  const mq = testMqClient(broker.url);
  const store = new SqlTxStore(database.db as Kysely<TxTables>);
  const logger = createLogger('test', 'silent');
  const coordinator = new TxCoordinator({ store, broker: mq, catalog: catalog(), checkImmunitySeconds: TEST_CHECK_IMMUNITY_SECONDS });
  const systems = testSystems(options.checkbackBase);
  const registry = new BusinessSystems(systems);
  const events = new PlainEventPublisher({ store, broker: mq, catalog: catalog() });
  const app = createTxGatewayApp({ coordinator, events, secretOf: registry.secretOf, logger });
  const alerts = new RecordingAlertSink();
  return {
    broker,
    mq,
    database,
    store,
    coordinator,
    systems,
    alerts,
    async call(system, method, path, body) {
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      const response = await app(signedRequest(system, method, path, text), testContext());
      return { ...response, json: JSON.parse(response.body) };
    },
    checkback: (overrides = {}) =>
      new CheckbackRunner({
        store,
        broker: mq,
        catalog: catalog(),
        systems: registry,
        alerts,
        logger,
        safetyMarginMs: 500,
        checkbackTimeoutMs: 1_000,
        ...overrides,
      }),
    async close() {
      if (!options.broker) await broker.close();
      await database.close();
    },
  };
}

/** A message as the drain helpers return it. */
export type DrainedMessage = { key: string | undefined; body: string; tag: string | undefined };

/** One pull of up to 16 messages from `group` on `topic`, acked. */
async function pullOnce(mq: MqClient, topic: string, group: string, waitSeconds: number): Promise<DrainedMessage[]> {
  const messages = await mq.consume(topic, group, { maxMessages: 16, waitSeconds });
  if (messages.length > 0)
    await mq.ack(
      topic,
      group,
      messages.map((m) => m.receiptHandle),
    );
  return messages.map((m) => ({ key: m.key, body: m.body, tag: m.tag }));
}

/**
 * Pulls what is visible to `group` on `topic` right now, with short polls until one comes back empty
 * (acks it). For brokers on a manual clock, where a long poll would wait for the test to move time.
 */
export async function drainVisible(mq: MqClient, topic: string, group: string): Promise<DrainedMessage[]> {
  const seen: DrainedMessage[] = [];
  for (;;) {
    const messages = await pullOnce(mq, topic, group, 0);
    if (messages.length === 0) return seen;
    seen.push(...messages);
  }
}

/**
 * Pulls from `group` on `topic` (acking) until a message keyed `key` came, then everything else visible
 * at that moment, so a duplicate already published is in the result too; gives up after `waitMs`. For
 * messages published before the call returns: nothing publishes later, so there is nothing to wait for.
 */
export async function drainUntilKey(mq: MqClient, topic: string, group: string, key: string, waitMs = 5_000): Promise<DrainedMessage[]> {
  const seen: DrainedMessage[] = [];
  const until = Date.now() + waitMs;
  while (!seen.some((message) => message.key === key) && Date.now() < until) seen.push(...(await pullOnce(mq, topic, group, 1)));
  return [...seen, ...(await drainVisible(mq, topic, group))];
}

/** Pulls everything visible to `group` on `topic` for up to `waitMs` (acks it). */
export async function drainTopic(mq: MqClient, topic: string, group: string, waitMs = 1_500): Promise<DrainedMessage[]> {
  const seen: DrainedMessage[] = [];
  const until = Date.now() + waitMs;
  while (Date.now() < until) seen.push(...(await pullOnce(mq, topic, group, waitMs >= 1_000 ? 1 : 0)));
  return seen;
}
