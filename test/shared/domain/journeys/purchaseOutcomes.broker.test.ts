import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchMysqlDatabase } from '../../../../local/scratchMysqlDatabase';
import { findJourney } from '../../../../shared/domain/journeys/journeyHandler';
import { journeyIdOf, ORCHESTRATION_SYSTEM, POST_PURCHASE_REVIEW_AFTER_MS } from '../../../../shared/domain/journeys/purchaseFollowUps';
import { findTicket } from '../../../../shared/domain/tickets/ticketHandler';
import { findTouchpoint } from '../../../../shared/domain/touchpoints/touchpointHandler';
import { TransientFailureError } from '../../../../shared/engines/consumer/errors';
import { DeadLetterStore } from '../../../../shared/engines/dlq/DeadLetterStore';
import { MYSQL_TEST_URL, mysqlUnavailableReason } from '../../../helpers/databases';
import { startConsumerStack } from '../../engines/consumer/consumerStack';
import { envelopeBody } from '../../engines/consumer/factories';

const FIXTURE = fileURLToPath(new URL('./crashAfterFollowUp.fixture.ts', import.meta.url));

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const TRADE = 'TXC_FUND_TRADE';

describe.each(['sqlite', 'mysql'] as const)('Discount purchase final states and follow-ups (local broker) on %s', (dialect) => {
  const skip = dialect === 'mysql' && mysqlSkip !== undefined;
  let stack: Awaited<ReturnType<typeof startConsumerStack>>;
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  /** Trading answers per order id (default: purchased). */
  const answers = new Map<string, { status: number; body: unknown }>();
  /** Transaction ids whose consumer "dies" once right after publishing the follow-up, before committing. */
  const crashAfterFollowUp = new Set<string>();

  beforeAll(async () => {
    if (skip) return;
    scratch = dialect === 'mysql' ? await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_t') : undefined;
    stack = await startConsumerStack({
      databaseUrl: scratch?.url,
      maxAttempts: 3,
      trading: (request) => {
        const { orderId } = JSON.parse(request.body) as { orderId: string };
        return answers.get(orderId) ?? { status: 201, body: { orderId: `F${orderId}`, applied: true } };
      },
      followUps: (real) => ({
        async publish(systemId, request) {
          const published = await real.publish(systemId, request);
          const txId = request.businessKey.slice(request.businessKey.indexOf(':') + 1);
          // The event is stored and sent; failing here leaves the effects uncommitted, as a crash would.
          if (crashAfterFollowUp.delete(txId)) throw new TransientFailureError('SIMULATED_CRASH', 'died after the follow-up event');
          return published;
        },
      }),
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
  });

  const purchase = async (orderId: string, customerId = 'C1001') => {
    const eventId = `tx-${randomUUID()}`;
    const body = envelopeBody(
      TRADE,
      'DISCOUNT_PURCHASE',
      { orderId, customerId, fundCode: '519674', amount: '1000.00', feeRate: '0.0015', fee: '1.50' },
      eventId,
    );
    await stack.mq.publish(TRADE, { body, tag: 'DISCOUNT_PURCHASE', key: eventId });
    return { eventId, occurredAt: Date.parse((JSON.parse(body) as { occurredAt: string }).occurredAt) };
  };
  const slaveRecord = (txId: string) => stack.db.selectFrom('txc_slave_purchase').selectAll().where('tx_id', '=', txId).execute();
  const followUpEvents = (businessKey: string) =>
    stack.db
      .selectFrom('txc_tx')
      .selectAll()
      .where('system_id', '=', ORCHESTRATION_SYSTEM)
      .where('business_key', '=', businessKey)
      .execute();
  const completed = async (group: string, eventId: string) =>
    (await stack.db
      .selectFrom('txc_consume_barrier')
      .select('status')
      .where('group_id', '=', group)
      .where((eb) => eb.or([eb('dedup_key', '=', eventId), eb('event_id', '=', eventId)]))
      .where('status', '=', 'COMPLETED')
      .executeTakeFirst()) !== undefined;

  it.skipIf(skip)('FUND_PURCHASED advances the journey 投中 → 投后 with a post-purchase review due, through one plain event', async () => {
    const customerId = `C-J-${dialect}`;
    const { eventId, occurredAt } = await purchase(`ORD-J-${dialect}`, customerId);
    await stack.pumpUntil(async () => {
      const [record] = await slaveRecord(eventId);
      return record?.follow_up_event_id ? completed('GID_TXC_ORCH', record.follow_up_event_id) : false;
    });
    const [record] = await slaveRecord(eventId);
    expect(record).toMatchObject({ outcome: 'FUND_PURCHASED', refusal_code: null, order_id: `ORD-J-${dialect}` });
    expect(Number(record!.fee_fen)).toBe(150);
    const events = await followUpEvents(`purchase-journey:${eventId}`);
    expect(events.map((e) => [e.tx_id, e.kind, e.topic, e.tag, e.state])).toEqual([
      [record!.follow_up_event_id, 'PLAIN', 'TXC_COMPANION', 'ORCHESTRATION', 'COMMITTED'],
    ]);
    expect(await findJourney(stack.db, journeyIdOf(customerId))).toMatchObject({
      customerId,
      stage: 'post',
      step: 'post-purchase-review',
      stepsDone: 1,
      nextDueAt: occurredAt + POST_PURCHASE_REVIEW_AFTER_MS,
    });
    // It is companion content like any other: compliance reviews it and the data center archives it.
    await stack.pumpUntil(
      async () =>
        (await completed('GID_TXC_COMPLIANCE', record!.follow_up_event_id)) &&
        (await completed('GID_TXC_DATACENTER', record!.follow_up_event_id)),
    );
  });

  it.skipIf(skip)(
    'a consumer that dies after the follow-up event and before its commit still ends with one purchase record and one journey event',
    async () => {
      const customerId = `C-CRASH-${dialect}`;
      const { eventId } = await purchase(`ORD-CRASH-${dialect}`, customerId);
      crashAfterFollowUp.add(eventId);
      await stack.pumpUntil(async () => {
        const [record] = await slaveRecord(eventId);
        return record?.follow_up_event_id ? completed('GID_TXC_ORCH', record.follow_up_event_id) : false;
      });
      await stack.pumpUntil(async () => true); // let any second copy arrive before counting
      expect(crashAfterFollowUp.has(eventId)).toBe(false);
      const attempts = await stack.db
        .selectFrom('txc_consume_attempt')
        .select(['attempt', 'outcome', 'error_code'])
        .where('group_id', '=', 'GID_TXC_ORCH_TRADE')
        .where('dedup_key', '=', eventId)
        .orderBy('attempt')
        .execute();
      expect(attempts.map((a) => [a.attempt, a.outcome, a.error_code])).toEqual([
        [1, 'transient', 'SIMULATED_CRASH'],
        [2, 'applied', null],
      ]);
      // The trading system was asked twice under one idempotency key (it buys once per txId).
      expect(stack.trading.requests.filter((r) => r.headers['idempotency-key'] === eventId)).toHaveLength(2);
      expect(await slaveRecord(eventId)).toHaveLength(1);
      const events = await followUpEvents(`purchase-journey:${eventId}`);
      expect(events).toHaveLength(1);
      const steps = await stack.db.selectFrom('txc_journey_step').selectAll().where('journey_id', '=', journeyIdOf(customerId)).execute();
      expect(steps.map((s) => s.event_id)).toEqual([events[0]!.tx_id]);
      expect(await findJourney(stack.db, journeyIdOf(customerId))).toMatchObject({ stage: 'post', stepsDone: 1 });
    },
  );

  it.skipIf(skip)(
    'a consumer SIGKILLed between the follow-up event and its commit: the redelivery ends with one purchase record and one journey event',
    async () => {
      const customerId = `C-KILL-${dialect}`;
      const { eventId } = await purchase(`ORD-KILL-${dialect}`, customerId);
      const marker = join(stack.dir, `kill-${dialect}.marker`);
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, stack.broker.url, stack.databaseUrl, stack.trading.url, marker], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      const deadline = Date.now() + 30_000;
      while (!existsSync(marker) && Date.now() < deadline) await sleep(50);
      expect(existsSync(marker), stderr).toBe(true);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // Killed after the event, before the commit: the event is out, the purchase not yet recorded.
      const eventBeforeKill = readFileSync(marker, 'utf8');
      expect((await followUpEvents(`purchase-journey:${eventId}`)).map((e) => e.tx_id)).toEqual([eventBeforeKill]);
      expect(await slaveRecord(eventId)).toEqual([]);
      const barrier = () =>
        stack.db
          .selectFrom('txc_consume_barrier')
          .select(['status', 'attempts'])
          .where('group_id', '=', 'GID_TXC_ORCH_TRADE')
          .where('dedup_key', '=', eventId)
          .executeTakeFirst();
      expect(await barrier()).toMatchObject({ status: 'IN_PROGRESS', attempts: 1 });

      await stack.pumpUntil(
        async () => (await slaveRecord(eventId)).length === 1 && (await completed('GID_TXC_ORCH', eventBeforeKill)),
        45_000,
      );
      await stack.pumpUntil(async () => true); // let any second copy arrive before counting
      const [record] = await slaveRecord(eventId);
      expect(record).toMatchObject({ outcome: 'FUND_PURCHASED', follow_up_event_id: eventBeforeKill });
      expect(await followUpEvents(`purchase-journey:${eventId}`)).toHaveLength(1);
      const steps = await stack.db.selectFrom('txc_journey_step').selectAll().where('journey_id', '=', journeyIdOf(customerId)).execute();
      expect(steps.map((s) => s.event_id)).toEqual([eventBeforeKill]);
      expect(await barrier()).toMatchObject({ status: 'COMPLETED', attempts: 2 });
      expect(stack.trading.requests.filter((r) => r.headers['idempotency-key'] === eventId)).toHaveLength(2);
    },
    90_000,
  );

  it.skipIf(skip)(
    'a refusal for good ends FUND_PURCHASE_REFUSED with the reason, not a dead letter, and customer service tells the customer',
    async () => {
      const orderId = `ORD-REFUSED-${dialect}`;
      answers.set(orderId, {
        status: 409,
        body: { error: { code: 'FUND_CLOSED', message: 'fund 519674 is closed to subscriptions (暂停申购)', refused: true } },
      });
      const { eventId } = await purchase(orderId, 'C1002');
      const ticketNo = `PR-${eventId}`;
      await stack.pumpUntil(
        async () => (await findTouchpoint(stack.db, (await slaveRecord(eventId))[0]?.follow_up_event_id ?? '-')) !== undefined,
      );
      const [record] = await slaveRecord(eventId);
      expect(record).toMatchObject({
        outcome: 'FUND_PURCHASE_REFUSED',
        refusal_code: 'FUND_CLOSED',
        refusal_reason: 'fund 519674 is closed to subscriptions (暂停申购)',
        fee_fen: null,
        trading_reference: null,
      });
      expect(await findTicket(stack.db, ticketNo)).toMatchObject({ customerId: 'C1002', status: 'OPEN', priority: 'high' });
      expect(await findTouchpoint(stack.db, record!.follow_up_event_id)).toMatchObject({
        customerId: 'C1002',
        channel: 'sms',
        kind: 'TRANSACTION_NOTICE',
        status: 'APPROVED',
        owner: ORCHESTRATION_SYSTEM,
      });
      expect(await followUpEvents(`purchase-refused:${eventId}`)).toHaveLength(1);
      expect(await followUpEvents(`purchase-journey:${eventId}`)).toHaveLength(0);
      expect((await new DeadLetterStore(stack.db).list({ limit: 1_000 })).filter((l) => l.messageKey === eventId)).toEqual([]);
    },
  );

  it.skipIf(skip)('a 4xx without refused: true (a malformed or mismatched order) is still dead-lettered, not a final state', async () => {
    const orderId = `ORD-MISMATCH-${dialect}`;
    answers.set(orderId, { status: 409, body: { error: { code: 'SLAVE_ORDER_MISMATCH', message: 'other details' } } });
    const { eventId } = await purchase(orderId);
    await stack.pumpUntil(async () => (await new DeadLetterStore(stack.db).list({ limit: 1_000 })).some((l) => l.messageKey === eventId));
    const [letter] = (await new DeadLetterStore(stack.db).list({ limit: 1_000 })).filter((l) => l.messageKey === eventId);
    expect(letter).toMatchObject({ error: { kind: 'permanent', code: 'SLAVE_ORDER_MISMATCH' } });
    expect(await slaveRecord(eventId)).toEqual([]);
  });
});
