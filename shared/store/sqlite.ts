import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './Database';

/** Milliseconds a writer waits for SQLite's lock (other processes of the local stack share files). */
const BUSY_TIMEOUT_MS = 5_000;

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
  const db = new Kysely({ dialect: new SqliteDialect({ database: connection }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
