import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { MergedWrite, RowSink } from '../../../../shared/adapters/store/groupCommit';
import {
  FailedBeforeCommitError,
  GroupCommitWriter,
  MAX_WRITES_PER_COMMIT,
  writeAtCommit,
  writerFor,
} from '../../../../shared/adapters/store/groupCommit';
import { SqlTxStore } from '../../../../shared/engines/tx';
import type { NewTx, TxTables } from '../../../../shared/engines/tx';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';
import { mysqlQueriesDuring } from '../../../helpers/mysqlQueries';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const newTx = (txId: string, businessKey: string): NewTx => ({
  txId,
  systemId: 'fund-trading',
  businessKey,
  topic: 'TXC_FUND_TRADE',
  tag: 'DISCOUNT_PURCHASE',
  payloadHash: 'a'.repeat(64),
  body: '{"v":1}',
  properties: undefined,
  checkbackPath: undefined,
});

/** A whole txc_tx row (PREPARED), written directly. */
const txRow = (txId: string) => ({
  tx_id: txId,
  system_id: 'fund-trading',
  business_key: txId,
  active_business_key: txId,
  topic: 'TXC_FUND_TRADE',
  tag: 'DISCOUNT_PURCHASE',
  payload_hash: 'a'.repeat(64),
  body: '{}',
  properties: null,
  checkback_path: null,
  state: 'PREPARED',
  broker: 'PUBLISH_PENDING',
  reason: null,
  message_id: null,
  receipt_handle: null,
  publish_claimed_at: 1,
  check_count: 0,
  created_at: 1,
  updated_at: 1,
  decided_at: null,
});

const eventRow = (id: string) => ({ tx_id: id, at: 1, type: 'CHECK', state: 'PREPARED', actor: 't', detail: null });
const insertEvent = (id: string) => (trx: Transaction<TxTables>) => trx.insertInto('txc_tx_event').values(eventRow(id)).execute();

/** Collected timeline rows, one INSERT per batch. */
const eventRows: RowSink<TxTables, string> = {
  statement: (trx, ids) => trx.insertInto('txc_tx_event').values(ids.map(eventRow)).compile(),
};
/** Collected rows whose statement always fails (no such table). */
const failingRows: RowSink<TxTables, string> = {
  statement: (trx, ids) => sql`insert into txc_no_such_table (id) values (${sql.join(ids)})`.compile(trx),
};

