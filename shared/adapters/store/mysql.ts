import { Kysely, MysqlDialect } from 'kysely';
import type { Database } from './Database';

/** Connections per function instance: FC instances serve one request at a time by default. */
const DEFAULT_POOL_SIZE = 10;

/**
 * Opens a MySQL (RDS) or MariaDB pool from a `mysql://user:pass@host:port/db` URL. mysql2 is loaded
 * here, on first use, so processes that only use SQLite never pay for it.
 */
export async function openMysql(url: string, poolSize = DEFAULT_POOL_SIZE): Promise<Database> {
  const { createPool } = await import('mysql2');
  const pool = createPool({
    uri: url,
    connectionLimit: poolSize,
    // Amounts and ids stay exact: DECIMAL and BIGINT come back as strings, never floats.
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    timezone: 'Z',
    // Rows are read by mysql2's static parsers rather than a parser generated with `new Function` per
    // result shape: no compile on a cold start's first queries, and cloud bundles omit the generator.
    disableEval: true,
  });
  const db = new Kysely({ dialect: new MysqlDialect({ pool }) });
  return { db, dialect: 'mysql', close: () => db.destroy() };
}
