/**
 * Global setup of the integration project (vitest.config.ts): names this run's MariaDB test databases,
 * migrates one to learn the schema a new database has (the tables and the columns and indexes a
 * recycled one must still have, databases.ts), and drops every database of the run after it.
 */
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { dropMysqlDatabases, migratedMysql, mysqlUnavailableReason } from './databases';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // Without a server the MariaDB tests skip, or fail under TXC_REQUIRE_MYSQL, on their own.
  const unavailable = await mysqlUnavailableReason().catch((error: Error) => error.message);
  if (unavailable) {
    project.provide('recycledMysql', undefined);
    return undefined;
  }
  const prefix = `txc_t_${randomBytes(4).toString('hex')}`;
  // Named like the run's databases, so the teardown drops it with them.
  const { tables, schema } = await migratedMysql(`${prefix}_reference`);
  project.provide('recycledMysql', { prefix, tables, schema });
  return () => dropMysqlDatabases(prefix);
}
