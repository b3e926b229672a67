import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../shared/adapters/store/openDatabase';
import type { TxTables } from '../../../../shared/engines/tx';
import { precompile } from '../../../../shared/engines/tx/precompiledQuery';

async function withSqlite(body: (db: Kysely<TxTables>) => Promise<void>): Promise<void> {
  const database = await openDatabase(`sqlite:${join(mkdtempSync(join(tmpdir(), 'txc-precompiled-')), 'tx.db')}`);
  try {
    await body(database.db as Kysely<TxTables>);
  } finally {
    await database.close();
  }
}

describe('Function: precompile', () => {
  it('binds new arguments by name into the SQL compiled once, keeping fixed values', () =>
    withSqlite(async (db) => {
      const insert = precompile(['txId', 'detail'], (a: { txId: string; detail: string }) =>
        db.insertInto('txc_tx_event').values({ tx_id: a.txId, at: 7, type: 'CHECK', state: 'PREPARED', actor: 'test', detail: a.detail }),
      );
      const byTx = precompile(['txId'], (a: { txId: string }) =>
        db.selectFrom('txc_tx_event').select(['tx_id', 'at', 'detail']).where('tx_id', '=', a.txId),
      );
      await db.executeQuery(insert.bind({ txId: 'one', detail: 'first' }));
      await db.executeQuery(insert.bind({ txId: 'two', detail: 'second' }));
      expect((await db.executeQuery(byTx.bind({ txId: 'two' }))).rows).toEqual([{ tx_id: 'two', at: 7, detail: 'second' }]);
      expect((await db.executeQuery(byTx.bind({ txId: 'one' }))).rows).toEqual([{ tx_id: 'one', at: 7, detail: 'first' }]);
    }));

  it('refuses a query that does not bind an argument as a parameter', () =>
    withSqlite(async (db) => {
      expect(() =>
        precompile(['txId', 'unused'], (a: { txId: string; unused: string }) =>
          db.selectFrom('txc_tx').selectAll().where('tx_id', '=', a.txId),
        ),
      ).toThrow(/does not bind unused/);
    }));
});
