import type { Kysely, Migration } from 'kysely';
import { isMysql } from '../createTable';

/**
 * The overview's and `/metrics`' stuck count ("PREPARED past the check immunity of its topic/tag")
 * read every PREPARED row past the shortest immunity to see its topic and tag (1 000 row reads at
 * 100 000 transactions, ~10 ms of a loaded overview in `txcenter bench console`). The same index with
 * topic and tag appended answers it from the index alone; it replaces 301's (state, created_at,
 * tx_id), whose every use it still serves, so the gateway maintains no more indexes than before.
 */
export const consoleStuckCoveringMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createIndex('txc_tx_state_created_cover')
      .on('txc_tx')
      .columns(['state', 'created_at', 'tx_id', 'topic', 'tag'])
      .execute();
    // MySQL names the table of an index to drop; SQLite's DROP INDEX takes no ON clause.
    const drop = db.schema.dropIndex('txc_tx_state_created_id');
    await (isMysql(db) ? drop.on('txc_tx') : drop).execute();
  },
};
