import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../../../shared/adapters/store/migrations';
import { DatabaseUrlError, openDatabase, redactUrl } from '../../../../shared/adapters/store/openDatabase';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

describe('Function: openDatabase', () => {
  it('refuses an unknown URL scheme without echoing the password', async () => {
    await expect(openDatabase('postgres://u:secret@h/db')).rejects.toThrow(DatabaseUrlError);
    await expect(openDatabase('postgres://u:secret@h/db')).rejects.not.toThrow(/secret/);
    expect(redactUrl('mysql://root:hunter2@db:3306/x')).toBe('mysql://root:***@db:3306/x');
  });

  it('re-opens an up-to-date database without re-running migrations, and migrates a new one', async () => {
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'txc-reopen-')), 'db.sqlite')}`;
    const first = await openDatabase(url);
    const applied = await first.db.selectFrom('txc_migration').select('name').execute();
    await first.close();
    let ran = 0;
    const extra = { '999_test_extra': { up: async () => void (ran += 1) } };
    const again = await openDatabase(url);
    expect(await again.db.selectFrom('txc_migration').select('name').execute()).toEqual(applied);
    await again.close();
    const upgraded = await openDatabase(url, { ...MIGRATIONS, ...extra });
    expect(ran).toBe(1);
    expect((await upgraded.db.selectFrom('txc_migration').select('name').execute()).length).toBe(applied.length + 1);
    await upgraded.close();
  });

  describe.each(DATABASE_CASES)('on $dialect', ({ dialect, open }) => {
    it.skipIf(dialect === 'mysql' && mysqlSkip !== undefined)('opens, migrates idempotently and runs SQL', async () => {
      const database = await open();
      try {
        expect(database.dialect).toBe(dialect);
        const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db);
        expect(Number(rows[0]?.one)).toBe(1);
        const tables = await database.db.introspection.getTables();
        expect(tables.map((t) => t.name)).toContain('txc_migration');
      } finally {
        await database.close();
      }
    });
  });
});
