import { Kysely, MysqlDialect } from 'kysely';
import { createPool } from 'mysql2';
import type { Database } from './Database';

/** Connections per function instance: FC instances serve one request at a time by default. */
const DEFAULT_POOL_SIZE = 10;

/** Opens a MySQL (RDS) or MariaDB pool from a `mysql://user:pass@host:port/db` URL. */
export function openMysql(url: string, poolSize = DEFAULT_POOL_SIZE): Database {
  const pool = createPool({
    uri: url,
    connectionLimit: poolSize,
    // Amounts and ids stay exact: DECIMAL and BIGINT come back as strings, never floats.
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    timezone: 'Z',
  });
  const db = new Kysely({ dialect: new MysqlDialect({ pool }) });
  return { db, dialect: 'mysql', close: () => db.destroy() };
}