describe.each(DATABASE_CASES)('Class: GroupCommitWriter on $dialect', ({ dialect, open }) => {
  const maybe = it.skipIf(dialect === 'mysql' && mysqlSkip !== undefined);
  const withDb = async (body: (db: Kysely<TxTables>) => Promise<void>) => {
    const database = await open();
    try {
      await body(database.db as Kysely<TxTables>);
    } finally {
      await database.close();
    }
  };
  const eventIds = async (db: Kysely<TxTables>) =>
    (await db.selectFrom('txc_tx_event').select('tx_id').orderBy('tx_id').execute()).map((r) => r.tx_id);

  maybe('is the writer of the database, one per Kysely instance', () =>
    withDb(async (db) => {
      expect(writerFor(db)).toBeInstanceOf(GroupCommitWriter);
      expect(writerFor(db)).toBe(writerFor(db));
    }),
  );

  maybe('commits writes queued in one turn together, and answers each only after the commit', () =>
    withDb(async (db) => {
      const writer = new GroupCommitWriter(db, 2);
      const seen = new Set<Transaction<TxTables>>();
      const ids = Array.from({ length: 10 }, (_, i) => `tx-group-${i}`);
      const results = await Promise.all(
        ids.map((id) =>
          writer.write(async (trx) => {
            seen.add(trx);
            await insertEvent(id)(trx);
            return id;
          }),
        ),
      );
      expect(results).toEqual(ids);
      expect(seen.size).toBe(1);
      expect(await eventIds(db)).toEqual(ids);
    }),
  );

  maybe('runs up to `concurrentCommits` batches at once; writes queued meanwhile form the next batch', () =>
    withDb(async (db) => {
      const writer = new GroupCommitWriter(db, 2);
      const batches: Transaction<TxTables>[] = [];
      let open = 0;
      let mostOpen = 0;
      const job = (id: string) => async (trx: Transaction<TxTables>) => {
        if (!batches.includes(trx)) batches.push(trx);
        open += 1;
        mostOpen = Math.max(mostOpen, open);
        await insertEvent(id)(trx);
        await new Promise((resolve) => setTimeout(resolve, 20));
        open -= 1;
      };
      const first = writer.write(job('a'));
      await new Promise((resolve) => setImmediate(resolve)); // batch 1 started
      const second = writer.write(job('b'));
      await new Promise((resolve) => setImmediate(resolve)); // batch 2 started while 1 is open
      const rest = ['c', 'd', 'e'].map((id) => writer.write(job(id)));
      await Promise.all([first, second, ...rest]);
      // On SQLite the second batch waits for the only connection; both were started all the same.
      expect(batches).toHaveLength(3);
      if (dialect === 'mysql') expect(mostOpen).toBe(2);
      expect(await eventIds(db)).toEqual(['a', 'b', 'c', 'd', 'e']);
    }),
  );

  maybe("runs a merged write's items of one batch in one call, at the first one's turn; a failing call's items run again alone", () =>
    withDb(async (db) => {
      const writer = new GroupCommitWriter(db, 1);
      const calls: string[][] = [];
      const events: MergedWrite<TxTables, string, string> = {
        run: async (trx, _batch, ids) => {
          calls.push([...ids]);
          // One statement for every item (a missing table fails the whole call when one item is bad).
          await trx
            .insertInto(ids.includes('bad') ? ('t_missing' as 'txc_tx_event') : 'txc_tx_event')
            .values(ids.map(eventRow))
            .execute();
          return ids.map((id) => `${id} stored`);
        },
      };
      const results = await Promise.allSettled([
        writer.writeMerged(events, 'm-1'),
        writer.write(async (trx) => void (await insertEvent('w-1')(trx))),
        writer.writeMerged(events, 'm-2'),
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual(['m-1 stored', undefined, 'm-2 stored']);
      expect(calls).toEqual([['m-1', 'm-2']]);
      expect(await eventIds(db)).toEqual(['m-1', 'm-2', 'w-1']);

      calls.length = 0;
      const [good, bad] = await Promise.allSettled([writer.writeMerged(events, 'm-3'), writer.writeMerged(events, 'bad')]);
      expect([good.status, bad.status]).toEqual(['fulfilled', 'rejected']);
      expect(calls).toEqual([['m-3', 'bad'], ['m-3'], ['bad']]);
      expect(await eventIds(db)).toEqual(['m-1', 'm-2', 'm-3', 'w-1']);
    }),
  );

  maybe(`commits at most ${MAX_WRITES_PER_COMMIT} writes per transaction`, () =>
    withDb(async (db) => {
      const writer = new GroupCommitWriter(db, 1);
      const sizes = new Map<Transaction<TxTables>, number>();
      await Promise.all(
        Array.from({ length: MAX_WRITES_PER_COMMIT + 1 }, () =>
          writer.write(async (trx) => void sizes.set(trx, (sizes.get(trx) ?? 0) + 1)),
        ),
      );
      expect([...sizes.values()]).toEqual([MAX_WRITES_PER_COMMIT, 1]);
    }),
  );

  maybe('a failing write fails alone: the rest of its batch is committed', () =>
    withDb(async (db) => {
      const writer = new GroupCommitWriter(db, 2);
      const outcomes = await Promise.allSettled([
        writer.write(insertEvent('ok-1')),
        writer.write(async (trx) => {
          await insertEvent('undone')(trx);
          throw new Error('boom');
        }),
        writer.write(insertEvent('ok-2')),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'boom' });
      expect(await eventIds(db)).toEqual(['ok-1', 'ok-2']);
    }),
  );

  maybe("collected rows and writes at commit are written in their batch's transaction; a failing one fails only its job", () =>
    withDb(async (db) => {
      const writer = writerFor(db);
      const outcomes = await Promise.allSettled(
        ['r-1', 'bad-rows', 'r-2', 'bad-write'].map((id) =>
          writer.write(async (trx, batch) => {
            await insertEvent(`${id}-own`)(trx);
            await writeAtCommit(trx, trx.insertInto('txc_tx_event').values(eventRow(`${id}-at`)));
            batch.collect(eventRows, `${id}-row`);
            if (id === 'bad-rows') batch.collect(failingRows, id);
            if (id === 'bad-write') await writeAtCommit(trx, failingRows.statement(trx, [id])!);
          }),
        ),
      );
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
      // MySQL sends them with the COMMIT, then runs each job again alone with its statements sent
      // directly: a failing job gets its statement's own error, as on SQLite.
      for (const failed of [outcomes[1], outcomes[3]]) {
        expect((failed as PromiseRejectedResult).reason).not.toBeInstanceOf(FailedBeforeCommitError);
        expect(String((failed as PromiseRejectedResult).reason)).toMatch(/txc_no_such_table/);
      }
      expect(await eventIds(db)).toEqual(['r-1-at', 'r-1-own', 'r-1-row', 'r-2-at', 'r-2-own', 'r-2-row']);
    }),
  );

  if (dialect === 'mysql')
    maybe("MySQL: a batch's writes at commit and collected rows go in the COMMIT's round trip", () =>
      withDb(async (db) => {
        const writer = writerFor(db);
        await writer.write(insertEvent('warm-up')); // the session's own setup is not the batch's
        const queries = await mysqlQueriesDuring(async () => {
          await Promise.all(
            ['c-1', 'c-2'].map((id) =>
              writer.write(async (trx, batch) => {
                await writeAtCommit(trx, trx.insertInto('txc_tx_event').values(eventRow(`${id}-at`)));
                await insertEvent(`${id}-own`)(trx);
                batch.collect(eventRows, `${id}-row`);
              }),
            ),
          );
        });
        // The jobs' own statements, then one round trip: the writes at commit in order, the collected rows, COMMIT.
        expect(queries).toHaveLength(3);
        expect(queries[2]).toMatch(
          /^insert into `txc_tx_event` .*'c-1-at'.*;\ninsert into .*'c-2-at'.*;\ninsert into .*'c-1-row'.*'c-2-row'.*;\ncommit$/s,
        );
        const ids = await db.selectFrom('txc_tx_event').select('tx_id').orderBy('id').execute();
        expect(ids.map((r) => r.tx_id)).toEqual(['warm-up', 'c-1-own', 'c-2-own', 'c-1-at', 'c-2-at', 'c-1-row', 'c-2-row']);
      }),
    );

  maybe(
    'a write at commit expecting a row count answers whether it changed that many; a batch where one did not runs again as one, its statements sent directly',
    () =>
      withDb(async (db) => {
        await db.insertInto('txc_tx_event').values(['cas-1', 'cas-2', 'cas-3'].map(eventRow)).execute();
        const writer = writerFor(db);
        await writer.write(async () => undefined); // the session's own setup is not the batch's
        // Compare-and-set PREPARED → COMMITTED; 'cas-2' is asked twice in one batch, so its second one finds nothing.
        const casJob = (id: string, marker: string) =>
          writer.write(async (trx, batch) => {
            const changed = await writeAtCommit(
              trx,
              trx.updateTable('txc_tx_event').set({ state: 'COMMITTED' }).where('tx_id', '=', id).where('state', '=', 'PREPARED'),
              1,
            );
            batch.collect(eventRows, `${marker}-${changed}`);
            return changed;
          });
        const queries = await mysqlQueriesDuring(async () => {
          expect(await Promise.all([casJob('cas-1', 'a'), casJob('cas-2', 'b')])).toEqual([true, true]);
        });
        // MySQL: one round trip for the batch, each compare-and-set followed by its check.
        if (dialect === 'mysql') {
          expect(queries).toHaveLength(1);
          expect(queries[0]).toMatch(
            /^update .*'cas-1'.*;\nselect \(select 1 union all select 1 from dual where row_count\(\) <> 1\);\nupdate .*'cas-2'.*;\nselect .*;\ninsert .*;\ncommit$/s,
          );
        }
        const runs = await mysqlQueriesDuring(async () => {
          expect(await Promise.all([casJob('cas-3', 'c'), casJob('cas-2', 'd'), casJob('missing', 'e')])).toEqual([true, false, false]);
        });
        // MySQL: the batch's COMMIT was stopped by a check, then the batch ran once more, statement by statement, in one transaction.
        if (dialect === 'mysql') {
          expect(runs.filter((query) => /commit$/.test(query))).toHaveLength(2);
          expect(runs.slice(1).map((query) => query.split(' ')[0])).toEqual(['rollback', 'update', 'update', 'update', 'insert', 'commit']);
        }
        const rows = await db.selectFrom('txc_tx_event').select(['tx_id', 'state']).orderBy('tx_id').execute();
        expect(rows).toEqual([
          { tx_id: 'a-true', state: 'PREPARED' },
          { tx_id: 'b-true', state: 'PREPARED' },
          { tx_id: 'c-true', state: 'PREPARED' },
          { tx_id: 'cas-1', state: 'COMMITTED' },
          { tx_id: 'cas-2', state: 'COMMITTED' },
          { tx_id: 'cas-3', state: 'COMMITTED' },
          { tx_id: 'd-false', state: 'PREPARED' },
          { tx_id: 'e-false', state: 'PREPARED' },
        ]);
      }),
  );

  maybe('an insert at commit that finds its key taken throws in its job, which can catch it; the rest of the batch commits', () =>
    withDb(async (db) => {
      const writer = writerFor(db);
      const insertTx = (txId: string) =>
        writer.write(async (trx) => {
          try {
            await writeAtCommit(trx, trx.insertInto('txc_tx').values(txRow(txId)));
          } catch (error) {
            return `taken: ${(error as Error).message.includes('Duplicate') || (error as Error).message.includes('UNIQUE') ? 'duplicate' : error}`;
          }
          return 'inserted';
        });
      expect(await Promise.all([insertTx('k-1'), insertTx('k-1'), insertTx('k-2')])).toEqual(['inserted', 'taken: duplicate', 'inserted']);
      expect((await db.selectFrom('txc_tx').select('tx_id').orderBy('tx_id').execute()).map((r) => r.tx_id)).toEqual(['k-1', 'k-2']);
    }),
  );

  maybe('a failed COMMIT fails every write of the batch, and none is run again (its outcome is unknown)', () =>
    withDb(async (db) => {
      const runs: string[] = [];
      const job = (id: string) => async (trx: Transaction<TxTables>) => {
        runs.push(id);
        await insertEvent(id)(trx);
      };
      // Every job succeeds, then the transaction fails as a COMMIT on a lost connection would.
      const commitFails = new Proxy(db, {
        get: (target, key) =>
          key === 'transaction'
            ? () => ({
                execute: (body: (trx: Transaction<TxTables>) => Promise<unknown>) =>
                  target.transaction().execute(async (trx) => {
                    await body(trx);
                    throw new Error('COMMIT failed');
                  }),
              })
            : Reflect.get(target, key),
      });
      const writer = new GroupCommitWriter(commitFails, 1);
      const outcomes = await Promise.allSettled([writer.write(job('x')), writer.write(job('y'))]);
      expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as Error).message)).toEqual(['COMMIT failed', 'COMMIT failed']);
      expect(runs).toEqual(['x', 'y']);
      expect(await eventIds(db)).toEqual([]);
    }),
  );

  // MySQL only: SQLite's writer uses its one connection, where BEGIN costs no round trip.
  if (dialect === 'mysql')
    maybe("MySQL: the writer's sessions have autocommit off (no BEGIN sent), and a batch is still one transaction", () =>
      withDb(async (db) => {
        const writer = writerFor(db);
        const visibleMidBatch = await writer.write(async (trx) => {
          const [session] = (await sql<{ autocommit: number | string }>`select @@autocommit as autocommit`.execute(trx)).rows;
          expect(Number(session!.autocommit)).toBe(0);
          await insertEvent('w-1')(trx);
          // Another session (the read pool) must not see it before the COMMIT.
          return eventIds(db);
        });
        expect(visibleMidBatch).toEqual([]);
        expect(await eventIds(db)).toEqual(['w-1']);
        // A failing write is undone, and its session is clean for the next batch (nothing left open to commit later).
        await expect(
          writer.write(async (trx) => {
            await insertEvent('undone')(trx);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        await Promise.all(['w-2', 'w-3'].map((id) => writer.write(insertEvent(id))));
        expect(await eventIds(db)).toEqual(['w-1', 'w-2', 'w-3']);
      }),
    );

  maybe('concurrent prepares of one businessKey in one batch: exactly one holds it', () =>
    withDb(async (db) => {
      const store = new SqlTxStore(db);
      const results = await Promise.all([
        store.insertPrepared(newTx('tx-a', 'same-key'), 1),
        store.insertPrepared(newTx('tx-b', 'same-key'), 1),
        store.insertPrepared(newTx('tx-c', 'other-key'), 1),
      ]);
      expect(results).toEqual([true, false, true]);
      expect((await store.findByBusinessKey('fund-trading', 'same-key'))!.txId).toBe('tx-a');
      expect(await store.get('tx-b')).toBeUndefined();
      expect(await store.timeline('tx-b')).toEqual([]);
      expect((await store.timeline('tx-c')).map((e) => e.type)).toEqual(['PREPARED']);
    }),
  );
});
