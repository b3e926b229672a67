import type { Migration } from 'kysely/migration';

/**
 * Every migration of the one schema, applied in name order on start by `openDatabase`.
 * Names are `NNN_<module>_<change>`; never edit an applied migration, add a new one.
 * Column types are chosen to mean the same on SQLite and MySQL (varchar for keys, bigint for ms
 * timestamps and cents, text for bodies).
 */
export const MIGRATIONS: Record<string, Migration> = {};
