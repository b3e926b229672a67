import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveHandler } from '../../shared/domain/archive/archiveHandler';
import { complianceHandler } from '../../shared/domain/compliance/complianceHandler';
import { DEFAULT_COMPLIANCE_RULES } from '../../shared/domain/compliance/complianceRules';
import { ConsumerRuntime } from '../../shared/engines/consumer/ConsumerRuntime';
import type { IncomingMessage } from '../../shared/engines/consumer/types';
import { encodeMessageJson } from '../../shared/engines/events/envelope';
import { ticketHandler } from '../../shared/domain/tickets/ticketHandler';
import { touchpointHandler } from '../../shared/domain/touchpoints/touchpointHandler';
import type { TestDatabase } from '../helpers/databases';
import { DATABASE_CASES } from '../helpers/databases';
import { invocation, RecordingAlertSink, RecordingPublisher, silentLogger } from '../shared/engines/consumer/factories';
import { deepJsonText, hostileJson, nastyString, NOT_XML_TEXT, propertyParameters } from './properties';

// Generated message bodies and keys through the consumer runtime with the real domain handlers and
// SQLite: a message is always settled (applied, dead-lettered, duplicate or a conflict) — hostile
// input is never retried as if the database were down — and every dead letter is publishable XML text.

const TOPIC = 'TXC_COMPANION';

let database: TestDatabase;
const publisher = new RecordingPublisher();
let runtimes: ConsumerRuntime[];

beforeAll(async () => {
  database = await DATABASE_CASES[0].open();
  const common = {
    db: database.db,
    publisher,
    alerts: new RecordingAlertSink(),
    logger: silentLogger,
    retryDelay: () => 0,
    maxAttempts: 1,
  };
  runtimes = [
    new ConsumerRuntime({ ...common, group: 'GID_TXC_OPS', handler: touchpointHandler() }),
    new ConsumerRuntime({ ...common, group: 'GID_TXC_CS', handler: ticketHandler() }),
    new ConsumerRuntime({ ...common, group: 'GID_TXC_COMPLIANCE', handler: complianceHandler(DEFAULT_COMPLIANCE_RULES) }),
    new ConsumerRuntime({ ...common, group: 'GID_TXC_DATACENTER', handler: archiveHandler() }),
  ];
});
afterAll(async () => database?.close());

const operationsLike = fc.record(
  {
    customerId: fc.oneof(fc.constant('C001'), nastyString(70)),
    channel: fc.oneof(fc.constantFrom('app', 'sms'), nastyString(8)),
    title: nastyString(220),
    content: fc.oneof(nastyString(300), fc.constant('保证收益，稳赚不赔')),
    productRisk: fc.constantFrom('R1', 'R5', 'R9'),
    customerRiskLevel: fc.constantFrom('C1', 'C5', 'X'),
    deliverAfter: fc.oneof(fc.constant('2026-01-01T00:00:00Z'), nastyString(30)),
  },
  { requiredKeys: [] },
);

const envelope = fc.record({
  v: fc.oneof(fc.constant(1), hostileJson),
  eventId: fc.oneof(
    fc.uuid().map((id) => `tx-${id}`),
    nastyString(80),
  ),
  source: fc.oneof(fc.constant('companion'), nastyString(80)),
  businessKey: fc.oneof(fc.constant('bk-1'), nastyString(140)),
  topic: fc.oneof(fc.constant(TOPIC), nastyString(10)),
  tag: fc.constantFrom('OPERATIONS', 'CUSTOMER_SERVICE', 'ORCHESTRATION', 'X'),
  occurredAt: fc.oneof(fc.constant('2026-01-01T00:00:00Z'), nastyString(30)),
  payload: fc.oneof(operationsLike, hostileJson),
});

// Bodies as the broker can deliver them: XML-safe text (anything else never reaches a consumer).
const body = fc.oneof(
  { weight: 4, arbitrary: envelope.map((value) => encodeMessageJson(value)) },
  { weight: 1, arbitrary: deepJsonText },
  { weight: 1, arbitrary: nastyString(200).map((text) => text.replace(new RegExp(NOT_XML_TEXT.source, 'gu'), '?')) },
);

describe('Hostile input: consumer runtime decoding (generated)', () => {
  it('settles every message (never a retry for bad input) and dead-letters only publishable bodies', async () => {
    const message = fc.record({
      body,
      tag: fc.constantFrom('OPERATIONS', 'CUSTOMER_SERVICE', 'ORCHESTRATION'),
      key: fc.option(fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9_.-]{1,300}$/)), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(message, async ({ body: text, tag, key }) => {
        const incoming: IncomingMessage = {
          messageId: randomUUID().replace(/-/g, '').toUpperCase(),
          topic: TOPIC,
          tag,
          key,
          body: text,
          properties: {},
          publishTime: Date.now(),
        };
        const published = publisher.published.length;
        for (const runtime of runtimes) {
          const outcome = await runtime.processMessage(incoming, invocation(), 'trigger');
          expect(outcome.settled, `${runtime.subscription.id}: ${outcome.kind} ${outcome.errorCode ?? ''} ${outcome.error ?? ''}`).toBe(
            true,
          );
        }
        for (const { message: deadLetter } of publisher.published.slice(published)) {
          expect(deadLetter.body).not.toMatch(NOT_XML_TEXT);
          expect(deadLetter.body).not.toContain(']]>');
        }
      }),
      propertyParameters('consumer runtime', 150),
    );
  });
});
