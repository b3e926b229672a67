import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archiveByBusinessKey, archiveHandler } from '../../../shared/domain/archive/archiveHandler';
import { complianceHandler, verdictOf } from '../../../shared/domain/compliance/complianceHandler';
import { DEFAULT_COMPLIANCE_RULES } from '../../../shared/domain/compliance/complianceRules';
import { findJourney, journeyHandler } from '../../../shared/domain/journeys/journeyHandler';
import { findTicket, ticketHandler } from '../../../shared/domain/tickets/ticketHandler';
import { MessageRejectedError, REJECTION_CODES, TransientFailureError } from '../../../shared/engines/consumer/errors';
import type { HandlerContext, IncomingMessage, MessageHandler } from '../../../shared/engines/consumer/types';
import type { TestDatabase } from '../../helpers/databases';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../helpers/databases';
import { envelopeBody, incoming, invocation } from '../engines/consumer/factories';

// The domain handlers called directly — decode, handle, apply the effects in a transaction — on a real
// migrated SQLite database, without a broker or the consumer runtime (those suites cover delivery).
const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const COMPANION = 'TXC_COMPANION';

describe('domain handlers, called directly', () => {
  let database: TestDatabase;
  let clock = T0;
  const now = () => clock;

  beforeEach(async () => {
    database = await DATABASE_CASES[0].open();
    clock = T0;
  });
  afterEach(() => database.close());

  /** decode → handle → apply in one transaction, as the consumer runtime does; returns the effects. */
  async function deliver<T>(handler: MessageHandler<T>, message: IncomingMessage, group = 'GID_TEST') {
    const decoded = handler.decode(message);
    const context: HandlerContext = { group, message, attempt: 1, invocation: invocation(), db: database.db };
    const effects = await handler.handle(decoded, context);
    await database.db.transaction().execute((trx) => effects.apply(trx));
    return effects;
  }

  const ticket = (action: string, extra: Record<string, unknown> = {}, eventId?: string) =>
    incoming(
      COMPANION,
      'CUSTOMER_SERVICE',
      envelopeBody(COMPANION, 'CUSTOMER_SERVICE', { action, ticketNo: 'T-1', customerId: 'C1', subject: 'redeem', ...extra }, eventId),
    );

  describe('ticketHandler (consumer-cs)', () => {
    it('opens a ticket with its defaults, then updates and closes it, one revision per event', async () => {
      const handler = ticketHandler(now);
      expect((await deliver(handler, ticket('open'))).summary).toBe('ticket T-1 open');
      expect(await findTicket(database.db, 'T-1')).toEqual({
        ticketNo: 'T-1',
        customerId: 'C1',
        status: 'OPEN',
        priority: 'normal',
        revision: 1,
      });
      await deliver(handler, ticket('update', { priority: 'urgent' }));
      await deliver(handler, ticket('close'));
      expect(await findTicket(database.db, 'T-1')).toMatchObject({ status: 'CLOSED', priority: 'normal', revision: 3 });
      const events = await database.db.selectFrom('txc_ticket_event').select('action').orderBy('at').execute();
      expect(events.map((e) => e.action).sort()).toEqual(['close', 'open', 'update']);
    });

    it('an update before the open is transient (retried until the open arrives), and writes nothing', async () => {
      const handler = ticketHandler(now);
      const early = ticket('update');
      await expect(handler.handle(handler.decode(early), contextFor(early))).rejects.toBeInstanceOf(TransientFailureError);
      expect(await findTicket(database.db, 'T-1')).toBeUndefined();
    });

    it('refuses a bad ticket number or action as a permanent rejection', () => {
      const handler = ticketHandler(now);
      for (const bad of [ticket('open', { ticketNo: 'T 1' }), ticket('reopen')])
        expect(() => handler.decode(bad)).toThrow(expect.objectContaining({ code: REJECTION_CODES.badPayload }));
    });
  });

  describe('archiveHandler (consumer-datacenter)', () => {
    it('archives every delivery by message id, queryable by business key in publish order', async () => {
      const handler = archiveHandler(now);
      expect(handler.dedupBy).toBe('messageId');
      const body = envelopeBody(COMPANION, 'CUSTOMER_SERVICE', { any: 'thing' }, 'tx-a', 'order-9');
      const later = incoming(COMPANION, 'CUSTOMER_SERVICE', body, { publishTime: T0 + 5 });
      const first = incoming(COMPANION, 'CUSTOMER_SERVICE', body, { publishTime: T0 });
      await deliver(handler, later, 'GID_TXC_DATACENTER');
      await deliver(handler, first, 'GID_TXC_DATACENTER');
      const archived = await archiveByBusinessKey(database.db, 'order-9');
      expect(archived.map((a) => a.messageId)).toEqual([first.messageId, later.messageId]);
      expect(archived[0]).toMatchObject({ group: 'GID_TXC_DATACENTER', eventId: 'tx-a', source: 'fund-app', body, publishedAt: T0 });
      expect(await archiveByBusinessKey(database.db, 'nothing')).toEqual([]);
    });

    it('refuses a body that is not an envelope', () => {
      expect(() => archiveHandler(now).decode(incoming(COMPANION, 'X', '{"v":1}'))).toThrow(MessageRejectedError);
    });
  });

  describe('complianceHandler (consumer-compliance)', () => {
    const operations = (content: string) =>
      incoming(
        COMPANION,
        'OPERATIONS',
        envelopeBody(COMPANION, 'OPERATIONS', { customerId: 'C1', channel: 'app', title: '市场提醒', content }),
      );

    it('stores PASS for clean content and raises no alert', async () => {
      const message = operations('基金有风险，投资需谨慎。');
      const effects = await deliver(complianceHandler(DEFAULT_COMPLIANCE_RULES, now), message);
      expect(effects.summary).toBe('compliance PASS');
      expect(effects.alerts).toEqual([]);
      expect(await verdictOf(database.db, message.key!)).toMatchObject({ verdict: 'PASS', findings: [] });
    });

    it('stores VIOLATION with its findings and alerts the content owner', async () => {
      const message = operations('本基金保本保收益，稳赚不赔！');
      const effects = await deliver(complianceHandler(DEFAULT_COMPLIANCE_RULES, now), message);
      expect(effects.summary).toMatch(/^compliance VIOLATION: /);
      expect(effects.alerts).toEqual([
        expect.objectContaining({
          kind: 'compliance-violation',
          severity: 'warning',
          incidentKey: `compliance-violation:${message.key}`,
          details: expect.objectContaining({ owner: 'fund-app', eventId: message.key }),
        }),
      ]);
      expect(effects.alerts![0]!.title).toContain('Compliance blocked OPERATIONS content');
      const verdict = await verdictOf(database.db, message.key!);
      expect(verdict?.verdict).toBe('VIOLATION');
      expect(verdict?.findings.length).toBeGreaterThan(0);
    });

    it('reviews only OPERATIONS and ORCHESTRATION: another tag is a route mismatch', () => {
      const message = incoming(COMPANION, 'CUSTOMER_SERVICE', envelopeBody(COMPANION, 'CUSTOMER_SERVICE', {}));
      expect(() => complianceHandler(DEFAULT_COMPLIANCE_RULES, now).decode(message)).toThrow(
        expect.objectContaining({ code: REJECTION_CODES.routeMismatch }),
      );
    });
  });

  function contextFor(message: IncomingMessage): HandlerContext {
    return { group: 'GID_TEST', message, attempt: 1, invocation: invocation(), db: database.db };
  }
});

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

