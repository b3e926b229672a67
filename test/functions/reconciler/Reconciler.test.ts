import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../../local/broker';
import { DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, startBroker } from '../../../local/broker';
import { BusinessSystems } from '../../../shared/engines/auth';
import { catalog } from '../../../shared/engines/catalog';
import { createCheckbackEndpoint } from '../../../shared/engines/client';
import { contextWithDeadline } from '../../../shared/engines/invocation/InvocationContext';
import { createLogger } from '../../../shared/logger';
import { MqClient } from '../../../shared/adapters/mq';
import { formatReport, Reconciler, ReportStore, STUCK_ACTIONS } from '../../../shared/engines/reconcile';
import type { Database } from '../../../shared/adapters/store/Database';
import { openDatabase } from '../../../shared/adapters/store/openDatabase';
import { SqlTxStore } from '../../../shared/engines/tx';
import { tempDir } from '../../local/runtime/fixtures';
import { RecordingAlertSink } from '../../shared/engines/consumer/factories';

const SYSTEM = { id: 'fund-trading', secret: 'reconciler-test-secret-0123456789abcdef' };
const MINUTE_MS = 60_000;

describe('Class: Reconciler', () => {
  let database: Database;
  let db: Kysely<any>;
  let store: SqlTxStore;
  let broker: RunningBroker;
  let mq: MqClient;
  let server: Server;
  let answers: Map<string, 'COMMIT' | 'ROLLBACK' | 'UNKNOWN'>;
  let sink: RecordingAlertSink;
  let reconciler: Reconciler;
  const now = Date.now();

  beforeEach(async () => {
    database = await openDatabase(`sqlite:${join(tempDir('txc-reconcile-'), 'txc.db')}`);
    db = database.db;
    store = new SqlTxStore(db);
    broker = await startBroker({ port: 0, dataDir: tempDir('txc-reconcile-broker-'), autoCreate: true });
    mq = new MqClient({ endpoint: broker.url, accessKeyId: DEV_ACCESS_KEY_ID, accessKeySecret: DEV_ACCESS_KEY_SECRET });
    answers = new Map();
    const endpoint = createCheckbackEndpoint({
      systemId: SYSTEM.id,
      secret: SYSTEM.secret,
      decide: async (txId) => answers.get(txId) ?? 'UNKNOWN',
    });
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const answer = await endpoint({
          method: 'POST',
          path: request.url!,
          headers: request.headers as Record<string, string>,
          body: Buffer.concat(chunks).toString(),
        });
        response.writeHead(answer.status).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const checkbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/txc/checkback`;
    sink = new RecordingAlertSink();
    reconciler = new Reconciler({
      db,
      store,
      catalog: catalog(),
      systems: new BusinessSystems([{ ...SYSTEM, checkbackUrl }]),
      republisher: {
        async republish(tx, group) {
          await mq.publish(tx.topic, { body: tx.body, tag: tx.tag, key: tx.txId, properties: { TXC_REPLAY_GROUP: group } });
        },
      },
      alerts: sink,
      logger: createLogger('reconciler-test', 'silent'),
      policy: { stuckAfterSeconds: 60, lookbackSeconds: 86_400, batchLimit: 100 },
      now: () => now,
    });
  });

  afterEach(async () => {
    server.close();
    await broker.close();
    await database.close();
  });

  async function prepared(txId: string, ageMs: number, tag = 'DISCOUNT_PURCHASE', topic = 'TXC_FUND_TRADE'): Promise<void> {
    await store.insertPrepared(
      {
        txId,
        systemId: SYSTEM.id,
        businessKey: `bk-${txId}`,
        topic,
        tag,
        payloadHash: 'h',
        body: `{"v":1,"eventId":"${txId}"}`,
        properties: undefined,
        checkbackPath: undefined,
      },
      now - ageMs,
    );
  }

  async function consumed(group: string, txId: string, status = 'COMPLETED'): Promise<void> {
    await db
      .insertInto('txc_consume_barrier')
      .values({
        group_id: group,
        dedup_key: txId,
        status,
        payload_hash: 'h',
        message_id: `m-${group}`,
        topic: 'TXC_FUND_TRADE',
        tag: 'DISCOUNT_PURCHASE',
        event_id: status === 'COMPLETED' ? txId : null,
        business_key: null,
        attempts: 1,
        lease_token: 'x',
        lease_until: 0,
        next_attempt_at: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  const run = () => reconciler.run(contextWithDeadline('r1', 'reconciler', now + 10 * MINUTE_MS, Date.now));

  it('reports clean when nothing drifted, and leaves young transactions alone', async () => {
    await prepared('tx-young', 30_000);
    const report = await run();
    expect(report).toMatchObject({ clean: true, stuckPrepared: [], missingConsumption: [], deadLetters: { total: 0 }, truncated: false });
    expect(formatReport(report)).toContain('CLEAN');
    expect((await store.get('tx-young'))!.state).toBe('PREPARED');
  });

  it('re-drives the check-back of a transaction stuck in PREPARED and stores the answer', async () => {
    await prepared('tx-stuck-commit', 5 * MINUTE_MS);
    await prepared('tx-stuck-rollback', 5 * MINUTE_MS);
    answers.set('tx-stuck-commit', 'COMMIT');
    answers.set('tx-stuck-rollback', 'ROLLBACK');
    const report = await run();
    const byId = Object.fromEntries(report.stuckPrepared.map((s) => [s.txId, s]));
    expect(byId['tx-stuck-commit']).toMatchObject({ action: STUCK_ACTIONS.decided, decision: 'COMMIT' });
    expect(byId['tx-stuck-rollback']).toMatchObject({ action: STUCK_ACTIONS.decided, decision: 'ROLLBACK' });
    expect((await store.get('tx-stuck-commit'))!.state).toBe('COMMITTED');
    expect((await store.get('tx-stuck-rollback'))!.state).toBe('ROLLED_BACK');
    const timeline = await store.timeline('tx-stuck-commit');
    expect(timeline.some((event) => event.actor === 'reconciler')).toBe(true);
    expect(sink.alerts.map((a) => a.kind)).toEqual(['reconcile-drift']);
  });

  it('keeps asking while the business system cannot tell, then applies the undecided policy past max age', async () => {
    await prepared('tx-unknown', 5 * MINUTE_MS);
    await prepared('tx-ancient', 2 * 60 * MINUTE_MS);
    const report = await run();
    const byId = Object.fromEntries(report.stuckPrepared.map((s) => [s.txId, s]));
    expect(byId['tx-unknown']).toMatchObject({ action: STUCK_ACTIONS.stillUnknown });
    expect((await store.get('tx-unknown'))!.state).toBe('PREPARED');
    expect(byId['tx-ancient']).toMatchObject({ action: STUCK_ACTIONS.policyApplied, decision: 'ROLLBACK' });
    expect((await store.get('tx-ancient'))!.state).toBe('ROLLED_BACK');
    expect(sink.alerts.some((a) => a.kind === 'tx-undecided-policy' && a.severity === 'critical')).toBe(true);
  });

  it('re-publishes a committed transaction only to the expected subscribers that never consumed it', async () => {
    await prepared('tx-lost', 20 * MINUTE_MS);
    await store.decide('tx-lost', 'COMMIT', { actor: 'fund-trading', reason: 'client' }, now - 10 * MINUTE_MS);
    await consumed('GID_TXC_DATACENTER_TRADE', 'tx-lost');
    await prepared('tx-fine', 20 * MINUTE_MS);
    await store.decide('tx-fine', 'COMMIT', { actor: 'fund-trading', reason: 'client' }, now - 10 * MINUTE_MS);
    await consumed('GID_TXC_DATACENTER_TRADE', 'tx-fine');
    await consumed('GID_TXC_ORCH_TRADE', 'tx-fine');
    const report = await run();
    expect(report.missingConsumption).toEqual([
      expect.objectContaining({ txId: 'tx-lost', missingGroups: ['GID_TXC_ORCH_TRADE'], republished: true }),
    ]);
    const copies = await mq.consume('TXC_FUND_TRADE', 'GID_TXC_ORCH_TRADE', { waitSeconds: 1 });
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({
      key: 'tx-lost',
      tag: 'DISCOUNT_PURCHASE',
      properties: { TXC_REPLAY_GROUP: 'GID_TXC_ORCH_TRADE' },
      body: '{"v":1,"eventId":"tx-lost"}',
    });
    // A second run finds the same gap until the consumer records it: repairs are repeatable, never harmful.
    await consumed('GID_TXC_ORCH_TRADE', 'tx-lost');
    expect((await run()).missingConsumption).toEqual([]);
  });

  it('counts a dead-lettered group as handled and reports the dead-letter backlog', async () => {
    await prepared('tx-dlq', 20 * MINUTE_MS);
    await store.decide('tx-dlq', 'COMMIT', { actor: 'fund-trading', reason: 'client' }, now - 10 * MINUTE_MS);
    await consumed('GID_TXC_DATACENTER_TRADE', 'tx-dlq');
    await consumed('GID_TXC_ORCH_TRADE', 'tx-dlq', 'DEAD_LETTERED');
    await db
      .insertInto('txc_dead_letter')
      .values({
        id: 'dl-1',
        group_id: 'GID_TXC_ORCH_TRADE',
        topic: 'TXC_FUND_TRADE',
        tag: 'DISCOUNT_PURCHASE',
        message_key: 'tx-dlq',
        message_id: 'm1',
        dedup_key: 'tx-dlq',
        body: '{}',
        properties: '{}',
        error_code: 'TRADING_UNAVAILABLE',
        error_message: '503',
        error_kind: 'transient',
        attempts: 3,
        history: '[]',
        replay_of: null,
        status: 'NEW',
        replay_id: null,
        replay_message_id: null,
        replayed_at: null,
        dead_lettered_at: now - 90_000,
        received_at: now - 90_000,
      })
      .execute();
    const report = await run();
    expect(report.missingConsumption).toEqual([]);
    expect(report.deadLetters).toEqual({ total: 1, byGroup: [{ group: 'GID_TXC_ORCH_TRADE', count: 1, oldestAgeSeconds: 90 }] });
    expect(report.clean).toBe(false);
    const reports = new ReportStore(db);
    await reports.save(report);
    expect((await reports.latest())!.runId).toBe(report.runId);
  });
});
