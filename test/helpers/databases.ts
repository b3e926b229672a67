import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { createScratchMysqlDatabase } from '../../local/scratchMysqlDatabase';
import type { Database } from '../../shared/adapters/store/Database';
import { openDatabase } from '../../shared/adapters/store/openDatabase';

/** The MariaDB/MySQL server tests use; CI and this machine run MariaDB there. */
export const MYSQL_TEST_URL = process.env.TXC_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

let mysqlProbe: Promise<string | undefined> | undefined;

/** Resolves to undefined when MySQL is reachable, else to the reason it is not (printed by skips). */
export function mysqlUnavailableReason(): Promise<string | undefined> {
  mysqlProbe ??= createConnection({ uri: MYSQL_TEST_URL, connectTimeout: 2_000 })
    .then(async (connection) => {
      await connection.end();
      return undefined;
    })
    .catch((error: Error) => {
      const reason = `no MySQL server at ${MYSQL_TEST_URL} (${error.message}); set TXC_TEST_MYSQL_URL`;
      // CI must run the MySQL dialect for real: there, a missing server is a failure, not a skip.
      if (process.env.TXC_REQUIRE_MYSQL === '1') throw new Error(`TXC_REQUIRE_MYSQL=1 but ${reason}`);
      return `MySQL tests skipped: ${reason}`;
    });
  return mysqlProbe;
}

/** A fresh, migrated database for one test; `close()` also removes it. */
export type TestDatabase = Database;

async function freshSqlite(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'txc-sqlite-'));
  return openDatabase(`sqlite:${join(dir, 'test.db')}`);
}

async function freshMysql(): Promise<TestDatabase> {
  const scratch = await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_t');
  const database = await openDatabase(scratch.url);
  return {
    ...database,
    close: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}

/** The dialects a contract suite runs against: SQLite always, MySQL when a server is reachable. */
export const DATABASE_CASES = [
  { dialect: 'sqlite', open: freshSqlite },
  { dialect: 'mysql', open: freshMysql },
] as const;
