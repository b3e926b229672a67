import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SqlTxStore, transition, TxConflictError } from '../../../../shared/engines/tx';
import type { NewTx, TxTables } from '../../../../shared/engines/tx';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';
import { mysqlQueriesDuring } from '../../../helpers/mysqlQueries';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

let n = 0;
const client = { actor: 'fund-trading', reason: 'client' };

const newTx = (overrides: Partial<NewTx> = {}): NewTx => ({
  txId: `tx-test-${++n}-${Date.now()}`,
  systemId: 'fund-trading',
  businessKey: `order-${n}`,
  topic: 'TXC_FUND_TRADE',
  tag: 'DISCOUNT_PURCHASE',
  payloadHash: 'a'.repeat(64),
  body: '{"v":1}',
  properties: { bizKeys: 'k1 k2' },
  checkbackPath: undefined,
  ...overrides,
});

describe('Function: transition', () => {
  it('applies to PREPARED, is idempotent for the same decision and conflicts for the other', () => {
    expect(transition('t', 'PREPARED', 'COMMIT')).toBe('apply');
    expect(transition('t', 'COMMITTED', 'COMMIT')).toBe('already-decided');
    expect(transition('t', 'ROLLED_BACK', 'ROLLBACK')).toBe('already-decided');
    expect(() => transition('t', 'ROLLED_BACK', 'COMMIT')).toThrow(TxConflictError);
    expect(() => transition('t', 'COMMITTED', 'ROLLBACK')).toThrow(expect.objectContaining({ code: 'TX_STATE_CONFLICT' }));
  });
});

