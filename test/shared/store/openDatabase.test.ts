import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DatabaseUrlError, openDatabase, redactUrl } from '../../../shared/store/openDatabase';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../helpers/databases';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

describe('Function: openDatabase', () => {
  it('refuses an unknown URL scheme without echoing the password', async () => {
    await expect(openDatabase('postgres://u:secret@h/db')).rejects.toThrow(DatabaseUrlError);
    await expect(openDatabase('postgres://u:secret@h/db')).rejects.not.toThrow(/secret/);
    expect(redactUrl('mysql://root:hunter2@db:3306/x')).toBe('mysql://root:***@db:3306/x');
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
