import type { CreateTableBuilder, Kysely } from 'kysely';
import { MysqlAdapter, sql } from 'kysely';

/**
 * `CREATE TABLE` whose text columns compare byte for byte on every dialect. SQLite does by default;
 * a MySQL table takes its database's default collation, and RDS creates utf8mb4 databases
 * case-insensitive (utf8mb4_general_ci, utf8mb4_0900_ai_ci). There, keys that differ only in case
 * ("PUR-a1", "pur-A1") would collide in unique indexes: a second business key refused as a duplicate,
 * a second event skipped by the consume barrier. Every table of ours is created through this.
 */
export function createTable(db: Kysely<any>, name: string): CreateTableBuilder<string, never> {
  const builder = db.schema.createTable(name);
  return isMysql(db) ? builder.modifyEnd(sql`character set utf8mb4 collate utf8mb4_bin`) : builder;
}

/** The collation {@link createTable} gives MySQL tables. */
export const MYSQL_BINARY_COLLATION = 'utf8mb4_bin';

export function isMysql(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof MysqlAdapter;
}
