import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDingTalk } from '../../../../shared/engines/alert/dingTalkSignature';
import { archiveByBusinessKey } from '../../../../shared/domain/archive/archiveHandler';
import { verdictOf } from '../../../../shared/domain/compliance/complianceHandler';
import { DeadLetterStore } from '../../../../shared/engines/dlq/DeadLetterStore';
import { replayDeadLetters } from '../../../../shared/engines/dlq/replayDeadLetters';
import { findTicket } from '../../../../shared/domain/tickets/ticketHandler';
import { findJourney } from '../../../../shared/domain/journeys/journeyHandler';
import { envelopeBody } from './factories';
import { startConsumerStack, WEBHOOK_SECRET } from './consumerStack';

const COMPANION = 'TXC_COMPANION';
const TRADE = 'TXC_FUND_TRADE';

const ops = (customerId: string) => ({
  customerId,
  channel: 'app',
  title: '市场波动陪伴',
  content: '近期市场波动加大，基金有风险，投资需谨慎。',
  productRisk: 'R3',
  customerRiskLevel: 'C4',
});
const orch = (journeyId: string) => ({
  journeyId,
  customerId: 'C1001',
  stage: 'during',
  step: 'first-dip-explainer',
  title: 'Why your fund dipped',
  content: 'Past performance does not indicate future results.',
});
const cs = (ticketNo: string, action = 'open') => ({
  action,
  ticketNo,
  customerId: 'C1001',
  category: 'redemption',
  subject: '赎回到账时间咨询',
});
const purchase = (orderId: string) => ({ orderId, customerId: 'C1001', fundCode: '000001', amount: '1000.00', feeRate: '0.0000' });

