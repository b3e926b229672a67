import type { Migration } from 'kysely';
import { Migrator } from 'kysely';
import { TxcError } from '../../errors';
import type { Database } from './Database';
import { MIGRATIONS } from './migrations';
// Static, unlike ./sqlite: esbuild would wrap a dynamically imported module and all of Kysely for lazy
// evaluation, which defeats tree shaking (~15 KB per bundle); mysql.ts loads mysql2 itself on first use.
import { openMysql } from './mysql';

/** The database URL is not one we can open. */
export class DatabaseUrlError extends TxcError {
  override readonly name = 'DatabaseUrlError';
  constructor(url: string) {
    super(
      'DATABASE_URL_INVALID',
      `unsupported database URL '${redactUrl(url)}': use sqlite:<file>, sqlite::memory: or mysql://user:pass@host:port/db`,
    );
  }
}

/** A migration failed; the database is left at the last successful migration. */
export class MigrationError extends TxcError {
  override readonly name = 'MigrationError';
}

/** Hides the password of a database URL for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** Checks the scheme of a database URL without opening it (fail-fast configuration checks). @throws DatabaseUrlError */
export function assertDatabaseUrl(url: string): void {
  if (!url.startsWith('sqlite:') && !url.startsWith('mysql://')) throw new DatabaseUrlError(url);
}

/**
 * Opens the database named by `url` and brings its schema up to date (migrations run on every start
 * and are idempotent). `sqlite:` URLs load the native driver lazily so MySQL-only bundles never need it.
 * `migrations` defaults to txcenter's schema; a business system (examples/) passes its own.
 */
export async function openDatabase(url: string, migrations: Record<string, Migration> = MIGRATIONS): Promise<Database> {
  assertDatabaseUrl(url);
  let database: Database;
  if (url.startsWith('sqlite:')) {
    const { openSqlite } = await import('./sqlite');
    database = openSqlite(url.slice('sqlite:'.length) || ':memory:');
  } else {
    database = await openMysql(url);
  }
  await migrate(database, migrations);
  return database;
}

/** Applies every pending migration of `migrations` (txcenter's {@link MIGRATIONS} by default), in name order. */
export async function migrate(database: Database, migrations: Record<string, Migration> = MIGRATIONS): Promise<void> {
  // Every FC cold start opens the database: one SELECT tells an up-to-date schema apart, which spares
  // the migrator's table checks and lock round trips on the common path.
  if (await isUpToDate(database, Object.keys(migrations))) return;
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'txc_migration',
    migrationLockTableName: 'txc_migration_lock',
    // Migrations are numbered per module (see MIGRATIONS): a module's next one sorts before another
    // module's applied ones, and each depends only on its own module's earlier migrations.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError('MIGRATION_FAILED', `migration '${failed}' failed on ${database.dialect}`, { cause: error });
  }
}

/** True when every named migration is recorded as applied; false when any is missing or the table is absent. */
async function isUpToDate(database: Database, names: readonly string[]): Promise<boolean> {
  if (names.length === 0) return true;
  try {
    const rows = await database.db
      .selectFrom('txc_migration')
      .select('name')
      .where('name', 'in', [...names])
      .execute();
    return rows.length === names.length;
  } catch {
    return false; // no migration table yet: a fresh database, the migrator creates it
  }
}
