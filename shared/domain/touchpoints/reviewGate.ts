import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { TOUCHPOINT_STATUSES } from './touchpointStatus';

/**
 * Completes the join of a touch-point and compliance's verdict for the same event, if both exist:
 * PENDING_REVIEW → APPROVED on PASS, BLOCKED (with the findings) on VIOLATION. Both consumers call it
 * in their own effect transaction after writing their row, so whichever commits second completes the
 * join, in either order, and a repeat changes nothing (it only moves PENDING_REVIEW rows).
 *
 * Why no interleaving leaves a touch-point pending: the UPDATE reads the verdict inside a write
 * statement. On SQLite writers are serialised and each effect transaction writes before it reads, so
 * the second sees the first. On MySQL/InnoDB the subquery of an UPDATE takes shared locks (a current
 * read, not the snapshot): the second waits for the first to commit and then sees its row, or the two
 * deadlock and InnoDB rolls one back — a transient error the consumer runtime retries. The reconciler
 * runs the same statement for touch-points still pending past the review SLA.
 *
 * @returns true when this call moved the touch-point out of PENDING_REVIEW
 */
export async function completeReview(db: Kysely<any> | Transaction<any>, eventId: string, at: number): Promise<boolean> {
  const result = await completeReviewQuery(db, eventId, at).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** {@link completeReview}'s UPDATE, for a caller that does not need its answer. */
export function completeReviewQuery(db: Kysely<any> | Transaction<any>, eventId: string, at: number) {
  const verdict = sql`(select v.verdict from txc_compliance_verdict v where v.event_id = ${eventId})`;
  return db
    .updateTable('txc_touchpoint')
    .set({
      status: sql`case when ${verdict} = 'PASS' then ${TOUCHPOINT_STATUSES.approved} else ${TOUCHPOINT_STATUSES.blocked} end`,
      review_findings: sql`(select v.findings from txc_compliance_verdict v where v.event_id = ${eventId})`,
      reviewed_at: at,
      updated_at: at,
    })
    .where('event_id', '=', eventId)
    .where('status', '=', TOUCHPOINT_STATUSES.pendingReview)
    .where(sql<boolean>`exists (select 1 from txc_compliance_verdict v where v.event_id = ${eventId})`);
}

/** A touch-point still waiting for compliance's verdict. */
export interface PendingReview {
  readonly eventId: string;
  readonly owner: string | null;
  readonly channel: string;
  readonly waitingSeconds: number;
}

/**
 * The reconciler's look at the gate: completes joins whose verdict did arrive (a repair the consumers
 * would have made), and returns the touch-points with no verdict older than `slaSeconds`, which only
 * compliance can settle (they are never sent meanwhile).
 */
export async function reconcileReviews(
  db: Kysely<any>,
  now: number,
  slaSeconds: number,
  limit: number,
): Promise<{ completed: number; overdue: PendingReview[] }> {
  const rows = await db
    .selectFrom('txc_touchpoint')
    .select(['event_id', 'owner', 'channel', 'created_at'])
    .where('status', '=', TOUCHPOINT_STATUSES.pendingReview)
    .where('created_at', '<', now - slaSeconds * 1_000)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  let completed = 0;
  const overdue: PendingReview[] = [];
  for (const row of rows) {
    if (await completeReview(db, row.event_id, now)) completed += 1;
    else
      overdue.push({
        eventId: row.event_id,
        owner: row.owner ?? null,
        channel: row.channel,
        waitingSeconds: Math.round((now - Number(row.created_at)) / 1_000),
      });
  }
  return { completed, overdue };
}

/** Default time compliance has to review a touch-point before the reconciler flags it. */
export const DEFAULT_REVIEW_SLA_SECONDS = 900;

/** The reconciler's domain check for the review gate (`reconcileReviews` as a named check). */
export function reviewGateCheck(db: Kysely<any>, slaSeconds: number = DEFAULT_REVIEW_SLA_SECONDS, limit = 500) {
  return {
    name: 'touch-points awaiting compliance past SLA',
    async run(now: number) {
      const { completed, overdue } = await reconcileReviews(db, now, slaSeconds, limit);
      return {
        name: 'touch-points awaiting compliance past SLA',
        repaired: completed,
        findings: overdue.map((p) => ({
          id: p.eventId,
          detail: `${p.channel} touch-point of ${p.owner ?? 'unknown owner'} without a verdict for ${p.waitingSeconds}s (not sent meanwhile)`,
        })),
      };
    },
  };
}
