import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_COMPLIANCE_RULES } from '../../../../shared/domain/compliance/complianceRules';
import { complianceHandler } from '../../../../shared/domain/compliance/complianceHandler';
import { ConsumerRuntime } from '../../../../shared/engines/consumer/ConsumerRuntime';
import type { IncomingMessage } from '../../../../shared/engines/consumer/types';
import { reconcileReviews } from '../../../../shared/domain/touchpoints/reviewGate';
import { findTouchpoint, touchpointHandler } from '../../../../shared/domain/touchpoints/touchpointHandler';
import type { TestDatabase } from '../../../helpers/databases';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';
import { mysqlQueriesDuring } from '../../../helpers/mysqlQueries';
import { envelopeBody, incoming, invocation, RecordingAlertSink, RecordingPublisher, silentLogger } from '../../engines/consumer/factories';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const clean = {
  customerId: 'C10001',
  channel: 'app',
  title: '市场波动提醒',
  content: '基金有风险，投资需谨慎。请保持长期投资心态。',
  productRisk: 'R3',
  customerRiskLevel: 'C3',
};
const promise = { ...clean, channel: 'sms', content: '本基金保本保收益，稳赚不赔！' };
const unsuitable = { ...clean, productRisk: 'R4', customerRiskLevel: 'C2' };

