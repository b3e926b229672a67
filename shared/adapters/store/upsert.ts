import type { InsertQueryBuilder, Kysely, UpdateObject } from 'kysely';
import { isMysql } from './createTable';

/**
 * `insert`, or where a row with the same `keys` exists, that row updated with `set`: MySQL's ON
 * DUPLICATE KEY UPDATE (`keys` must be the table's only unique key there), SQLite's ON CONFLICT (keys)
 * DO UPDATE. One statement, no read first.
 */
export function upsert<DB, TB extends keyof DB & string, O>(
  db: Kysely<DB>,
  insert: InsertQueryBuilder<DB, TB, O>,
  keys: readonly (keyof DB[TB] & string)[],
  set: UpdateObject<DB, TB, TB>,
): InsertQueryBuilder<DB, TB, O> {
  if (isMysql(db)) return insert.onDuplicateKeyUpdate(set);
  // The same columns: Kysely types the conflict's update over its own scope (with `excluded`), not DB's.
  return insert.onConflict((oc) => oc.columns(keys).doUpdateSet(set as never));
}
