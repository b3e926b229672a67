import type { DatabaseConnection, Driver, QueryResult, TransactionSettings } from 'kysely';
import { CompiledQuery, Kysely, MysqlDialect } from 'kysely';
import type { Database } from './Database';
import { FailedBeforeCommitError, holdUntilCommit, MYSQL_CONCURRENT_COMMITS, useForWrites } from './groupCommit';

/** Connections per function instance: FC instances serve one request at a time by default. */
const DEFAULT_POOL_SIZE = 10;

/**
 * After a held statement that must change `rows` rows: a scalar subquery that returns two rows, an
 * error that stops the multi-statement query before its COMMIT, when the statement changed another
 * number (ROW_COUNT(): rows inserted, or matched by an UPDATE, since mysql2 sets CLIENT_FOUND_ROWS).
 * A SELECT, not a DO: MariaDB's DO does not report the error.
 */
const rowCountCheck = (rows: number) => `select (select 1 union all select 1 from dual where row_count() <> ${Math.trunc(rows)})`;

/**
 * A write-pool connection that holds a batch's statements that may go with the COMMIT
 * ({@link holdUntilCommit}), to send them with it in one multi-statement round trip.
 */
class HeldStatementsConnection implements DatabaseConnection {
  readonly held: CompiledQuery[] = [];
  constructor(readonly inner: DatabaseConnection) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const hold = holdUntilCommit(query);
    if (!hold) return this.inner.executeQuery(query);
    this.held.push(query);
    if (hold.expectedRows !== undefined) this.held.push(CompiledQuery.raw(rowCountCheck(hold.expectedRows)));
    return { rows: [] };
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery(query, chunkSize);
  }
}

/** An error the server answered for a statement (the session lives on), not a lost connection. */
const isStatementError = (error: unknown) =>
  typeof error === 'object' && error !== null && 'sqlState' in error && !(error as { fatal?: boolean }).fatal;

/**
 * Kysely's MySQL driver for connections whose session has autocommit off: there a transaction begins
 * with its first statement, so `db.transaction()` sends no BEGIN (one round trip less per commit);
 * COMMIT and ROLLBACK end it as before. The batch's statements that may go with the COMMIT
 * ({@link holdUntilCommit}) go in the COMMIT's round trip, each one expecting a row count followed by
 * its check. Only {@link openMysql}'s write pool uses it, and only through `db.transaction()`: a
 * statement outside one would leave its transaction open on a pooled connection.
 */
class ImplicitBeginDriver implements Driver {
  constructor(private readonly inner: Driver) {}
  init(): Promise<void> {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new HeldStatementsConnection(await this.inner.acquireConnection());
  }
  async beginTransaction(_connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // Settings would need their own statement (SET TRANSACTION); the writer passes none.
    if (settings.isolationLevel !== undefined || settings.accessMode !== undefined)
      throw new TypeError('the write pool takes no transaction settings');
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const { held, inner } = connection as HeldStatementsConnection;
    if (held.length === 0) return this.inner.commitTransaction(inner);
    const statements = held.splice(0);
    try {
      await inner.executeQuery(
        CompiledQuery.raw(
          `${statements.map((q) => q.sql).join(';\n')};\ncommit`,
          statements.flatMap((q) => q.parameters),
        ),
      );
    } catch (error) {
      // The server stops a multi-statement query at its first failing statement (or check), and a COMMIT
      // it answers with an error did not commit: the outcome is known, nothing applied (the caller rolls back).
      // A lost connection (fatal) leaves the COMMIT's outcome unknown: that error goes on as it is.
      if (isStatementError(error)) throw new FailedBeforeCommitError('a statement sent with the COMMIT failed', { cause: error });
      throw error;
    }
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const { held, inner } = connection as HeldStatementsConnection;
    held.length = 0;
    return this.inner.rollbackTransaction(inner);
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as HeldStatementsConnection).inner);
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

class ImplicitBeginDialect extends MysqlDialect {
  override createDriver(): Driver {
    return new ImplicitBeginDriver(super.createDriver());
  }
}

/**
 * Opens a MySQL (RDS) or MariaDB pool from a `mysql://user:pass@host:port/db` URL, and a second, small
 * pool for the group-commit writer ({@link useForWrites}) whose sessions run with autocommit off, so
 * its transactions need no BEGIN. mysql2 is loaded here, on first use, so processes that only use
 * SQLite never pay for it.
 */
export async function openMysql(url: string, poolSize = DEFAULT_POOL_SIZE): Promise<Database> {
  const { createPool } = await import('mysql2');
  const options = {
    uri: url,
    // Amounts and ids stay exact: DECIMAL and BIGINT come back as strings, never floats.
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    timezone: 'Z',
    // Rows are read by mysql2's static parsers rather than a parser generated with `new Function` per
    // result shape: no compile on a cold start's first queries, and cloud bundles omit the generator.
    disableEval: true,
  } as const;
  const db = new Kysely({ dialect: new MysqlDialect({ pool: createPool({ ...options, connectionLimit: poolSize }) }) });
  const writeDb = new Kysely({
    dialect: new ImplicitBeginDialect({
      // One connection per batch in flight: the writer never holds more. Multiple statements per query:
      // the collected rows go with the COMMIT (the values are escaped into the text, as for every query).
      pool: createPool({ ...options, connectionLimit: MYSQL_CONCURRENT_COMMITS, multipleStatements: true }),
      // Awaited before the connection's first use: a session that did not turn autocommit off is never used.
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('set autocommit = 0'));
      },
    }),
  });
  useForWrites(db, writeDb);
  return {
    db,
    dialect: 'mysql',
    close: async () => {
      await Promise.all([db.destroy(), writeDb.destroy()]);
    },
  };
}