describe.each(DATABASE_CASES)('Class: SqlTxStore on $dialect', ({ dialect, open }) => {
  const maybe = it.skipIf(dialect === 'mysql' && mysqlSkip !== undefined);
  const withStore = async (body: (store: SqlTxStore) => Promise<void>) => {
    const database = await open();
    try {
      await body(new SqlTxStore(database.db as Kysely<TxTables>));
    } finally {
      await database.close();
    }
  };

  maybe('stores, publishes, decides and delivers with a full timeline', () =>
    withStore(async (store) => {
      const tx = newTx();
      expect(await store.insertPrepared(tx, 1_000)).toBe(true);
      await store.markPublished(tx.txId, { messageId: 'M1', receiptHandle: 'H1' }, 1_001);
      expect(await store.get(tx.txId)).toMatchObject({
        state: 'PREPARED',
        broker: 'HALF',
        receiptHandle: 'H1',
        createdAt: 1_000,
        properties: { bizKeys: 'k1 k2' },
      });
      expect(await store.decide(tx.txId, 'COMMIT', { actor: 'fund-trading', reason: 'client' }, 1_002)).toBe(true);
      expect(await store.get(tx.txId)).toMatchObject({
        state: 'COMMITTED',
        broker: 'DECISION_PENDING',
        decidedAt: 1_002,
        reason: 'client',
      });
      await store.markDelivered(tx.txId, 'fund-trading', { decision: 'COMMIT' }, 1_003);
      expect((await store.get(tx.txId))!.broker).toBe('DECISION_DELIVERED');
      expect(await store.recordCheck(tx.txId, { answer: 'COMMIT' }, 1_004)).toBe(1);
      const timeline = await store.timeline(tx.txId);
      expect(timeline.map((e) => [e.type, e.state, e.at])).toEqual([
        ['PREPARED', 'PREPARED', 1_000],
        ['PUBLISHED', 'PREPARED', 1_001],
        ['COMMITTED', 'COMMITTED', 1_002],
        ['BROKER_NOTIFIED', 'COMMITTED', 1_003],
        ['CHECK', 'COMMITTED', 1_004],
      ]);
      expect(timeline[2]!.detail).toEqual({ reason: 'client' });
    }),
  );

  maybe('handles and delivery marks of one batch: one UPDATE each, every row as if written alone', () =>
    withStore(async (store) => {
      const txs = [newTx(), newTx(), newTx(), newTx()];
      await Promise.all(txs.map((tx, i) => store.insertPrepared(tx, 1_000 + i)));
      // The last one is decided before its handle is stored (a takeover race): the handle is added, and
      // broker goes PUBLISH_PENDING → HALF as for the others (the decision left it PUBLISH_PENDING).
      const [raced] = txs.slice(-1);
      expect(await store.decide(raced!.txId, 'ROLLBACK', { actor: 'checkback', reason: 'checkback' }, 1_500)).toBe(true);
      // Queued in one turn: one batch.
      await Promise.all(txs.map((tx, i) => store.markPublished(tx.txId, { messageId: `M${i}`, receiptHandle: `H${i}` }, 2_000 + i)));
      const published = await Promise.all(txs.map((tx) => store.get(tx.txId)));
      expect(published.map((tx) => [tx!.broker, tx!.messageId, tx!.receiptHandle, tx!.updatedAt])).toEqual([
        ['HALF', 'M0', 'H0', 2_000],
        ['HALF', 'M1', 'H1', 2_001],
        ['HALF', 'M2', 'H2', 2_002],
        ['HALF', 'M3', 'H3', 2_003],
      ]);
      await Promise.all(txs.slice(0, 2).map((tx) => store.decide(tx.txId, 'COMMIT', { actor: 'fund-trading', reason: 'client' }, 3_000)));
      // The third is still PREPARED: a delivery mark leaves it alone.
      await Promise.all(txs.map((tx, i) => store.markDelivered(tx.txId, 'fund-trading', { n: i }, 4_000 + i)));
      const delivered = await Promise.all(txs.map((tx) => store.get(tx.txId)));
      expect(delivered.map((tx) => [tx!.state, tx!.broker, tx!.updatedAt])).toEqual([
        ['COMMITTED', 'DECISION_DELIVERED', 4_000],
        ['COMMITTED', 'DECISION_DELIVERED', 4_001],
        ['PREPARED', 'HALF', 2_002],
        ['ROLLED_BACK', 'DECISION_DELIVERED', 4_003],
      ]);
      const timeline = await store.timeline(txs[0]!.txId);
      expect(timeline.map((e) => [e.type, e.state, e.at])).toEqual([
        ['PREPARED', 'PREPARED', 1_000],
        ['PUBLISHED', 'PREPARED', 2_000],
        ['COMMITTED', 'COMMITTED', 3_000],
        ['BROKER_NOTIFIED', 'COMMITTED', 4_000],
      ]);
    }),
  );

  maybe('plain events marked published in one batch: one UPDATE, every event with its own message id and timeline row', () =>
    withStore(async (store) => {
      const events = [newTx(), newTx(), newTx()];
      expect(await Promise.all(events.map((event, i) => store.insertPlain(event, 1_000 + i)))).toEqual([true, true, true]);
      // Queued in one turn: one batch. The third stays unpublished.
      await Promise.all(events.slice(0, 2).map((event, i) => store.markPlainPublished(event.txId, `PM${i}`, 2_000 + i)));
      const stored = await Promise.all(events.map((event) => store.get(event.txId)));
      expect(stored.map((event) => [event!.state, event!.broker, event!.messageId, event!.updatedAt])).toEqual([
        ['COMMITTED', 'PUBLISHED', 'PM0', 2_000],
        ['COMMITTED', 'PUBLISHED', 'PM1', 2_001],
        ['COMMITTED', 'PUBLISH_PENDING', undefined, 1_002],
      ]);
      const timeline = await store.timeline(events[1]!.txId);
      expect(timeline.map((e) => [e.type, e.state, e.at, e.detail])).toEqual([
        ['ACCEPTED', 'COMMITTED', 1_001, { businessKey: events[1]!.businessKey }],
        ['PUBLISHED', 'COMMITTED', 2_001, { messageId: 'PM1' }],
      ]);
    }),
  );

  maybe('holds (system, businessKey) until a failed publish releases it', () =>
    withStore(async (store) => {
      const first = newTx({ businessKey: 'shared-key' });
      expect(await store.insertPrepared(first, 1)).toBe(true);
      expect(await store.insertPrepared(newTx({ businessKey: 'shared-key' }), 2)).toBe(false);
      expect(await store.insertPrepared(newTx({ businessKey: 'shared-key', systemId: 'companion' }), 2)).toBe(true);
      expect((await store.findByBusinessKey('fund-trading', 'shared-key'))!.txId).toBe(first.txId);
      expect(await store.failPublish(first.txId, { code: 'MQ_UNAVAILABLE' }, 3)).toBe(true);
      expect(await store.failPublish(first.txId, { code: 'MQ_UNAVAILABLE' }, 3)).toBe(false);
      expect(await store.get(first.txId)).toMatchObject({ state: 'ROLLED_BACK', broker: 'NOT_PUBLISHED', reason: 'publish-failed' });
      expect(await store.findByBusinessKey('fund-trading', 'shared-key')).toBeUndefined();
      expect(await store.insertPrepared(newTx({ businessKey: 'shared-key' }), 4)).toBe(true);
    }),
  );

  maybe('concurrent decisions: exactly one compare-and-set wins', () =>
    withStore(async (store) => {
      for (let round = 0; round < 10; round++) {
        const tx = newTx();
        await store.insertPrepared(tx, 1);
        const results = await Promise.all([
          store.decide(tx.txId, 'COMMIT', { actor: 'a', reason: 'client' }, 2),
          store.decide(tx.txId, 'ROLLBACK', { actor: 'b', reason: 'client' }, 2),
          store.decide(tx.txId, 'COMMIT', { actor: 'c', reason: 'client' }, 2),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.timeline(tx.txId)).filter((e) => e.type === 'COMMITTED' || e.type === 'ROLLED_BACK')).toHaveLength(1);
      }
    }),
  );

  maybe("a batch's new transactions, plain events and decisions go with its COMMIT (MySQL: the batch's one round trip)", () =>
    withStore(async (store) => {
      const decided = newTx();
      await store.insertPrepared(decided, 1); // also the write session's own setup, not the batch's
      const [prepared, plain] = [newTx(), newTx()];
      const queries = await mysqlQueriesDuring(async () => {
        const results = await Promise.all([
          store.insertPrepared(prepared, 2),
          store.insertPlain(plain, 2),
          store.decide(decided.txId, 'COMMIT', client, 2),
        ]);
        expect(results).toEqual([true, true, true]);
      });
      if (dialect === 'mysql') {
        expect(queries).toHaveLength(1);
        // The decision is followed by its row-count check; the timeline rows come last, with the COMMIT.
        expect(queries[0]).toMatch(
          /^insert into `txc_tx` .*;\ninsert into `txc_tx` .*;\nupdate `txc_tx` .*;\nselect .*row_count\(\) <> 1\);\ninsert into txc_tx_event .*;\ncommit$/s,
        );
      }
      expect(await store.get(prepared.txId)).toMatchObject({ kind: 'TRANSACTIONAL', state: 'PREPARED', broker: 'PUBLISH_PENDING' });
      expect(await store.get(plain.txId)).toMatchObject({ kind: 'PLAIN', state: 'COMMITTED', broker: 'PUBLISH_PENDING' });
      expect(await store.get(decided.txId)).toMatchObject({ state: 'COMMITTED', decidedAt: 2 });
      expect((await store.timeline(decided.txId)).map((e) => e.type)).toEqual(['PREPARED', 'COMMITTED']);
      expect((await store.timeline(plain.txId)).map((e) => [e.type, e.state])).toEqual([['ACCEPTED', 'COMMITTED']]);
    }),
  );

  maybe(
    'a decision racing a failed publish or another decision in one batch: the first queued wins; the others answer false, without a timeline row',
    () =>
      withStore(async (store) => {
        const [a, b] = [newTx(), newTx()];
        await Promise.all([store.insertPrepared(a, 1), store.insertPrepared(b, 1)]);
        // On MySQL the failed publishes run first (directly) and the decisions go with the COMMIT; the one
        // that then finds its transaction decided stops the COMMIT, and the jobs run again one by one.
        const queries = await mysqlQueriesDuring(async () => {
          const results = await Promise.all([
            store.decide(a.txId, 'COMMIT', client, 2),
            store.failPublish(a.txId, { code: 'MQ_UNAVAILABLE' }, 2),
            store.failPublish(b.txId, { code: 'MQ_UNAVAILABLE' }, 2),
            store.decide(b.txId, 'COMMIT', client, 2),
            store.decide(a.txId, 'ROLLBACK', { actor: 'checkback', reason: 'checkback' }, 2),
          ]);
          expect(results).toEqual([true, false, true, false, false]);
        });
        if (dialect === 'mysql') {
          expect(queries.slice(0, 2)).toEqual([expect.stringMatching(/^update `txc_tx`/), expect.stringMatching(/^update `txc_tx`/)]);
          expect(queries[2]).toMatch(/^(update `txc_tx` .*;\nselect .*row_count\(\) <> 1\);\n){3}insert into txc_tx_event .*;\ncommit$/s);
          expect(queries.slice(3).filter((q) => /^update `txc_tx`/.test(q))).toHaveLength(5);
        }
        expect(await store.get(a.txId)).toMatchObject({ state: 'COMMITTED', reason: 'client' });
        expect(await store.get(b.txId)).toMatchObject({ state: 'ROLLED_BACK', reason: 'publish-failed' });
        expect((await store.timeline(a.txId)).map((e) => [e.type, e.actor])).toEqual([
          ['PREPARED', 'fund-trading'],
          ['COMMITTED', 'fund-trading'],
        ]);
        expect((await store.timeline(b.txId)).map((e) => e.type)).toEqual(['PREPARED', 'PUBLISH_FAILED']);
      }),
  );

  maybe('a businessKey taken in the same batch or before: only its first transaction or plain event is stored', () =>
    withStore(async (store) => {
      const [txHolder, eventHolder] = [newTx({ businessKey: 'tx-held' }), newTx({ businessKey: 'event-held' })];
      expect(await store.insertPrepared(txHolder, 1)).toBe(true);
      expect(await store.insertPlain(eventHolder, 1)).toBe(true);
      const txs = [newTx({ businessKey: 'tx-held' }), newTx({ businessKey: 'tx-new' }), newTx({ businessKey: 'tx-new' })];
      const events = [newTx({ businessKey: 'event-held' }), newTx({ businessKey: 'event-new' }), newTx({ businessKey: 'event-new' })];
      const results = await Promise.all([...txs.map((tx) => store.insertPrepared(tx, 2)), ...events.map((e) => store.insertPlain(e, 2))]);
      expect(results).toEqual([false, true, false, false, true, false]);
      expect((await store.findByBusinessKey('fund-trading', 'tx-new'))!.txId).toBe(txs[1]!.txId);
      expect((await store.findByBusinessKey('fund-trading', 'event-new'))!.txId).toBe(events[1]!.txId);
      for (const refused of [txs[0]!, txs[2]!, events[0]!, events[2]!]) {
        expect(await store.get(refused.txId)).toBeUndefined();
        expect(await store.timeline(refused.txId)).toEqual([]);
      }
      expect((await store.timeline(events[1]!.txId)).map((e) => e.type)).toEqual(['ACCEPTED']);
    }),
  );

  maybe('a timeline row taking the state of a transaction that no longer exists fails its write alone', () =>
    withStore(async (store) => {
      const [discarded, kept] = [newTx(), newTx()];
      await Promise.all([store.insertPrepared(discarded, 1), store.insertPrepared(kept, 1)]);
      expect(await store.discardUnpublished(discarded.txId)).toBe(true);
      const outcomes = await Promise.allSettled(
        [discarded, kept].map((tx) => store.markPublished(tx.txId, { messageId: 'M', receiptHandle: 'H' }, 2)),
      );
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
      expect(await store.get(discarded.txId)).toBeUndefined();
      expect(await store.timeline(discarded.txId)).toEqual([]);
      expect((await store.timeline(kept.txId)).map((e) => [e.type, e.state])).toEqual([
        ['PREPARED', 'PREPARED'],
        ['PUBLISHED', 'PREPARED'],
      ]);
    }),
  );

  maybe('a stale publish claim is taken over by exactly one caller', () =>
    withStore(async (store) => {
      const tx = newTx();
      await store.insertPrepared(tx, 100);
      const claims = await Promise.all([store.claimPublish(tx.txId, 100, 200), store.claimPublish(tx.txId, 100, 201)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.claimPublish(tx.txId, 100, 300)).toBe(false);
    }),
  );
});
