import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { MYSQL_BINARY_COLLATION, isMysql } from '../createTable';

/**
 * Converts txcenter's MySQL tables created before {@link createTable} gave them binary keys: they took
 * the database's case-insensitive default, under which keys differing only in case collide. Converting
 * cannot create a duplicate (what was unique case-insensitively is unique byte for byte). On a new
 * database it finds nothing to convert; tables created after it are binary already. SQLite: nothing to do.
 */
export const storeBinaryKeysMigration: Migration = {
  async up(db: Kysely<any>) {
    if (!isMysql(db)) return;
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = database() and table_type = 'BASE TABLE'
        and table_name like 'txc\\_%' and table_name not like 'txc\\_migration%'
        and table_collation <> ${MYSQL_BINARY_COLLATION}`.execute(db);
    for (const { name } of rows) {
      await sql`alter table ${sql.table(name)} convert to character set utf8mb4 collate utf8mb4_bin`.execute(db);
    }
  },
};
