import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from '../../../../shared/zod';
import { createScratchMysqlDatabase } from '../../../../local/scratchMysqlDatabase';
import { MIGRATIONS } from '../../../../shared/adapters/store/migrations';
import { migrate, openDatabase } from '../../../../shared/adapters/store/openDatabase';
import { ConsumerRuntime } from '../../../../shared/engines/consumer/ConsumerRuntime';
import { statsMinuteOf } from '../../../../shared/engines/consumer/consumeStats';
import { decodeEnvelope } from '../../../../shared/engines/consumer/decodeEnvelope';
import { PermanentFailureError, TransientFailureError } from '../../../../shared/engines/consumer/errors';
import type { MessageHandler } from '../../../../shared/engines/consumer/types';
import type { TestDatabase } from '../../../helpers/databases';
import { DATABASE_CASES, MYSQL_TEST_URL, mysqlUnavailableReason } from '../../../helpers/databases';
import { envelopeBody, incoming, invocation, RecordingAlertSink, RecordingPublisher, silentLogger } from './factories';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const GROUP = 'GID_TXC_OPS';
const TOPIC = 'TXC_COMPANION';
const TAG = 'OPERATIONS';
const NOW = Date.parse('2026-11-27T10:15:30Z');

/** Scripted failures per event id; `failApply` makes the effects fail inside the barrier's transaction. */
function handler(failures: Map<string, Error[]>, failApply: Set<string>): MessageHandler<{ eventId: string }> {
  return {
    dedupBy: 'key',
    decode: (message) => {
      const decoded = decodeEnvelope(message, z.object({ n: z.number() }));
      return { value: { eventId: decoded.value.eventId }, eventId: decoded.eventId, businessKey: decoded.businessKey };
    },
    async handle(decoded) {
      const failure = failures.get(decoded.value.eventId)?.shift();
      if (failure) throw failure;
      return {
        summary: `effect ${decoded.value.eventId}`,
        apply: async (trx) => {
          if (failApply.has(decoded.value.eventId)) await sql`insert into t_missing values (1)`.execute(trx);
        },
      };
    },
  };
}

/** The counter rows of GROUP, by minute, without zero columns. */
async function counters(db: Kysely<any>, group = GROUP): Promise<Record<string, unknown>[]> {
  const rows = await db.selectFrom('txc_consume_stats').selectAll().where('group_id', '=', group).orderBy('minute_at').execute();
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([, v]) => v !== null && Number(v) !== 0 && v !== '0')
        .map(([k, v]) => [k, k === 'group_id' ? v : Number(v)]),
    ),
  );
}

