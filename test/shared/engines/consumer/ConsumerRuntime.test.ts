import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { InsertQueryNode, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAtCommit, writerFor } from '../../../../shared/adapters/store/groupCommit';
import * as z from '../../../../shared/zod';
import { ConsumerRuntime } from '../../../../shared/engines/consumer/ConsumerRuntime';
import { decodeEnvelope } from '../../../../shared/engines/consumer/decodeEnvelope';
import { deadLetterBodySchema } from '../../../../shared/engines/consumer/deadLetterBody';
import { PermanentFailureError, TransientFailureError } from '../../../../shared/engines/consumer/errors';
import type { MessageHandler } from '../../../../shared/engines/consumer/types';
import { REPLAY_PROPERTIES } from '../../../../shared/engines/consumer/types';
import type { TestDatabase } from '../../../helpers/databases';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';
import { mysqlQueriesDuring } from '../../../helpers/mysqlQueries';
import { envelopeBody, incoming, invocation, RecordingAlertSink, RecordingPublisher, silentLogger } from './factories';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const GROUP = 'GID_TXC_OPS';
const TOPIC = 'TXC_COMPANION';
const TAG = 'OPERATIONS';

/** Counts the INSERT statements into the consume barrier compiled through the instance it is plugged into. */
class BarrierInsertCounter implements KyselyPlugin {
  inserts = 0;
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (InsertQueryNode.is(node) && node.into?.table.identifier.name === 'txc_consume_barrier') this.inserts += 1;
    return node;
  }
  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

/** A handler writing one row per applied message into a scratch table, with scripted failures. */
function scriptedHandler(failures: Map<string, Error[]>): MessageHandler<{ eventId: string }> {
  return {
    dedupBy: 'key',
    decode: (message) => {
      const decoded = decodeEnvelope(message, z.object({ n: z.number() }));
      return { value: { eventId: decoded.value.eventId }, eventId: decoded.eventId, businessKey: decoded.businessKey };
    },
    async handle(decoded) {
      const queue = failures.get(decoded.value.eventId);
      const failure = queue?.shift();
      if (failure) throw failure;
      return {
        summary: `effect ${decoded.value.eventId}`,
        apply: async (trx) => void (await trx.insertInto('t_effect').values({ event_id: decoded.value.eventId }).execute()),
      };
    },
  };
}

/** {@link scriptedHandler} whose effect goes with the COMMIT on MySQL (writeAtCommit), as the domain handlers' do. */
function atCommitHandler(failures: Map<string, Error[]>, localOnly: boolean): MessageHandler<{ eventId: string }> {
  const base = scriptedHandler(failures);
  return {
    ...base,
    localOnly,
    async handle(decoded, context) {
      const effects = await base.handle(decoded, context);
      return {
        ...effects,
        apply: async (trx) => void (await writeAtCommit(trx, trx.insertInto('t_effect').values({ event_id: decoded.value.eventId }))),
      };
    },
  };
}