// The journey upsert is SQL of each dialect (stage order in a CASE): both run for real.
describe.each(DATABASE_CASES)('journeyHandler (consumer-orchestration) on $dialect', ({ dialect, open }) => {
  const maybe = it.skipIf(dialect === 'mysql' && mysqlSkip !== undefined);
  const now = () => T0;
  const step = (stage: string, name: string, dueAt?: string) =>
    incoming(
      COMPANION,
      'ORCHESTRATION',
      envelopeBody(COMPANION, 'ORCHESTRATION', {
        journeyId: 'J-1',
        customerId: 'C1',
        stage,
        step: name,
        title: 'step',
        content: 'content',
        ...(dueAt ? { dueAt } : {}),
      }),
    );

  maybe('starts a journey, advances it, and records a late earlier-stage step without moving back', async () => {
    const database = await open();
    try {
      const handler = journeyHandler(now);
      expect(handler.localOnly).toBe(true);
      const deliver = async (message: IncomingMessage) => {
        const decoded = handler.decode(message);
        const context: HandlerContext = { group: 'GID_TEST', message, attempt: 1, invocation: invocation(), db: database.db };
        const effects = await handler.handle(decoded, context);
        await database.db.transaction().execute((trx) => effects.apply(trx));
      };
      await deliver(step('pre', 'risk-quiz'));
      expect(await findJourney(database.db, 'J-1')).toEqual({
        journeyId: 'J-1',
        customerId: 'C1',
        stage: 'pre',
        step: 'risk-quiz',
        stepsDone: 1,
      });
      const due = '2026-12-27T09:00:00.000Z';
      await deliver(step('post', 'first-report', due));
      expect(await findJourney(database.db, 'J-1')).toMatchObject({
        stage: 'post',
        step: 'first-report',
        stepsDone: 2,
        nextDueAt: Date.parse(due),
      });
      await deliver(step('during', 'order-placed'));
      expect(await findJourney(database.db, 'J-1')).toMatchObject({
        stage: 'post',
        step: 'first-report',
        stepsDone: 3,
        nextDueAt: Date.parse(due),
      });
      await deliver(step('post', 'review'));
      expect(await findJourney(database.db, 'J-1')).toMatchObject({ stage: 'post', step: 'review', stepsDone: 4, nextDueAt: undefined });
      const steps = await database.db.selectFrom('txc_journey_step').select('step').where('journey_id', '=', 'J-1').execute();
      expect(steps).toHaveLength(4);
    } finally {
      await database.close();
    }
  });
});