describe.each(DATABASE_CASES)('consumption counters (txc_consume_stats) on $dialect', ({ dialect, open }) => {
  const skip = dialect === 'mysql' && mysqlSkip !== undefined;
  let database: TestDatabase;
  let clock = NOW;
  const failures = new Map<string, Error[]>();
  const failApply = new Set<string>();
  const runtime = (options: { localOnly?: boolean; maxAttempts?: number } = {}) =>
    new ConsumerRuntime({
      group: GROUP,
      handler: { ...handler(failures, failApply), localOnly: options.localOnly },
      db: database.db,
      publisher: new RecordingPublisher(),
      alerts: new RecordingAlertSink(),
      logger: silentLogger,
      retryDelay: () => 0,
      maxAttempts: options.maxAttempts ?? 3,
      now: () => clock,
    });
  const message = (eventId: string, n = 1) => incoming(TOPIC, TAG, envelopeBody(TOPIC, TAG, { n }, eventId));

  beforeEach(async () => {
    if (skip) return;
    database = await open();
    clock = NOW;
    failures.clear();
    failApply.clear();
  });
  afterEach(async () => {
    if (!skip) await database.close();
  });

  it.skipIf(skip)('a completion counts once, in its minute and attempt column; redeliveries count nothing', async () => {
    const first = message('tx-c1');
    expect((await runtime().processMessage(first, invocation(), 'pull')).kind).toBe('applied');
    expect((await runtime().processMessage({ ...first, messageId: 'AGAIN' }, invocation(), 'pull')).kind).toBe('duplicate');
    expect((await runtime({ localOnly: true }).processMessage(first, invocation(), 'trigger')).kind).toBe('duplicate');
    clock = NOW + 60_000;
    expect((await runtime({ localOnly: true }).processMessage(message('tx-c2'), invocation(), 'trigger')).kind).toBe('applied');
    expect(await counters(database.db)).toEqual([
      { group_id: GROUP, minute_at: statsMinuteOf(NOW), attempts_1: 1, last_consumed_at: NOW },
      { group_id: GROUP, minute_at: statsMinuteOf(NOW + 60_000), attempts_1: 1, last_consumed_at: NOW + 60_000 },
    ]);
  });

  it.skipIf(skip)('a retried message counts under its final attempt; a failure alone counts nothing', async () => {
    failures.set('tx-r', [new TransientFailureError('DOWN', 'down'), new TransientFailureError('DOWN', 'down')]);
    const m = message('tx-r');
    expect((await runtime().processMessage(m, invocation(), 'trigger')).kind).toBe('retry');
    expect((await runtime().processMessage(m, invocation(), 'trigger')).kind).toBe('retry');
    expect(await counters(database.db)).toEqual([]);
    expect(await runtime().processMessage(m, invocation(), 'trigger')).toMatchObject({ kind: 'applied', attempt: 3 });
    expect(await counters(database.db)).toEqual([{ group_id: GROUP, minute_at: statsMinuteOf(NOW), attempts_3: 1, last_consumed_at: NOW }]);
  });

  it.skipIf(skip)('effects that fail roll the completion and its count back together', async () => {
    failApply.add('tx-rollback');
    expect((await runtime().processMessage(message('tx-rollback'), invocation(), 'trigger')).kind).toBe('retry');
    expect((await runtime({ localOnly: true }).processMessage(message('tx-rollback-local'), invocation(), 'trigger')).kind).toBe('applied');
    failApply.add('tx-rollback-local-2');
    expect((await runtime({ localOnly: true }).processMessage(message('tx-rollback-local-2'), invocation(), 'trigger')).kind).toBe('retry');
    const completed = await database.db.selectFrom('txc_consume_barrier').select('dedup_key').where('status', '=', 'COMPLETED').execute();
    expect(completed.map((r) => r.dedup_key)).toEqual(['tx-rollback-local']);
    expect(await counters(database.db)).toEqual([{ group_id: GROUP, minute_at: statsMinuteOf(NOW), attempts_1: 1, last_consumed_at: NOW }]);
  });

  it.skipIf(skip)('a lost lease (another run took the message over) counts nothing', async () => {
    const m = message('tx-lease');
    const claim = await runtime().barrier.claim({
      group: GROUP,
      dedupKey: 'tx-lease',
      payloadHash: 'h',
      messageId: m.messageId,
      topic: TOPIC,
      tag: TAG,
      replayId: undefined,
      leaseUntil: NOW + 60_000,
      honourBackoff: false,
      now: NOW,
    });
    expect(claim.kind).toBe('claimed');
    await expect(
      database.db.transaction().execute((trx) =>
        runtime().barrier.complete(trx, { collect: () => expect.fail('counted a lost lease') }, GROUP, 'tx-lease', 'not-the-token', {
          summary: 's',
          attempts: 1,
          now: NOW,
        }),
      ),
    ).rejects.toMatchObject({ code: 'CONSUME_LEASE_LOST' });
    expect(await counters(database.db)).toEqual([]);
  });

  it.skipIf(skip)('dead letters and key-reuse conflicts count in their minute', async () => {
    failures.set('tx-dead', [new PermanentFailureError('BAD', 'bad')]);
    const dead = message('tx-dead');
    expect((await runtime().processMessage(dead, invocation(), 'trigger')).kind).toBe('dead-lettered');
    expect((await runtime().processMessage(dead, invocation(), 'trigger')).kind).toBe('duplicate');
    expect((await runtime().processMessage(message('tx-same'), invocation(), 'trigger')).kind).toBe('applied');
    expect((await runtime().processMessage(message('tx-same', 2), invocation(), 'trigger')).kind).toBe('conflict');
    expect(await counters(database.db)).toEqual([
      { group_id: GROUP, minute_at: statsMinuteOf(NOW), attempts_1: 1, dead_lettered: 1, conflicts: 1, last_consumed_at: NOW },
    ]);
  });

  it.skipIf(skip)('concurrent completions of one group in one minute add up (one counter row, group commit)', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => runtime().processMessage(message(`tx-many-${i}`), invocation(), 'trigger')),
    );
    expect(outcomes.every((o) => o.kind === 'applied')).toBe(true);
    expect(await counters(database.db)).toEqual([
      { group_id: GROUP, minute_at: statsMinuteOf(NOW), attempts_1: 40, last_consumed_at: NOW },
    ]);
  });
});

describe.each(DATABASE_CASES)('migration 303 backfills the counters from existing rows on $dialect', ({ dialect }) => {
  const skip = dialect === 'mysql' && mysqlSkip !== undefined;
  it.skipIf(skip)('counts COMPLETED and DEAD_LETTERED barrier rows and conflicts by minute', async () => {
    const scratch = dialect === 'mysql' ? await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_t') : undefined;
    const url = scratch?.url ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'txc-sqlite-')), 'backfill.db')}`;
    const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name !== '303_console_consume_stats'));
    const database = await openDatabase(url, before);
    try {
      const row = (key: string, status: string, attempts: number, at: number) => ({
        group_id: GROUP,
        dedup_key: key,
        status,
        payload_hash: 'h',
        message_id: key,
        topic: TOPIC,
        tag: TAG,
        attempts,
        lease_token: 't',
        lease_until: at,
        next_attempt_at: at,
        created_at: at - 10,
        updated_at: at,
        completed_at: status === 'COMPLETED' ? at : null,
      });
      await database.db
        .insertInto('txc_consume_barrier')
        .values([
          row('a', 'COMPLETED', 1, NOW),
          row('b', 'COMPLETED', 2, NOW + 1_000),
          row('c', 'COMPLETED', 14, NOW + 2_000),
          row('d', 'DEAD_LETTERED', 3, NOW + 3_000),
          row('e', 'FAILED', 2, NOW + 4_000),
          row('f', 'IN_PROGRESS', 1, NOW + 5_000),
          row('g', 'COMPLETED', 1, NOW + 60_000),
        ])
        .execute();
      await database.db
        .insertInto('txc_consume_conflict')
        .values({
          group_id: GROUP,
          dedup_key: 'a',
          message_id: 'x',
          stored_hash: 'h',
          received_hash: 'i',
          body: '{}',
          detected_at: NOW + 61_000,
        })
        .execute();
      await migrate(database);
      expect(await counters(database.db)).toEqual([
        {
          group_id: GROUP,
          minute_at: statsMinuteOf(NOW),
          attempts_1: 1,
          attempts_2: 1,
          attempts_10_plus: 1,
          dead_lettered: 1,
          last_consumed_at: NOW + 2_000,
        },
        { group_id: GROUP, minute_at: statsMinuteOf(NOW + 60_000), attempts_1: 1, conflicts: 1, last_consumed_at: NOW + 60_000 },
      ]);
    } finally {
      await database.close();
      await scratch?.drop();
    }
  });
});