describe.each(DATABASE_CASES)('Class: ConsumerRuntime on $dialect', ({ dialect, open }) => {
  const skip = dialect === 'mysql' && mysqlSkip !== undefined;
  let database: TestDatabase;
  let publisher: RecordingPublisher;
  let alerts: RecordingAlertSink;
  const failures = new Map<string, Error[]>();

  const runtime = (options: { maxAttempts?: number } = {}) =>
    new ConsumerRuntime({
      group: GROUP,
      handler: scriptedHandler(failures),
      db: database.db,
      publisher,
      alerts,
      logger: silentLogger,
      retryDelay: () => 0,
      maxAttempts: options.maxAttempts,
    });
  const effects = async () =>
    (await database.db.selectFrom('t_effect').select('event_id').execute()).map((r: { event_id: string }) => r.event_id);

  beforeEach(async () => {
    if (skip) return;
    database = await open();
    await sql`create table t_effect (event_id varchar(128) not null)`.execute(database.db);
    publisher = new RecordingPublisher();
    alerts = new RecordingAlertSink();
    failures.clear();
  });
  afterEach(async () => {
    if (!skip) await database.close();
  });

  it.skipIf(skip)('applies a message once; a redelivery is a duplicate with no second effect', async () => {
    const message = incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-dup-1'));
    const first = await runtime().processMessage(message, invocation(), 'pull');
    const again = await runtime().processMessage({ ...message, messageId: 'OTHER-ID' }, invocation(), 'pull');
    expect([first.kind, again.kind]).toEqual(['applied', 'duplicate']);
    expect(again.settled).toBe(true);
    expect(await effects()).toEqual(['tx-dup-1']);
    expect(await runtime().barrier.hasConsumed(GROUP, 'tx-dup-1')).toBe(true);
    expect(await runtime().barrier.hasConsumed('GID_TXC_CS', 'tx-dup-1')).toBe(false);
    const [consumption] = await runtime().barrier.consumptionsOf({ businessKey: 'bk-tx-dup-1' });
    expect(consumption).toMatchObject({ group: GROUP, status: 'COMPLETED', summary: 'effect tx-dup-1', attempts: 1 });
  });

  it.skipIf(skip)(
    'deduplicates a message whose key does not fit the barrier by its message id (MySQL refused the row: "retry" forever)',
    async () => {
      const message = incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-long-key'), { key: 'k'.repeat(200) });
      const first = await runtime().processMessage(message, invocation(), 'pull');
      expect(first).toMatchObject({ kind: 'applied', settled: true, dedupKey: message.messageId });
      expect(await runtime().processMessage(message, invocation(), 'pull')).toMatchObject({ kind: 'duplicate', settled: true });
      expect(await effects()).toEqual(['tx-long-key']);
    },
  );

  it.skipIf(skip)('records the applied attempt with the effects', async () => {
    await runtime().processMessage(incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-history')), invocation(), 'pull');
    expect((await runtime().barrier.attemptHistory(GROUP, 'tx-history')).map((h) => [h.attempt, h.outcome])).toEqual([[1, 'applied']]);
  });

  it.skipIf(skip)(
    'a local-only handler: first delivery applied at once (row, effect, attempt); a failure takes the claimed path; redelivery is a duplicate',
    async () => {
      const localOnly = new ConsumerRuntime({
        group: GROUP,
        handler: { ...scriptedHandler(failures), localOnly: true },
        db: database.db,
        publisher,
        alerts,
        logger: silentLogger,
        retryDelay: () => 0,
      });
      const message = incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-local'));
      expect(await localOnly.processMessage(message, invocation(), 'trigger')).toMatchObject({
        kind: 'applied',
        attempt: 1,
        settled: true,
      });
      expect(await localOnly.processMessage({ ...message, messageId: 'REDELIVERED' }, invocation(), 'trigger')).toMatchObject({
        kind: 'duplicate',
      });
      const [consumption] = await localOnly.barrier.consumptionsOf({ eventId: 'tx-local' });
      expect(consumption).toMatchObject({ status: 'COMPLETED', attempts: 1, summary: 'effect tx-local', businessKey: 'bk-tx-local' });
      expect((await localOnly.barrier.attemptHistory(GROUP, 'tx-local')).map((h) => [h.attempt, h.outcome])).toEqual([[1, 'applied']]);

      // Its handler fails twice here: once in the one-transaction try (rolled back, nothing kept), once on the claimed path (recorded).
      failures.set('tx-local-flaky', [
        new TransientFailureError('X_UNAVAILABLE', 'down'),
        new TransientFailureError('X_UNAVAILABLE', 'down'),
      ]);
      const flaky = incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-local-flaky'));
      expect(await localOnly.processMessage(flaky, invocation(), 'trigger')).toMatchObject({
        kind: 'retry',
        attempt: 1,
        errorCode: 'X_UNAVAILABLE',
      });
      expect(await localOnly.processMessage(flaky, invocation(), 'trigger')).toMatchObject({ kind: 'applied', attempt: 2 });
      expect((await localOnly.barrier.attemptHistory(GROUP, 'tx-local-flaky')).map((h) => [h.attempt, h.outcome])).toEqual([
        [1, 'transient'],
        [2, 'applied'],
      ]);
      expect((await effects()).sort()).toEqual(['tx-local', 'tx-local-flaky']);
    },
  );

  it.skipIf(skip)(
    'a local-only batch: first deliveries commit together; one whose effects fail is rolled back alone and retried by itself',
    async () => {
      const base = scriptedHandler(failures);
      const handler: MessageHandler<{ eventId: string }> = {
        ...base,
        localOnly: true,
        async handle(decoded, context) {
          const effects = await base.handle(decoded, context);
          // Effects that fail inside the transaction (a missing table), for one message only.
          return decoded.value.eventId === 'tx-batch-bad'
            ? { ...effects, apply: async (trx) => void (await sql`insert into t_missing values (1)`.execute(trx)) }
            : effects;
        },
      };
      const batchRuntime = new ConsumerRuntime({
        group: GROUP,
        handler,
        db: database.db,
        publisher,
        alerts,
        logger: silentLogger,
        retryDelay: () => 0,
      });
      // The same body twice for tx-batch-1 (a re-publish within the batch), so it is a duplicate, not a key conflict.
      const bodies = new Map(['tx-batch-1', 'tx-batch-bad', 'tx-batch-2'].map((id) => [id, envelopeBody(TOPIC, TAG, { n: 1 }, id)]));
      const ids = ['tx-batch-1', 'tx-batch-bad', 'tx-batch-2', 'tx-batch-1'];
      const outcomes = await batchRuntime.processBatch(
        ids.map((id, i) => ({ ...incoming(TOPIC, TAG, bodies.get(id)!), messageId: `M${i}` })),
        invocation(),
        'trigger',
      );
      expect(outcomes.map((o) => [o.messageId, o.kind])).toEqual([
        ['M0', 'applied'],
        ['M1', 'retry'],
        ['M2', 'applied'],
        ['M3', 'duplicate'],
      ]);
      expect((await effects()).sort()).toEqual(['tx-batch-1', 'tx-batch-2']);
      const [bad] = await batchRuntime.barrier.consumptionsOf({ eventId: 'tx-batch-bad' });
      expect(bad).toMatchObject({ status: 'FAILED', attempts: 1 });
    },
  );

  it.skipIf(skip)(
    "a batch's first deliveries insert their barrier rows in one statement, local-only (COMPLETED) or claimed (IN_PROGRESS)",
    async () => {
      const counter = new BarrierInsertCounter();
      const counted = database.db.withPlugin(counter);
      const batchRuntime = (localOnly: boolean) =>
        new ConsumerRuntime({
          group: GROUP,
          handler: { ...scriptedHandler(failures), localOnly },
          db: counted,
          publisher,
          alerts,
          logger: silentLogger,
          retryDelay: () => 0,
        });
      // One body per key, so a key delivered again is a duplicate, not a key conflict.
      const bodies = new Map<string, string>();
      const body = (id: string) => bodies.get(id) ?? bodies.set(id, envelopeBody(TOPIC, TAG, { n: 1 }, id)).get(id)!;
      const batch = (ids: string[]) => ids.map((id, i) => ({ ...incoming(TOPIC, TAG, body(id)), messageId: `${id}-M${i}` }));
      const kinds = (outcomes: { kind: string; attempt?: number }[]) => outcomes.map((o) => `${o.kind}${o.attempt ?? ''}`);

      expect(kinds(await batchRuntime(true).processBatch(batch(['l-1', 'l-2', 'l-3']), invocation(), 'pull'))).toEqual([
        'applied1',
        'applied1',
        'applied1',
      ]);
      expect(counter.inserts).toBe(1);

      // A key already done (l-1), and one twice in the batch: its second delivery reads its row at its turn (no insert), a duplicate.
      counter.inserts = 0;
      const outcomes = await batchRuntime(false).processBatch(batch(['c-1', 'l-1', 'c-2', 'c-1', 'c-3']), invocation(), 'pull');
      expect(kinds(outcomes)).toEqual(['applied1', 'duplicate', 'applied1', 'duplicate', 'applied1']);
      expect(counter.inserts).toBe(1);
      expect((await effects()).sort()).toEqual(['c-1', 'c-2', 'c-3', 'l-1', 'l-2', 'l-3']);
      const done = await database.db
        .selectFrom('txc_consume_barrier')
        .select(['dedup_key', 'status', 'attempts'])
        .orderBy('dedup_key')
        .execute();
      expect(done.map((row: { dedup_key: string; status: string; attempts: number }) => [row.dedup_key, row.status, row.attempts])).toEqual(
        ['c-1', 'c-2', 'c-3', 'l-1', 'l-2', 'l-3'].map((id) => [id, 'COMPLETED', 1]),
      );
    },
  );

  it.skipIf(skip)('flags a key reused with a different payload: stored, alerted, not applied', async () => {
    await runtime().processMessage(incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-reuse')), invocation(), 'pull');
    const outcome = await runtime().processMessage(
      incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 2 }, 'tx-reuse')),
      invocation(),
      'pull',
    );
    expect(outcome).toMatchObject({ kind: 'conflict', settled: true });
    expect(await effects()).toEqual(['tx-reuse']);
    expect(await runtime().barrier.conflicts(GROUP, 'tx-reuse')).toHaveLength(1);
    expect(alerts.alerts.map((a) => a.kind)).toEqual(['consume-key-conflict']);
  });

  it.skipIf(skip)('retries a transient failure and applies once it succeeds', async () => {
    failures.set('tx-flaky', [new TransientFailureError('TRADING_UNAVAILABLE', 'trading 503')]);
    const message = incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-flaky'));
    const first = await runtime().processMessage(message, invocation(), 'trigger');
    const second = await runtime().processMessage(message, invocation(), 'trigger');
    expect(first).toMatchObject({ kind: 'retry', settled: false, errorCode: 'TRADING_UNAVAILABLE', attempt: 1 });
    expect(second).toMatchObject({ kind: 'applied', attempt: 2 });
    expect(await effects()).toEqual(['tx-flaky']);
  });

  it.skipIf(skip)('holds a failed message back until its retry delay in pull mode', async () => {
    failures.set('tx-later', [new Error('boom')]);
    const slow = new ConsumerRuntime({
      group: GROUP,
      handler: scriptedHandler(failures),
      db: database.db,
      publisher,
      alerts,
      logger: silentLogger,
      retryDelay: () => 60_000,
    });
    const message = incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-later'));
    expect((await slow.processMessage(message, invocation(), 'pull')).kind).toBe('retry');
    expect((await slow.processMessage(message, invocation(), 'pull')).kind).toBe('busy');
    expect((await slow.processMessage(message, invocation(), 'trigger')).kind).toBe('applied');
  });

  it.skipIf(skip)('retries a run whose in-progress lease expired (crashed invocation), applying once', async () => {
    const message = incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-crash'));
    // A crashed run: the claim was written, nothing else.
    const claim = await runtime().barrier.claim({
      group: GROUP,
      dedupKey: 'tx-crash',
      payloadHash: 'x',
      messageId: message.messageId,
      topic: TOPIC,
      tag: TAG,
      replayId: undefined,
      leaseUntil: Date.now() + 60_000,
      honourBackoff: true,
      now: Date.now(),
    });
    expect(claim.kind).toBe('claimed');
    await database.db
      .updateTable('txc_consume_barrier')
      .set({ payload_hash: (await import('node:crypto')).createHash('sha256').update(message.body).digest('hex') })
      .execute();
    expect((await runtime().processMessage(message, invocation(), 'pull')).kind).toBe('busy');
    await database.db
      .updateTable('txc_consume_barrier')
      .set({ lease_until: Date.now() - 1 })
      .execute();
    expect(await runtime().processMessage(message, invocation(), 'pull')).toMatchObject({ kind: 'applied', attempt: 2 });
    expect(await effects()).toEqual(['tx-crash']);
  });

  it.skipIf(skip)('dead-letters after maxAttempts with the attempt history, then treats redeliveries as done', async () => {
    failures.set(
      'tx-poison',
      Array.from({ length: 10 }, (_, i) => new Error(`fail ${i + 1}`)),
    );
    const message = incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-poison'));
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) outcomes.push(await runtime({ maxAttempts: 3 }).processMessage(message, invocation(), 'trigger'));
    expect(outcomes.map((o) => o.kind)).toEqual(['retry', 'retry', 'dead-lettered']);
    expect(publisher.published).toHaveLength(1);
    const { topic, message: dlq } = publisher.published[0]!;
    expect(topic).toBe('TXC_DEAD_LETTER');
    expect(dlq.tag).toBe('DEAD_LETTER');
    const body = deadLetterBodySchema.parse(JSON.parse(dlq.body));
    expect(body).toMatchObject({
      group: GROUP,
      dedupKey: 'tx-poison',
      attempts: 3,
      error: { code: 'HANDLER_ERROR', message: 'fail 3' },
      original: { topic: TOPIC, tag: TAG, key: 'tx-poison', body: message.body },
    });
    expect(body.history.map((h) => h.error)).toEqual(['fail 1', 'fail 2', 'fail 3']);
    expect(dlq.key).toBe(body.deadLetterId);
    expect((await runtime({ maxAttempts: 3 }).processMessage(message, invocation(), 'trigger')).kind).toBe('duplicate');
    expect(await effects()).toEqual([]);
  });

  it.skipIf(skip)('dead-letters a permanent failure at once and republishes when the DLQ publish failed', async () => {
    failures.set('tx-broke', [new PermanentFailureError('INSUFFICIENT_BALANCE', 'wallet balance too low')]);
    const message = incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-broke'));
    publisher.failNext = 1;
    expect(await runtime().processMessage(message, invocation(), 'pull')).toMatchObject({ kind: 'retry', settled: false });
    expect(await runtime().processMessage(message, invocation(), 'pull')).toMatchObject({
      kind: 'dead-lettered',
      errorCode: 'INSUFFICIENT_BALANCE',
    });
    expect(publisher.published).toHaveLength(1);
    expect(deadLetterBodySchema.parse(JSON.parse(publisher.published[0]!.message.body)).error).toMatchObject({
      kind: 'permanent',
      code: 'INSUFFICIENT_BALANCE',
    });
  });

  it.skipIf(skip)("dead-letters a handler's schema violation (a zod parse error) at once", async () => {
    failures.set('tx-schema', [z.number().safeParse('one').error!]);
    const outcome = await runtime().processMessage(
      incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-schema')),
      invocation(),
      'pull',
    );
    expect(outcome).toMatchObject({ kind: 'dead-lettered', settled: true, attempt: 1, errorCode: '$ZodError' });
  });

  it.skipIf(skip)('dead-letters bad bodies at once with a clear reason', async () => {
    const cases = [
      { body: 'not json {', code: 'MESSAGE_NOT_JSON' },
      { body: JSON.stringify({ hello: 'world' }), code: 'MESSAGE_ENVELOPE_INVALID' },
      { body: envelopeBody(TOPIC, TAG, { n: 'one' }), code: 'MESSAGE_PAYLOAD_INVALID' },
      { body: envelopeBody(TOPIC, 'CUSTOMER_SERVICE', { n: 1 }), code: 'MESSAGE_ROUTE_MISMATCH' },
      { body: envelopeBody(TOPIC, TAG, { n: 1, pad: 'x'.repeat(70_000) }), code: 'MESSAGE_TOO_LARGE' },
    ];
    for (const { body, code } of cases) {
      const outcome = await runtime().processMessage(incoming(TOPIC, TAG, body), invocation(), 'trigger');
      expect(outcome, code).toMatchObject({ kind: 'dead-lettered', settled: true, errorCode: code, attempt: 1 });
    }
    expect(publisher.published.map((p) => deadLetterBodySchema.parse(JSON.parse(p.message.body)).error.code)).toEqual(
      cases.map((c) => c.code),
    );
  });

  it.skipIf(skip)(
    'acks and skips a message whose tag is outside the group’s expression (a cloud trigger without tag filter delivers it)',
    async () => {
      const body = envelopeBody(TOPIC, 'CUSTOMER_SERVICE', { n: 1 }, 'tx-other-tag');
      const outcome = await runtime().processMessage(incoming(TOPIC, 'CUSTOMER_SERVICE', body), invocation(), 'trigger');
      expect(outcome).toMatchObject({ kind: 'not-for-this-group', settled: true });
      expect(await effects()).toEqual([]);
      expect(publisher.published).toEqual([]);
      expect(await runtime().barrier.hasConsumed(GROUP, 'tx-other-tag')).toBe(false);
    },
  );

  it.skipIf(skip)('processes a replay once for its target group only, and a failing replay dead-letters linked to its origin', async () => {
    failures.set('tx-replay', [new PermanentFailureError('X', 'first'), new PermanentFailureError('X', 'again')]);
    const body = envelopeBody(TOPIC, TAG, { n: 1 }, 'tx-replay');
    await runtime().processMessage(incoming(TOPIC, TAG, body), invocation(), 'pull');
    const replay = (id: string, group = GROUP) =>
      incoming(TOPIC, TAG, body, {
        properties: { [REPLAY_PROPERTIES.replayId]: id, [REPLAY_PROPERTIES.group]: group, [REPLAY_PROPERTIES.deadLetterId]: 'dl-origin' },
      });
    expect((await runtime().processMessage(replay('rp-1', 'GID_TXC_CS'), invocation(), 'pull')).kind).toBe('not-for-this-group');
    expect((await runtime().processMessage(replay('rp-1'), invocation(), 'pull')).kind).toBe('dead-lettered');
    expect(deadLetterBodySchema.parse(JSON.parse(publisher.published[1]!.message.body)).replayOf).toBe('dl-origin');
    expect((await runtime().processMessage(replay('rp-1'), invocation(), 'pull')).kind).toBe('duplicate');
    expect((await runtime().processMessage(replay('rp-2'), invocation(), 'pull')).kind).toBe('applied');
    expect((await runtime().processMessage(replay('rp-2'), invocation(), 'pull')).kind).toBe('duplicate');
    expect(await effects()).toEqual(['tx-replay']);
  });
  describe('barrier writes sent with the COMMIT (MySQL; at once on SQLite)', () => {
    const runtimeWith = (handler: MessageHandler<{ eventId: string }>) =>
      new ConsumerRuntime({ group: GROUP, handler, db: database.db, publisher, alerts, logger: silentLogger, retryDelay: () => 0 });
    const bodies = new Map<string, string>();
    const message = (id: string) =>
      incoming(TOPIC, TAG, bodies.get(id) ?? bodies.set(id, envelopeBody(TOPIC, TAG, { n: 1 }, id)).get(id)!, { messageId: `${id}-M` });
    const barrierRows = async () =>
      (
        await database.db
          .selectFrom('txc_consume_barrier')
          .select(['dedup_key', 'status', 'attempts', 'lease_token'])
          .orderBy('dedup_key')
          .execute()
      ).map((row: { dedup_key: string; status: string; attempts: number; lease_token: string }) => [
        row.dedup_key,
        row.status,
        row.attempts,
      ]);
    /** A write of another caller queued now, so it lands in the next commit batch: it must commit whatever that batch's checks say. */
    const siblingWrite = (id: string) =>
      writerFor(database.db).write((trx) => trx.insertInto('t_effect').values({ event_id: id }).execute());
    const kinds = (outcomes: { kind: string; attempt?: number }[]) => outcomes.map((o) => `${o.kind}${o.attempt ?? ''}`);

    it.skipIf(skip)(
      "claimed path: claims, and each run's effects with COMPLETED, are one round trip each; a claim batch that finds a row runs again with its statements sent directly",
      async () => {
        const claimed = runtimeWith(atCommitHandler(failures, false));
        await claimed.processMessage(message('c-done'), invocation(), 'trigger');
        let outcomes: { kind: string; attempt?: number }[] = [];
        const fresh = await mysqlQueriesDuring(async () => {
          outcomes = await claimed.processBatch([message('c-1'), message('c-2')], invocation(), 'trigger');
        });
        expect(kinds(outcomes)).toEqual(['applied1', 'applied1']);
        if (dialect === 'mysql') {
          expect(fresh).toHaveLength(3);
          expect(fresh[0]).toMatch(/^insert ignore into `txc_consume_barrier` .*;\nselect .*row_count\(\) <> 2\);\ncommit$/s);
          for (const run of fresh.slice(1))
            expect(run).toMatch(
              /^insert into `t_effect` .*;\nupdate `txc_consume_barrier` set `status` = .*row_count\(\) <> 1\);\n.*commit$/s,
            );
        }

        // c-done is delivered again (FC retries a whole batch, uncounted): its row stops the claims' COMMIT.
        const again = await mysqlQueriesDuring(async () => {
          const processing = claimed.processBatch([message('c-3'), message('c-done'), message('c-4')], invocation(), 'trigger');
          const sibling = siblingWrite('sibling');
          [outcomes] = await Promise.all([processing, sibling]);
        });
        expect(kinds(outcomes)).toEqual(['applied1', 'duplicate', 'applied1']);
        expect((await effects()).sort()).toEqual(['c-1', 'c-2', 'c-3', 'c-4', 'c-done', 'sibling']);
        expect(await barrierRows()).toEqual(['c-1', 'c-2', 'c-3', 'c-4', 'c-done'].map((id) => [id, 'COMPLETED', 1]));
        if (dialect === 'mysql') {
          // With the COMMIT (stopped by its check), then alone: the insert answers for real, and which rows are ours is read back.
          const claims = again.filter((q) => q.includes('insert ignore into `txc_consume_barrier`'));
          expect(claims).toHaveLength(2);
          expect(claims[0]).toMatch(/row_count\(\) <> 3\);\ncommit$/);
          expect(claims[1]).not.toMatch(/commit$/);
          expect(again).toContainEqual(expect.stringMatching(/^select `lease_token` from `txc_consume_barrier`/));
          expect(again.filter((q) => q.startsWith('update `txc_consume_barrier`'))).toEqual([]);
        }
      },
    );

    it.skipIf(skip)(
      'local-only path: first deliveries with their effects are one round trip; a batch that finds a row runs again with its statements sent directly',
      async () => {
        const localOnly = runtimeWith(atCommitHandler(failures, true));
        await localOnly.processMessage(message('l-done'), invocation(), 'trigger');
        let outcomes: { kind: string; attempt?: number }[] = [];
        const fresh = await mysqlQueriesDuring(async () => {
          outcomes = await localOnly.processBatch([message('l-1'), message('l-2')], invocation(), 'trigger');
        });
        expect(kinds(outcomes)).toEqual(['applied1', 'applied1']);
        if (dialect === 'mysql') {
          expect(fresh).toHaveLength(1);
          expect(fresh[0]).toMatch(
            /^insert ignore into `txc_consume_barrier` .*row_count\(\) <> 2\);\ninsert into `t_effect` .*;\ninsert into `t_effect` .*;\n.*commit$/s,
          );
        }

        const again = await mysqlQueriesDuring(async () => {
          const processing = localOnly.processBatch([message('l-3'), message('l-done'), message('l-4')], invocation(), 'trigger');
          const sibling = siblingWrite('sibling');
          [outcomes] = await Promise.all([processing, sibling]);
        });
        expect(kinds(outcomes)).toEqual(['applied1', 'duplicate', 'applied1']);
        expect((await effects()).sort()).toEqual(['l-1', 'l-2', 'l-3', 'l-4', 'l-done', 'sibling']);
        expect(await barrierRows()).toEqual(['l-1', 'l-2', 'l-3', 'l-4', 'l-done'].map((id) => [id, 'COMPLETED', 1]));
        expect((await localOnly.barrier.attemptHistory(GROUP, 'l-done')).map((h) => h.outcome)).toEqual(['applied']);
        if (dialect === 'mysql') {
          const inserts = again.filter((q) => q.includes('insert ignore into `txc_consume_barrier`'));
          expect(inserts).toHaveLength(2);
          expect(inserts[0]).toMatch(/row_count\(\) <> 3\);\n/);
          expect(inserts[1]).not.toMatch(/commit$/);
        }
      },
    );

    it.skipIf(skip)(
      'a later delivery of a key in the batch, a redelivery the broker counted and a replay start by reading their row: no write that could stop a commit',
      async () => {
        const claimed = runtimeWith(atCommitHandler(failures, false));
        await claimed.processBatch([message('r-done'), message('r-replayed')], invocation(), 'pull');
        const replay = {
          ...message('r-replayed'),
          messageId: 'REPLAY-M',
          properties: { [REPLAY_PROPERTIES.replayId]: 'rp-1', [REPLAY_PROPERTIES.group]: GROUP },
        };
        const queries = await mysqlQueriesDuring(async () => {
          const outcomes = await claimed.processBatch(
            [message('r-1'), message('r-1'), { ...message('r-done'), deliveryCount: 2 }, replay],
            invocation(),
            'pull',
          );
          expect(kinds(outcomes)).toEqual(['applied1', 'duplicate', 'duplicate', 'duplicate']);
        });
        if (dialect === 'mysql') {
          // r-1's claim with its COMMIT, its run's effects with COMPLETED, and the three reads: nothing ran again.
          expect(queries.filter((q) => q.includes('insert ignore into `txc_consume_barrier`'))).toHaveLength(1);
          expect(queries.filter((q) => q.startsWith('select * from `txc_consume_barrier`'))).toHaveLength(3);
          expect(queries).toHaveLength(5);
        }
      },
    );

    it.skipIf(skip)(
      'a trigger batch answered with an unsettled message comes back whole: each message starts by reading its row',
      async () => {
        failures.set('b-flaky', [new TransientFailureError('X_UNAVAILABLE', 'down')]);
        const claimed = runtimeWith(atCommitHandler(failures, false));
        const batch = () => [message('b-1'), message('b-flaky'), message('b-2')];
        expect(kinds(await claimed.processBatch(batch(), invocation(), 'trigger'))).toEqual(['applied1', 'retry1', 'applied1']);
        const queries = await mysqlQueriesDuring(async () => {
          expect(kinds(await claimed.processBatch(batch(), invocation(), 'trigger'))).toEqual(['duplicate', 'applied2', 'duplicate']);
        });
        expect((await effects()).sort()).toEqual(['b-1', 'b-2', 'b-flaky']);
        if (dialect === 'mysql') {
          // Three reads, b-flaky's next attempt taken and run: no insert whose row found would stop a commit.
          expect(queries.filter((q) => q.startsWith('select * from `txc_consume_barrier`'))).toHaveLength(3);
          expect(queries.filter((q) => q.includes('insert ignore into `txc_consume_barrier`'))).toEqual([]);
        }
      },
    );

    it.skipIf(skip)(
      "a run whose lease was taken over before it completed commits nothing (on MySQL its COMPLETED check stops the COMMIT), and its batch's other write commits",
      async () => {
        const base = atCommitHandler(failures, false);
        let sibling: Promise<unknown> = Promise.resolve();
        const stolen = runtimeWith({
          ...base,
          async handle(decoded, context) {
            // This run's lease expired and another run took the message over: the row carries that run's token now.
            await database.db
              .updateTable('txc_consume_barrier')
              .set({ lease_token: 'other-run' })
              .where('dedup_key', '=', decoded.value.eventId)
              .execute();
            sibling = siblingWrite('sibling');
            return base.handle(decoded, context);
          },
        });
        let outcome: { kind: string; errorCode?: string; settled?: boolean } | undefined;
        const queries = await mysqlQueriesDuring(async () => {
          outcome = await stolen.processMessage(message('tx-stolen'), invocation(), 'trigger');
          await sibling;
        });
        expect(outcome).toMatchObject({ kind: 'busy', settled: false, errorCode: 'CONSUME_LEASE_LOST' });
        expect(await effects()).toEqual(['sibling']);
        const [row] = await database.db.selectFrom('txc_consume_barrier').selectAll().execute();
        expect(row).toMatchObject({ dedup_key: 'tx-stolen', status: 'IN_PROGRESS', lease_token: 'other-run', completed_at: null });
        expect((await stolen.barrier.attemptHistory(GROUP, 'tx-stolen')).map((h) => h.error?.code)).toEqual(['CONSUME_LEASE_LOST']);
        if (dialect === 'mysql') {
          // Sent with the COMMIT after the effects, the check stopped it; the batch run again directly, the
          // update changed nothing and the job threw; so each job ran alone, and it threw again.
          const completions = queries.filter((q) => q.includes('update `txc_consume_barrier` set `status`'));
          expect(completions).toHaveLength(3);
          expect(completions[0]).toMatch(/^insert into `t_effect` .*;\nupdate `txc_consume_barrier` .*row_count\(\) <> 1\);\n.*commit$/s);
          for (const direct of completions.slice(1)) {
            expect(direct).toMatch(/^update `txc_consume_barrier`/);
            expect(direct).not.toMatch(/commit$/);
          }
        }
      },
    );
  });
});
