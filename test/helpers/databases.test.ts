import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from './databases';
import { DATABASE_CASES, mysqlUnavailableReason } from './databases';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const nameOf = async (database: TestDatabase) =>
  (await sql<{ name: string }>`select database() as name`.execute(database.db)).rows[0]!.name;
const tablesOf = async (database: TestDatabase) => (await database.db.introspection.getTables()).map((table) => table.name).sort();
const countOf = async (database: TestDatabase, table: string) =>
  Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(database.db)).rows[0]!.n);

// The integration project's MariaDB databases are taken in turns by the tests of a worker (recycledMysql.globalSetup.ts):
// what a test gets must still be what a new, migrated database would be.
describe.skipIf(mysqlSkip !== undefined)('MariaDB test databases, recycled between tests', () => {
  const open = DATABASE_CASES[1].open;

  it('hand the next test the same migrated tables, empty, without the tables a test added', async () => {
    const first = await open();
    const name = await nameOf(first);
    const migrated = await tablesOf(first);
    await first.db.insertInto('txc_reconcile_report').values({ run_id: 'r1', finished_at: 2, clean: 1, report: '{}' }).execute();
    await sql`create table t_extra (id int)`.execute(first.db);
    await first.close();

    const second = await open();
    try {
      expect(await nameOf(second)).toBe(name);
      expect(await tablesOf(second)).toEqual(migrated);
      expect(await countOf(second, 'txc_reconcile_report')).toBe(0);
      expect(await countOf(second, 'txc_migration')).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });

  it('give a test that is still open its own database, and replace one whose migrated schema a test changed', async () => {
    const first = await open();
    const second = await open();
    const changed = await nameOf(first);
    expect(await nameOf(second)).not.toBe(changed);
    await sql`alter table txc_reconcile_report add column extra int`.execute(first.db);
    await first.close();
    await second.close();

    const third = await open();
    const fourth = await open();
    try {
      expect([await nameOf(third), await nameOf(fourth)]).not.toContain(changed);
      const columns = (await third.db.introspection.getTables()).find((table) => table.name === 'txc_reconcile_report')!.columns;
      expect(columns.map((column) => column.name)).not.toContain('extra');
    } finally {
      await third.close();
      await fourth.close();
    }
  });
});
