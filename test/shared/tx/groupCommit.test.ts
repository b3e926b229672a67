import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../shared/store/openDatabase';
import { SqlTxStore } from '../../../shared/tx';
import { GroupCommitWriter, writerFor } from '../../../shared/tx/groupCommit';
import type { NewTx, TxTables } from '../../../shared/tx';

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

async function withSqlite(body: (db: Kysely<TxTables>) => Promise<void>): Promise<void> {
  const database = await openDatabase(`sqlite:${join(mkdtempSync(join(tmpdir(), 'txc-group-')), 'tx.db')}`);
  try {
    await body(database.db as Kysely<TxTables>);
  } finally {
    await database.close();
  }
}

describe('Class: GroupCommitWriter (SQLite)', () => {
  it('is the writer chosen for SQLite', () =>
    withSqlite(async (db) => {
      expect(writerFor(db)).toBeInstanceOf(GroupCommitWriter);
    }));

  it('commits writes queued in one turn together, and answers each only after the commit', () =>
    withSqlite(async (db) => {
      const writer = new GroupCommitWriter(db);
      const store = new SqlTxStore(db);
      const seen = new Set<Transaction<TxTables>>();
      const ids = Array.from({ length: 10 }, (_, i) => `tx-group-${i}`);
      const results = await Promise.all(
        ids.map((id) =>
          writer.write(async (trx) => {
            seen.add(trx);
            await trx.insertInto('txc_tx_event').values({ tx_id: id, at: 1, type: 'CHECK', state: 'PREPARED', actor: 't', detail: null }).execute();
            return id;
          }),
        ),
      );
      expect(results).toEqual(ids);
      expect(seen.size).toBe(1);
      for (const id of ids) expect(await store.timeline(id)).toHaveLength(1);
    }));

  it('a failing write fails alone: the rest of its batch is committed', () =>
    withSqlite(async (db) => {
      const writer = new GroupCommitWriter(db);
      const insert = (id: string) => (trx: Transaction<TxTables>) =>
        trx.insertInto('txc_tx_event').values({ tx_id: id, at: 1, type: 'CHECK', state: 'PREPARED', actor: 't', detail: null }).execute();
      const outcomes = await Promise.allSettled([
        writer.write(insert('ok-1')),
        writer.write(async (trx) => {
          await insert('undone')(trx);
          throw new Error('boom');
        }),
        writer.write(insert('ok-2')),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'boom' });
      const rows = await db.selectFrom('txc_tx_event').select('tx_id').orderBy('tx_id').execute();
      expect(rows.map((r) => r.tx_id)).toEqual(['ok-1', 'ok-2']);
    }));

  it('concurrent prepares of one businessKey in one batch: exactly one holds it', () =>
    withSqlite(async (db) => {
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
    }));
});
