import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
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

/** A migrated database for one test, every table empty; `close()` ends it (and removes or recycles it). */
export type TestDatabase = Database;

async function freshSqlite(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'txc-sqlite-'));
  const database = await openDatabase(`sqlite:${join(dir, 'test.db')}`);
  return {
    ...database,
    close: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the integration project's global setup (recycledMysql.globalSetup.ts) provides its test files. */
export interface RecycledMysqlRun {
  /** Every database of the run is named `<prefix>_w<worker>_<random>`; the setup drops them after the run. */
  prefix: string;
  /** The tables a new database's migrations make. */
  tables: string[];
  /** Their columns and indexes (schemaOf), to tell a test's change to them apart. */
  schema: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    recycledMysql: RecycledMysqlRun | undefined;
  }
}

/** A connection to the server (no database of its own) for one piece of bookkeeping. */
async function withAdmin<T>(body: (admin: Connection) => Promise<T>): Promise<T> {
  const admin = await createConnection({ uri: MYSQL_TEST_URL });
  try {
    return await body(admin);
  } finally {
    await admin.end();
  }
}

const databaseUrl = (name: string) => Object.assign(new URL(MYSQL_TEST_URL), { pathname: `/${name}` }).toString();

async function tablesOf(admin: Connection, database: string): Promise<string[]> {
  const [rows] = await admin.query('select table_name as name from information_schema.tables where table_schema = ?', [database]);
  return (rows as { name: string }[]).map((row) => row.name).sort();
}

/** Every table with its columns and every index, as one string: equal strings mean the same schema. */
async function schemaOf(admin: Connection, database: string): Promise<string> {
  const [rows] = await admin.query(
    `select concat_ws(' ', table_name, column_name, column_type, is_nullable, column_default, collation_name) as line
       from information_schema.columns where table_schema = ?
     union all
     select concat_ws(' ', table_name, index_name, non_unique, seq_in_index, column_name, sub_part)
       from information_schema.statistics where table_schema = ?
     order by line`,
    [database, database],
  );
  return (rows as { line: string }[]).map((row) => row.line).join('\n');
}

/** Creates database `name` and runs every migration in it; answers what it then holds. */
export async function migratedMysql(name: string): Promise<Pick<RecycledMysqlRun, 'tables' | 'schema'>> {
  await withAdmin((admin) => admin.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_general_ci`));
  await (await openDatabase(databaseUrl(name))).close();
  return withAdmin(async (admin) => ({ tables: await tablesOf(admin, name), schema: await schemaOf(admin, name) }));
}

/** The databases named `prefix_…`. */
async function mysqlDatabases(admin: Connection, prefix: string): Promise<string[]> {
  const [rows] = await admin.query('show databases like ?', [`${prefix.replaceAll('_', '\\_')}\\_%`]);
  return (rows as Record<string, string>[]).map((row) => Object.values(row)[0]!);
}

/** Drops the databases named `prefix_…` (the global setup's teardown). */
export async function dropMysqlDatabases(prefix: string): Promise<void> {
  await withAdmin(async (admin) => {
    for (const name of await mysqlDatabases(admin, prefix)) await admin.query(`drop database \`${name}\``);
  });
}

/**
 * Makes a used database what a new one would be: tables a test created are dropped, every migrated
 * table emptied (one transaction: one log flush). Only AUTO_INCREMENT counters go on where they were
 * (resetting them is DDL again); no test relies on an id's value. False when a test changed a migrated
 * table: that database is not reused.
 */
async function emptied(name: string, run: RecycledMysqlRun): Promise<boolean> {
  return withAdmin(async (admin) => {
    const extra = (await tablesOf(admin, name)).filter((table) => !run.tables.includes(table));
    if (extra.length > 0) await admin.query(`drop table ${extra.map((table) => `\`${name}\`.\`${table}\``).join(', ')}`);
    if ((await schemaOf(admin, name)) !== run.schema) return false;
    await admin.query('begin');
    for (const table of run.tables) if (!MIGRATOR_TABLES.has(table)) await admin.query(`delete from \`${name}\`.\`${table}\``);
    await admin.query('commit');
    return true;
  });
}

/** Migration bookkeeping: kept, so the next open finds the schema up to date with one SELECT. */
const MIGRATOR_TABLES = new Set(['txc_migration', 'txc_migration_lock']);

/**
 * This worker's databases that no test holds. A worker runs one file at a time, so at a file's first
 * MariaDB test every database an earlier file of the worker left is free.
 */
let idle: string[] | undefined;

/**
 * A migrated, empty MariaDB database. In the integration project, the databases of a vitest worker are
 * taken in turns by its tests, across its files: creating a database and running every migration is
 * ≈ 30 CREATE TABLEs, each a file on disk (0.7–5 s here, and slower still while other MariaDB work
 * runs), emptying its tables again ≈ 10 ms. Elsewhere (no global setup), each test gets a new database.
 */
async function freshMysql(): Promise<TestDatabase> {
  // Imported here, in a test: the global setup imports this module too, where vitest's runtime is absent.
  const { inject } = await import('vitest');
  const run = inject('recycledMysql');
  if (!run) {
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
  const workerPrefix = `${run.prefix}_w${process.env.VITEST_POOL_ID ?? '0'}`;
  idle ??= await withAdmin((admin) => mysqlDatabases(admin, workerPrefix));
  let name = idle.pop();
  while (name && !(await emptied(name, run))) {
    const changed = name;
    await withAdmin((admin) => admin.query(`drop database \`${changed}\``));
    name = idle.pop();
  }
  if (!name) {
    name = `${workerPrefix}_${randomBytes(6).toString('hex')}`;
    await migratedMysql(name);
  }
  const database = await openDatabase(databaseUrl(name));
  const taken = name;
  let closed = false;
  return {
    ...database,
    // The test's pool is closed for good (a query it left running fails instead of reaching the next
    // test's rows); only then is the database free to be emptied and handed out again.
    close: async () => {
      if (closed) return;
      closed = true;
      await database.close();
      idle?.push(taken);
    },
  };
}

/** The dialects a contract suite runs against: SQLite always, MySQL when a server is reachable. */
export const DATABASE_CASES = [
  { dialect: 'sqlite', open: freshSqlite },
  { dialect: 'mysql', open: freshMysql },
] as const;