describe('Consumers against the local broker with the real SDK', () => {
  let stack: Awaited<ReturnType<typeof startConsumerStack>>;
  const tradingAnswers = new Map<string, { status: number; body: unknown }[]>();

  beforeAll(async () => {
    stack = await startConsumerStack({
      maxAttempts: 3,
      trading: (request) => {
        const { orderId } = JSON.parse(request.body) as { orderId: string };
        return tradingAnswers.get(orderId)?.shift() ?? { status: 200, body: { reference: `TRD-${orderId}` } };
      },
    });
  });
  afterAll(async () => stack?.close());

  const publish = async (topic: string, tag: string, payload: unknown, eventId = `tx-${randomUUID()}`) => {
    const body = envelopeBody(topic, tag, payload, eventId);
    await stack.mq.publish(topic, { body, tag, key: eventId });
    return { eventId, body };
  };
  const groupsDone = async (eventId: string) =>
    (
      await stack.db
        .selectFrom('txc_consume_barrier')
        .select(['group_id', 'status'])
        .where('event_id', '=', eventId)
        .where('status', '=', 'COMPLETED')
        .execute()
    )
      .map((r: { group_id: string }) => r.group_id)
      .sort();
  /** Every group that touched the event in any state (a wrongly routed message would show up dead-lettered). */
  const groupsSeen = async (eventId: string) =>
    [
      ...new Set(
        (
          await stack.db
            .selectFrom('txc_consume_barrier')
            .select('group_id')
            .where((eb) => eb.or([eb('event_id', '=', eventId), eb('dedup_key', '=', eventId)]))
            .execute()
        ).map((r: { group_id: string }) => r.group_id),
      ),
    ].sort();
  const deadLetters = () => new DeadLetterStore(stack.db).list({ limit: 1_000 });
  const alertsOfKind = (kind: string) =>
    stack.webhook.requests.filter((r) => (JSON.parse(r.body) as { markdown: { text: string } }).markdown.text.includes(`> ${kind} ·`));

  it('routes by tag: each group receives exactly its tags and nothing else, and applies its effect', async () => {
    const o = await publish(COMPANION, 'OPERATIONS', ops('C2001'));
    const c = await publish(COMPANION, 'CUSTOMER_SERVICE', cs('TK-ROUTE'));
    const j = await publish(COMPANION, 'ORCHESTRATION', orch('J-ROUTE'));
    const t = await publish(TRADE, 'DISCOUNT_PURCHASE', purchase('ORD-ROUTE'));
    const archived = async (eventId: string) => (await archiveByBusinessKey(stack.db, `bk-${eventId}`)).length;
    await stack.pumpUntil(
      async () =>
        (await groupsDone(o.eventId)).length === 3 &&
        (await groupsDone(c.eventId)).length === 2 &&
        (await groupsDone(j.eventId)).length === 3 &&
        (await groupsDone(t.eventId)).length === 2,
    );
    // Let any wrongly routed delivery arrive before asserting "nothing else".
    await stack.pumpUntil(async () => true);
    expect(await groupsSeen(o.eventId)).toEqual(['GID_TXC_COMPLIANCE', 'GID_TXC_DATACENTER', 'GID_TXC_OPS']);
    expect(await groupsSeen(c.eventId)).toEqual(['GID_TXC_CS', 'GID_TXC_DATACENTER']);
    expect(await groupsSeen(j.eventId)).toEqual(['GID_TXC_COMPLIANCE', 'GID_TXC_DATACENTER', 'GID_TXC_ORCH']);
    expect(await groupsSeen(t.eventId)).toEqual(['GID_TXC_DATACENTER_TRADE', 'GID_TXC_ORCH_TRADE']);
    expect(await stack.db.selectFrom('txc_touchpoint').select('customer_id').where('event_id', '=', o.eventId).executeTakeFirst()).toEqual({
      customer_id: 'C2001',
    });
    expect(await findTicket(stack.db, 'TK-ROUTE')).toMatchObject({ status: 'OPEN', revision: 1 });
    expect(await findJourney(stack.db, 'J-ROUTE')).toMatchObject({ stage: 'during', step: 'first-dip-explainer', stepsDone: 1 });
    expect((await verdictOf(stack.db, o.eventId))?.verdict).toBe('PASS');
    expect(
      await stack.db.selectFrom('txc_slave_purchase').select(['order_id', 'amount_fen']).where('tx_id', '=', t.eventId).executeTakeFirst(),
    ).toEqual({ order_id: 'ORD-ROUTE', amount_fen: 100_000 });
    const tradingCalls = stack.trading.requests.filter((r) => r.headers['idempotency-key'] === t.eventId);
    expect(tradingCalls).toHaveLength(1);
    expect(JSON.parse(tradingCalls[0]!.body)).toEqual({
      txId: t.eventId,
      orderId: 'ORD-ROUTE',
      customerId: 'C1001',
      fundCode: '000001',
      amount: '1000.00',
    });
    expect(await archived(c.eventId)).toBe(1);
    expect(await stack.runtime('GID_TXC_CS').barrier.hasConsumed('GID_TXC_OPS', c.eventId)).toBe(false);
  });

  it('delivers a duplicate (same key published twice) with one effect per keyed group', async () => {
    const { eventId, body } = await publish(COMPANION, 'OPERATIONS', ops('C3001'));
    await stack.mq.publish(COMPANION, { body, tag: 'OPERATIONS', key: eventId });
    await stack.pumpUntil(async () => (await archiveByBusinessKey(stack.db, `bk-${eventId}`)).length === 2);
    await stack.pumpUntil(async () => new Set(await groupsDone(eventId)).size === 3);
    expect(await stack.db.selectFrom('txc_touchpoint').select('event_id').where('event_id', '=', eventId).execute()).toHaveLength(1);
    expect(await stack.db.selectFrom('txc_compliance_verdict').select('event_id').where('event_id', '=', eventId).execute()).toHaveLength(
      1,
    );
    const attempts = await stack.db
      .selectFrom('txc_consume_attempt')
      .select('outcome')
      .where('group_id', '=', 'GID_TXC_OPS')
      .where('dedup_key', '=', eventId)
      .execute();
    expect(attempts).toEqual([{ outcome: 'applied' }]);
  });

  it('dead-letters poison messages after the configured attempts with exactly one signed alert, then replays them once', async () => {
    // Two updates of a ticket never opened: transient failures until attempts run out (same incident).
    const p1 = await publish(COMPANION, 'CUSTOMER_SERVICE', cs('TK-POISON', 'update'));
    const p2 = await publish(COMPANION, 'CUSTOMER_SERVICE', cs('TK-POISON', 'update'));
    await stack.pumpUntil(async () => (await deadLetters()).filter((d) => d.group === 'GID_TXC_CS').length === 2);
    const letters = (await deadLetters()).filter((d) => d.group === 'GID_TXC_CS');
    for (const letter of letters) {
      expect(letter).toMatchObject({
        topic: COMPANION,
        tag: 'CUSTOMER_SERVICE',
        attempts: 3,
        status: 'NEW',
        error: { code: 'TICKET_NOT_OPENED_YET' },
      });
      expect(letter.history.map((h) => h.attempt)).toEqual([1, 2, 3]);
    }
    expect(letters.map((l) => l.messageKey).sort()).toEqual([p1.eventId, p2.eventId].sort());
    const poisonAlerts = stack.webhook.requests.filter((r) => r.body.includes('TICKET_NOT_OPENED_YET'));
    expect(poisonAlerts).toHaveLength(1);
    const url = new URL(poisonAlerts[0]!.url, 'http://x');
    expect(url.searchParams.get('sign')).toBe(signDingTalk(WEBHOOK_SECRET, Number(url.searchParams.get('timestamp'))));
    expect(JSON.parse(poisonAlerts[0]!.body)).toMatchObject({
      msgtype: 'markdown',
      markdown: { title: expect.stringContaining('GID_TXC_CS') },
    });

    // The cause is fixed (the ticket is opened); a dry run publishes nothing; the replay runs each once.
    await publish(COMPANION, 'CUSTOMER_SERVICE', cs('TK-POISON', 'open'));
    await stack.pumpUntil(async () => (await findTicket(stack.db, 'TK-POISON')) !== undefined);
    const store = new DeadLetterStore(stack.db);
    const preview = await replayDeadLetters(store, stack.mq, { filter: { group: 'GID_TXC_CS' }, dryRun: true });
    expect(preview.counts['would-replay']).toBe(2);
    expect((await store.list({ group: 'GID_TXC_CS' })).every((l) => l.status === 'NEW')).toBe(true);
    const report = await replayDeadLetters(store, stack.mq, {
      filter: { group: 'GID_TXC_CS', tag: 'CUSTOMER_SERVICE' },
      dryRun: false,
      ratePerSecond: 50,
    });
    expect(report.results.map((r) => r.result)).toEqual(['replayed', 'replayed']);
    await stack.pumpUntil(async () => (await findTicket(stack.db, 'TK-POISON'))?.revision === 3);
    await stack.pumpUntil(async () => true);
    expect(await findTicket(stack.db, 'TK-POISON')).toMatchObject({ status: 'IN_PROGRESS', revision: 3 });
    expect((await stack.db.selectFrom('txc_ticket_event').select('action').where('ticket_no', '=', 'TK-POISON').execute()).length).toBe(3);
    // Datacenter already archived the originals and does not archive the replays (they target GID_TXC_CS only).
    expect(await archiveByBusinessKey(stack.db, `bk-${p1.eventId}`)).toHaveLength(1);
    const again = await replayDeadLetters(store, stack.mq, { filter: { ids: letters.map((l) => l.id) }, dryRun: false });
    expect(again.results.map((r) => r.code)).toEqual(['ALREADY_REPLAYED', 'ALREADY_REPLAYED']);
  });

  it('dead-letters a permanent refusal at once, and a replay that fails again is flagged, never looped', async () => {
    tradingAnswers.set(
      'ORD-POOR',
      [1, 2].map(() => ({ status: 400, body: { code: 'INSUFFICIENT_BALANCE', message: '钱包余额不足' } })),
    );
    const t = await publish(TRADE, 'DISCOUNT_PURCHASE', purchase('ORD-POOR'));
    const store = new DeadLetterStore(stack.db);
    await stack.pumpUntil(async () => (await store.list({ group: 'GID_TXC_ORCH_TRADE' })).length === 1);
    const [letter] = await store.list({ group: 'GID_TXC_ORCH_TRADE' });
    expect(letter).toMatchObject({ attempts: 1, error: { kind: 'permanent', code: 'INSUFFICIENT_BALANCE' }, messageKey: t.eventId });
    const report = await replayDeadLetters(store, stack.mq, { filter: { ids: [letter!.id] }, dryRun: false });
    expect(report.counts.replayed).toBe(1);
    await stack.pumpUntil(async () => (await store.list({ group: 'GID_TXC_ORCH_TRADE' })).length === 2);
    const replayFailure = (await store.list({ group: 'GID_TXC_ORCH_TRADE' })).find((l) => l.replayOf === letter!.id);
    expect(replayFailure).toMatchObject({ status: 'REPLAY_FAILED', error: { code: 'INSUFFICIENT_BALANCE' } });
    expect((await store.get(letter!.id))?.status).toBe('REPLAY_FAILED');
    expect(alertsOfKind('dead-letter-replay-failed')).toHaveLength(1);
    const refused = await replayDeadLetters(store, stack.mq, { filter: { group: 'GID_TXC_ORCH_TRADE' }, dryRun: false });
    expect(refused.results.map((r) => r.code).sort()).toEqual(['REPLAY_FAILED_BEFORE', 'REPLAY_LOOP']);
    expect(stack.trading.requests.filter((r) => r.headers['idempotency-key'] === t.eventId)).toHaveLength(2);
  });

  it('dead-letters bad bodies (not JSON, wrong schema, oversized) at once with a clear reason', async () => {
    const bad = [
      { key: `tx-bad-json-${randomUUID()}`, body: '{"v":1, oops', code: 'MESSAGE_NOT_JSON' },
      {
        key: `tx-bad-schema-${randomUUID()}`,
        body: envelopeBody(COMPANION, 'OPERATIONS', { customerId: 'C1', channel: 'pigeon' }),
        code: 'MESSAGE_PAYLOAD_INVALID',
      },
      {
        key: `tx-bad-size-${randomUUID()}`,
        body: envelopeBody(COMPANION, 'OPERATIONS', { ...ops('C1'), content: '很长'.repeat(20_000) }),
        code: 'MESSAGE_TOO_LARGE',
      },
    ];
    for (const { key, body } of bad) await stack.mq.publish(COMPANION, { body, tag: 'OPERATIONS', key });
    const opsLetters = async () =>
      (await new DeadLetterStore(stack.db).list({ group: 'GID_TXC_OPS' })).filter((l) => bad.some((b) => b.key === l.messageKey));
    await stack.pumpUntil(async () => (await opsLetters()).length === 3);
    for (const { key, code } of bad) {
      const letter = (await opsLetters()).find((l) => l.messageKey === key)!;
      expect(letter, code).toMatchObject({ attempts: 1, error: { kind: 'permanent', code } });
      expect(letter.error.message.length).toBeGreaterThan(10);
    }
    const oversized = (await opsLetters()).find((l) => l.error.code === 'MESSAGE_TOO_LARGE')!;
    const report = await replayDeadLetters(new DeadLetterStore(stack.db), stack.mq, { filter: { ids: [oversized.id] }, dryRun: false });
    expect(report.results[0]).toMatchObject({ result: 'refused', code: 'BODY_NOT_REPLAYABLE' });
  });
});
