import type { Kysely, Migration } from 'kysely';
import { createTable } from '../createTable';

/**
 * Console session revocation: a row per logged-out session (`sid:<session id>`) and per operator
 * cut off before their sessions expire (`operator:<name>`, revoking every session issued up to
 * `revoked_at`). Read by primary key on every cookie request; a row is useless, and pruned, once
 * `expires_at` passed (every session it could revoke has expired by then).
 */
export const consoleSessionRevocationMigration: Migration = {
  async up(db: Kysely<any>) {
    await createTable(db, 'txc_console_session_revocation')
      .addColumn('revocation_key', 'varchar(96)', (c) => c.primaryKey())
      .addColumn('revoked_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_by', 'varchar(64)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('txc_console_session_revocation_expires')
      .on('txc_console_session_revocation')
      .column('expires_at')
      .execute();
  },
};
