import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import { createConnection } from 'mysql2/promise';
import { createScratchMysqlDatabase } from '../../local/scratchMysqlDatabase';
import type { Database } from '../../shared/adapters/store/Database';
import { openDatabase } from '../../shared/adapters/store/openDatabase';
import { afterThisFile } from './afterFile';

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

/** A migrated database for one test, every table empty; `close()` ends it (and removes or recycles it). */
export type TestDatabase = Database;

async function freshSqlite(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'txc-sqlite-'));
  return openDatabase(`sqlite:${join(dir, 'test.db')}`);
}

/**
 * A migrated MariaDB scratch database that tests of one file take turns on. Creating a database and
 * running every migration in it is ≈ 30 CREATE TABLEs, each a file on disk: 0.7–5 s per test on this
 * machine; emptying the tables again costs ≈ 10 ms.
 */
interface RecycledMysql {
  url: string;
  /** A connection of its own, for emptying the tables between tests. */
  admin: Connection;
  /** The tables the migrations made. */
  tables: ReadonlySet<string>;
  /** Their columns and indexes, to tell a test's change to them apart. */
  schema: string;
  drop(): Promise<void>;
}

interface RecyclingPool {
  idle: RecycledMysql[];
  all: RecycledMysql[];
}

let recycling: RecyclingPool | undefined;

/** This file's databases to take turns on; undefined where nothing drops them after the file (afterFile.ts). */
function recyclingPool(): RecyclingPool | undefined {
  if (recycling) return recycling;
  const pool: RecyclingPool = { idle: [], all: [] };
  const dropped = afterThisFile(async () => {
    recycling = undefined;
    await Promise.all(pool.all.map((database) => database.drop()));
  });
  if (dropped) recycling = pool;
  return recycling;
}

/** Migration bookkeeping: kept, so the next open finds the schema up to date with one SELECT. */
const MIGRATOR_TABLES = new Set(['txc_migration', 'txc_migration_lock']);

/** Every table with its columns and every index, as one string: equal strings mean the same schema. */
async function schemaOf(admin: Connection): Promise<string> {
  const [rows] = await admin.query(
    `select concat_ws(' ', table_name, column_name, column_type, is_nullable, column_default, collation_name) as line
       from information_schema.columns where table_schema = database()
     union all
     select concat_ws(' ', table_name, index_name, non_unique, seq_in_index, column_name, sub_part)
       from information_schema.statistics where table_schema = database()
     order by line`,
  );
  return (rows as { line: string }[]).map((row) => row.line).join('\n');
}

async function tablesOf(admin: Connection): Promise<string[]> {
  const [rows] = await admin.query('select table_name as name from information_schema.tables where table_schema = database()');
  return (rows as { name: string }[]).map((row) => row.name);
}

async function createRecycledMysql(): Promise<RecycledMysql> {
  const scratch = await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_t');
  await (await openDatabase(scratch.url)).close();
  const admin = await createConnection({ uri: scratch.url });
  return {
    url: scratch.url,
    admin,
    tables: new Set(await tablesOf(admin)),
    schema: await schemaOf(admin),
    drop: async () => {
      await admin.end();
      await scratch.drop();
    },
  };
}

/**
 * Makes a used database what a new one would be: tables a test created are dropped, every migrated
 * table emptied (one transaction: one log flush). False when a test changed a migrated table: that
 * database is not reused.
 */
async function emptied(database: RecycledMysql): Promise<boolean> {
  const extra = (await tablesOf(database.admin)).filter((table) => !database.tables.has(table));
  if (extra.length > 0) await database.admin.query(`drop table ${extra.map((table) => `\`${table}\``).join(', ')}`);
  if ((await schemaOf(database.admin)) !== database.schema) return false;
  await database.admin.query('begin');
  for (const table of database.tables) if (!MIGRATOR_TABLES.has(table)) await database.admin.query(`delete from \`${table}\``);
  await database.admin.query('commit');
  return true;
}

async function freshMysql(): Promise<TestDatabase> {
  const pool = recyclingPool();
  if (!pool) {
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
  let recycled = pool.idle.pop();
  while (recycled && !(await emptied(recycled))) {
    pool.all.splice(pool.all.indexOf(recycled), 1);
    await recycled.drop();
    recycled = pool.idle.pop();
  }
  if (!recycled) {
    recycled = await createRecycledMysql();
    pool.all.push(recycled);
  }
  const database = await openDatabase(recycled.url);
  const used = recycled;
  let closed = false;
  return {
    ...database,
    // The test's pool is closed for good (a query it left running fails instead of reaching the next
    // test's rows); only then is the database free to be emptied and handed out again.
    close: async () => {
      if (closed) return;
      closed = true;
      await database.close();
      pool.idle.push(used);
    },
  };
}

/** The dialects a contract suite runs against: SQLite always, MySQL when a server is reachable. */
export const DATABASE_CASES = [
  { dialect: 'sqlite', open: freshSqlite },
  { dialect: 'mysql', open: freshMysql },
] as const;
