import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect, sql } from 'kysely';
import type { DialectAdapter, SqliteDatabase } from 'kysely';
import type { Database } from './Database';

/** Milliseconds a writer waits for SQLite's lock (other processes of the local stack share files). */
const BUSY_TIMEOUT_MS = 5_000;
/** Prepared statements kept per connection; Kysely produces one SQL text per query shape. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query again (~10 % of the gateway's CPU per transaction);
 * this keeps the prepared statements by SQL text instead. Safe because better-sqlite3 runs each
 * statement to completion synchronously (nothing here streams with `iterate`), so a cached statement
 * is never in use when it is handed out again. Oldest-inserted entries are evicted first.
 */
function withStatementCache(connection: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => connection.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = connection.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Kysely's SQLite adapter takes no migration lock (one connection per process), but the local stack's
 * function processes share one file and each migrates at its first call: two could both find a
 * migration pending and the second fail applying it again ("duplicate column name"). BEGIN IMMEDIATE
 * takes SQLite's write lock, so a second process waits (busy_timeout) and then reads the migrations
 * the first recorded. The migrations run inside that transaction; COMMIT ends it as each statement's
 * own commit did before (a failed migration is reported by the migrator either way).
 */
class MigrationLockingSqliteAdapter extends SqliteAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`begin immediate`.execute(db);
  }
  override async releaseMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`commit`.execute(db);
  }
}

class MigrationLockingSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new MigrationLockingSqliteAdapter();
  }
}

/**
 * Opens an SQLite file (or `:memory:`). The only module that imports the native driver, so cloud
 * bundles (MySQL) never contain it. WAL lets readers proceed during writes; `synchronous=NORMAL` in
 * WAL mode is durable across process crashes (only an OS crash can lose the last commits).
 */
export function openSqlite(path: string): Database {
  const connection = new BetterSqlite3(path);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  connection.pragma('foreign_keys = ON');
  const db = new Kysely({ dialect: new MigrationLockingSqliteDialect({ database: withStatementCache(connection) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
