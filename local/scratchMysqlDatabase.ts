import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/**
 * Creates an empty, uniquely named database on the MySQL/MariaDB server of `serverUrl`
 * (mysql://user@host:port/anything) for one test or benchmark run, so runs never share schema state.
 * `drop()` removes it.
 */
export async function createScratchMysqlDatabase(serverUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = await createConnection({ uri: serverUrl });
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}
