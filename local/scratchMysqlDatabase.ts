import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/**
 * Creates an empty, uniquely named database on the MySQL/MariaDB server of `serverUrl`
 * (mysql://user@host:port/anything) for one test or benchmark run, so runs never share schema state.
 * The database named in the URL need not exist: the scratch one is created on the server, beside it.
 * `drop()` removes it.
 */
export async function createScratchMysqlDatabase(
  serverUrl: string,
  prefix: string,
  collation = 'utf8mb4_general_ci',
): Promise<{ url: string; drop(): Promise<void> }> {
  if (!/^utf8mb4_[a-z0-9_]+$/.test(collation)) throw new Error(`not a utf8mb4 collation: ${collation}`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = '/';
  // Connected to the server, not to the URL's database, which a fresh server may not have.
  const admin = await createConnection({ uri: url.toString() });
  // A case-insensitive default, as RDS gives a database created with CharacterSetName utf8mb4:
  // tests must see what production sees, not a friendlier collation.
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE ${collation}`);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}
