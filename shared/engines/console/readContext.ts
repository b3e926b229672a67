import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Catalog } from '../catalog';
import type { Keyset } from './paging';
import type { ImmunityOf } from './views';

/** What every console query needs: the one schema, the catalog, the clock and two deployment rules. */
export interface ReadContext {
  // The console reads tables of every module (tx, consumer, dead letters, alerts, reconcile).
  readonly db: Kysely<any>;
  readonly catalog: Catalog;
  readonly now: () => number;
  readonly immunity: ImmunityOf;
  /** Alert incident aggregation window (an incident is open while its window is). */
  readonly incidentWindowMs: number;
}

/**
 * Committed transactions decided longer ago than this are not counted in a group's backlog: the
 * reconciler re-publishes those and reports them. Its cost is one index seek per transaction of the
 * window (a 24-hour window took 300–450 ms at 100 000 transactions a week on SQLite, `bench console`).
 */
export const BACKLOG_WINDOW_MS = 3_600 * 1_000;

/**
 * Newest-first keyset condition on (time, id): `time <= t AND (time < t OR id < i)`. The first term
 * is a range the index serves (an OR alone would make the planner walk the skipped rows); the second
 * breaks ties among rows of the same millisecond.
 */
export function afterKeyset<QB extends SelectQueryBuilder<any, any, any>>(
  query: QB,
  timeColumn: string,
  idColumn: string,
  after: Keyset | undefined,
): QB {
  if (!after) return query;
  return query
    .where(timeColumn as never, '<=', after.at as never)
    .where((eb: any) => eb.or([eb(timeColumn, '<', after.at), eb(idColumn, '<', after.id)])) as QB;
}
