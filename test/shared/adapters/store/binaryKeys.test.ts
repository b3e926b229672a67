import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createConnection } from 'mysql2/promise';
import { createScratchMysqlDatabase } from '../../../../local/scratchMysqlDatabase';
import { openDatabase } from '../../../../shared/adapters/store/openDatabase';
import { MYSQL_TEST_URL, mysqlUnavailableReason } from '../../../helpers/databases';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

// RDS creates a utf8mb4 database with a case-insensitive default collation (utf8mb4_general_ci on 5.7,
// utf8mb4_0900_ai_ci on 8.0). Keys that differ only in case are different keys on SQLite; they must be
// on MySQL too, or a consumer would skip "pur-A1" as a duplicate of "PUR-a1".
describe.skipIf(mysqlSkip !== undefined)('MySQL keys compare byte for byte', () => {
  it('creates every txcenter table utf8mb4_bin in a case-insensitive database', async () => {
    const scratch = await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_ci', 'utf8mb4_general_ci');
    try {
      const database = await openDatabase(scratch.url);
      try {
        const { rows } = await sql<{ name: string; collation: string }>`
          select table_name as name, table_collation as collation from information_schema.tables
          where table_schema = database() and table_name like 'txc\\_%' and table_name not like 'txc\\_migration%'`.execute(database.db);
        expect(rows.length).toBeGreaterThan(10);
        expect(rows.filter((row) => row.collation !== 'utf8mb4_bin')).toEqual([]);
        const barrier = (dedupKey: string) => ({
          group_id: 'GID_TEST',
          dedup_key: dedupKey,
          status: 'DONE',
          payload_hash: 'h',
          message_id: dedupKey,
          topic: 'T',
          tag: 'x',
          attempts: 1,
          lease_token: 'l',
          lease_until: 0,
          next_attempt_at: 0,
          created_at: 1,
          updated_at: 1,
        });
        await database.db.insertInto('txc_consume_barrier').values(barrier('PUR-a1')).execute();
        await database.db.insertInto('txc_consume_barrier').values(barrier('pur-A1')).execute();
        const count = await database.db.selectFrom('txc_consume_barrier').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
        expect(Number(count.n)).toBe(2);
      } finally {
        await database.close();
      }
    } finally {
      await scratch.drop();
    }
  });

  it('converts the tables of a database migrated before keys were binary', async () => {
    const scratch = await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_ci', 'utf8mb4_general_ci');
    const admin = await createConnection({ uri: scratch.url });
    try {
      // An older deployment: the table exists with the database's case-insensitive default, and the
      // migrations recorded as applied do not include the conversion.
      const database = await openDatabase(scratch.url);
      await database.close();
      await admin.query('alter table txc_tx convert to character set utf8mb4 collate utf8mb4_general_ci');
      await admin.query("delete from txc_migration where name = '010_store_binary_keys'");
      const reopened = await openDatabase(scratch.url);
      await reopened.close();
      const [rows] = await admin.query(
        "select table_collation as c from information_schema.tables where table_schema = database() and table_name = 'txc_tx'",
      );
      expect((rows as { c: string }[])[0]?.c).toBe('utf8mb4_bin');
    } finally {
      await admin.end();
      await scratch.drop();
    }
  });
});