describe.each(DATABASE_CASES)('compliance gates touch-points on $dialect', ({ dialect, open }) => {
  const skip = dialect === 'mysql' && mysqlSkip !== undefined;
  let database: TestDatabase;
  let alerts: RecordingAlertSink;
  let ops: ConsumerRuntime;
  let compliance: ConsumerRuntime;

  beforeEach(async () => {
    if (skip) return;
    database = await open();
    alerts = new RecordingAlertSink();
    const runtime = (group: string, handler: ConstructorParameters<typeof ConsumerRuntime>[0]['handler']) =>
      new ConsumerRuntime({
        group,
        handler,
        db: database.db,
        publisher: new RecordingPublisher(),
        alerts,
        logger: silentLogger,
        retryDelay: () => 0,
        maxAttempts: 5,
      });
    ops = runtime('GID_TXC_OPS', touchpointHandler());
    compliance = runtime('GID_TXC_COMPLIANCE', complianceHandler(DEFAULT_COMPLIANCE_RULES));
  });
  afterEach(async () => {
    if (!skip) await database.close();
  });

  const event = (payload: unknown) => incoming('TXC_COMPANION', 'OPERATIONS', envelopeBody('TXC_COMPANION', 'OPERATIONS', payload));
  const eventIdOf = (message: IncomingMessage) => message.key!;
  const deliver = async (runtime: ConsumerRuntime, message: IncomingMessage) => {
    // Redeliver until settled (a deadlock or busy snapshot is transient and retried, as the broker would).
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const outcome = await runtime.processMessage({ ...message, deliveryCount: attempt + 1 }, invocation(), 'pull');
      if (outcome.settled) return outcome;
    }
    throw new Error(`not settled: ${eventIdOf(message)}`);
  };

  it.skipIf(skip)('operations first: PENDING_REVIEW until compliance passes it, then APPROVED', async () => {
    const message = event(clean);
    const queries = (await mysqlQueriesDuring(async () => void (await deliver(ops, message)))).filter((q) => q !== 'set autocommit = 0');
    // MySQL: the touch-point and its gate go with the barrier row in the COMMIT's round trip (after a new session's setup).
    if (dialect === 'mysql') {
      expect(queries).toHaveLength(1);
      expect(queries[0]).toMatch(
        /^insert ignore into `txc_consume_barrier`.*;\ninsert into `txc_touchpoint`.*;\nupdate `txc_touchpoint`.*;\ncommit$/s,
      );
    }
    expect(await findTouchpoint(database.db, eventIdOf(message))).toMatchObject({
      status: 'PENDING_REVIEW',
      kind: 'MARKETING',
      owner: 'fund-app',
    });
    await deliver(compliance, message);
    expect(await findTouchpoint(database.db, eventIdOf(message))).toMatchObject({ status: 'APPROVED', reviewFindings: [] });
    expect(alerts.alerts).toEqual([]);
  });

  it.skipIf(skip)('compliance first: the touch-point is created APPROVED at once', async () => {
    const message = event(clean);
    await deliver(compliance, message);
    expect(await findTouchpoint(database.db, eventIdOf(message))).toBeUndefined();
    await deliver(ops, message);
    expect(await findTouchpoint(database.db, eventIdOf(message))).toMatchObject({ status: 'APPROVED' });
  });

  it.each([
    ['operations first', 'ops'],
    ['compliance first', 'compliance'],
  ] as const)('%s: a forbidden promise is BLOCKED with its findings and one alert to the owner', async (_name, first) => {
    if (skip) return;
    const message = event(promise);
    const order = first === 'ops' ? [ops, compliance] : [compliance, ops];
    for (const runtime of order) await deliver(runtime, message);
    // Redelivery of both is a duplicate: nothing moves, no second alert.
    for (const runtime of order) expect((await deliver(runtime, message)).kind).toBe('duplicate');
    const touchpoint = await findTouchpoint(database.db, eventIdOf(message));
    expect(touchpoint).toMatchObject({ status: 'BLOCKED' });
    expect(touchpoint!.reviewFindings!.map((f) => f.rule)).toEqual(['principal-protected', 'guaranteed-return']);
    expect(alerts.alerts).toHaveLength(1);
    expect(alerts.alerts[0]).toMatchObject({ kind: 'compliance-violation', details: { owner: 'fund-app', eventId: eventIdOf(message) } });
  });

  it.skipIf(skip)('suitability still applies: an R4 product for a C2 customer is BLOCKED', async () => {
    const message = event(unsuitable);
    await deliver(ops, message);
    await deliver(compliance, message);
    const touchpoint = await findTouchpoint(database.db, eventIdOf(message));
    expect(touchpoint).toMatchObject({ status: 'BLOCKED' });
    expect(touchpoint!.reviewFindings).toEqual([expect.objectContaining({ rule: 'suitability', evidence: 'R4 > C2' })]);
  });

  it.skipIf(skip)('both consumers at the same moment: every touch-point ends reviewed, none left pending', async () => {
    const messages = Array.from({ length: 12 }, (_, i) => event(i % 3 === 0 ? promise : clean));
    await Promise.all(messages.flatMap((message) => [deliver(ops, message), deliver(compliance, message)]));
    for (const [i, message] of messages.entries()) {
      expect((await findTouchpoint(database.db, eventIdOf(message)))!.status).toBe(i % 3 === 0 ? 'BLOCKED' : 'APPROVED');
    }
  });

  it.skipIf(skip)(
    'the reconciler flags a touch-point with no verdict past the SLA, and completes a join whose verdict is there',
    async () => {
      const waiting = event(clean);
      await deliver(ops, waiting);
      const joined = event(clean);
      await deliver(ops, joined);
      // A verdict written without its join (as if a consumer's join were lost): the reconciler completes it.
      await database.db
        .insertInto('txc_compliance_verdict')
        .values({
          event_id: eventIdOf(joined),
          business_key: 'bk',
          tag: 'OPERATIONS',
          verdict: 'PASS',
          rule_set: 'r',
          findings: '[]',
          reviewed_at: Date.now(),
        })
        .execute();
      expect(await reconcileReviews(database.db, Date.now(), 600, 100)).toEqual({ completed: 0, overdue: [] });
      const later = await reconcileReviews(database.db, Date.now() + 601_000, 600, 100);
      expect(later.completed).toBe(1);
      expect(later.overdue).toEqual([expect.objectContaining({ eventId: eventIdOf(waiting), owner: 'fund-app', channel: 'app' })]);
      expect((await findTouchpoint(database.db, eventIdOf(joined)))!.status).toBe('APPROVED');
      expect((await findTouchpoint(database.db, eventIdOf(waiting)))!.status).toBe('PENDING_REVIEW');
    },
  );
});
