import type { Subscription } from '../catalog';
import type { IncidentView, Overview, SubscriberDetail, SubscriberSummary, TxStateName, TxSummary, WindowQuery } from './api';
import { TX_STATE_NAMES, WINDOWS } from './api';
import { CONSUME_STATS_ATTEMPT_COLUMNS } from '../../adapters/store/migrations/303_console_consume_stats';
import { statsMinuteOf } from '../consumer/consumeStats';
import { ConsoleError } from './errors';
import type { ReadContext } from './readContext';
import { BACKLOG_WINDOW_MS } from './readContext';
import { stuckCondition } from './TransactionReader';
import type { Row } from './views';
import {
  DEAD_LETTER_SUMMARY_COLUMNS,
  deadLetterSummary,
  functionsByGroup,
  iso,
  incidentView,
  reconcileRunSummary,
  TX_SUMMARY_COLUMNS,
  txSummary,
} from './views';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Rows of the "oldest" lists on the overview and subscriber pages. */
const SAMPLE = 10;
const PENDING_DEAD_LETTER_STATUSES = ['NEW', 'REPLAYING'];
const HANDLED_STATUSES = ['COMPLETED', 'DEAD_LETTERED'];

/** The figures the overview page and `/metrics` share. */
export interface Gauges {
  readonly byState: { readonly lastHour: Record<TxStateName, number>; readonly lastDay: Record<TxStateName, number> };
  readonly stuck: { readonly count: number; readonly oldestCreatedAt: number | null };
  readonly deadLettersByGroup: readonly { readonly group: string; readonly count: number; readonly oldestAt: number }[];
  readonly backlog: readonly { readonly group: string; readonly topic: string; readonly slaSeconds: number; readonly count: number }[];
  readonly openIncidents: number;
  readonly lastReconcile: { readonly runId: string; readonly finishedAt: number; readonly clean: boolean } | null;
}

/** Overview, subscribers and the gauges of `/metrics`: aggregates over index ranges only. */
export class StatusReader {
  constructor(private readonly context: ReadContext) {}

  private async countsByState(since: number): Promise<Record<TxStateName, number>> {
    const { db } = this.context;
    // One index range count per state on (state, created_at): a GROUP BY over created_at would read every row of the window.
    const counts = await Promise.all(
      TX_STATE_NAMES.map((state) =>
        db
          .selectFrom('txc_tx')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('state', '=', state)
          .where('created_at', '>=', since)
          .executeTakeFirstOrThrow(),
      ),
    );
    return Object.fromEntries(TX_STATE_NAMES.map((state, i) => [state, Number(counts[i]!.n)])) as Record<TxStateName, number>;
  }

  /**
   * Committed events of the last {@link BACKLOG_WINDOW_MS} that a group expects and has not handled,
   * decided longer ago than the group's SLA. Two aggregates per SLA value: committed per (topic, tag)
   * from the (state, decided_at, topic, tag) index, handled per (topic, tag, group) by joining the
   * barrier's (event_id, group_id) index.
   */
  async backlog(now: number, groups: readonly Subscription[] = this.context.catalog.groups): Promise<Gauges['backlog']> {
    const { db, catalog } = this.context;
    const result: { group: string; topic: string; slaSeconds: number; count: number }[] = [];
    for (const sla of new Set(groups.map((g) => g.consumeSlaSeconds))) {
      const from = now - BACKLOG_WINDOW_MS;
      const to = now - sla * 1_000;
      const [committed, handled] = await Promise.all([
        db
          .selectFrom('txc_tx')
          .select(['topic', 'tag', (eb) => eb.fn.countAll().as('n')])
          .where('state', '=', 'COMMITTED')
          .where('decided_at', '>=', from)
          .where('decided_at', '<', to)
          .groupBy(['topic', 'tag'])
          .execute(),
        db
          .selectFrom('txc_tx as t')
          .innerJoin('txc_consume_barrier as b', 'b.event_id', 't.tx_id')
          .select(['t.topic', 't.tag', 'b.group_id', (eb) => eb.fn.countAll().as('n')])
          .where('t.state', '=', 'COMMITTED')
          .where('t.decided_at', '>=', from)
          .where('t.decided_at', '<', to)
          .where('b.status', 'in', HANDLED_STATUSES)
          .groupBy(['t.topic', 't.tag', 'b.group_id'])
          .execute(),
      ]);
      for (const group of groups.filter((g) => g.consumeSlaSeconds === sla)) {
        const expected = committed
          .filter((c) => c.topic === group.topic && catalog.subscribersOf(c.topic, c.tag).some((g) => g.id === group.id))
          .reduce((sum, c) => sum + Number(c.n), 0);
        const done = handled.filter((h) => h.group_id === group.id && h.topic === group.topic).reduce((sum, h) => sum + Number(h.n), 0);
        result.push({ group: group.id, topic: group.topic, slaSeconds: sla, count: Math.max(0, expected - done) });
      }
    }
    return result;
  }

  async gauges(): Promise<Gauges> {
    const { db } = this.context;
    const now = this.context.now();
    const [lastHour, lastDay, stuck, letters, backlog, openIncidents, reconcile] = await Promise.all([
      this.countsByState(now - HOUR_MS),
      this.countsByState(now - DAY_MS),
      db
        .selectFrom('txc_tx')
        .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('created_at').as('oldest')])
        .where(stuckCondition(this.context, now))
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('txc_dead_letter')
        .select(['group_id', (eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.min('dead_lettered_at').as('oldest')])
        .where('status', 'in', PENDING_DEAD_LETTER_STATUSES)
        .groupBy('group_id')
        .execute(),
      this.backlog(now),
      db
        .selectFrom('txc_alert_incident')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('window_started_at', '>', now - this.context.incidentWindowMs)
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('txc_reconcile_report')
        .select(['run_id', 'finished_at', 'clean'])
        .orderBy('finished_at', 'desc')
        .orderBy('run_id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ]);
    return {
      byState: { lastHour, lastDay },
      stuck: { count: Number(stuck.n), oldestCreatedAt: stuck.oldest === null ? null : Number(stuck.oldest) },
      deadLettersByGroup: letters.map((l) => ({ group: l.group_id, count: Number(l.n), oldestAt: Number(l.oldest) })),
      backlog,
      openIncidents: Number(openIncidents.n),
      lastReconcile: reconcile
        ? { runId: reconcile.run_id, finishedAt: Number(reconcile.finished_at), clean: Number(reconcile.clean) === 1 }
        : null,
    };
  }

  async overview(): Promise<Overview> {
    const { db } = this.context;
    const now = this.context.now();
    const [gauges, oldestStuck, checks, decisions, incidents, lastRun] = await Promise.all([
      this.gauges(),
      db
        .selectFrom('txc_tx')
        .select([...TX_SUMMARY_COLUMNS])
        .where(stuckCondition(this.context, now))
        .orderBy('created_at')
        .limit(SAMPLE)
        .execute(),
      db
        .selectFrom('txc_tx_event')
        .select(['at', 'detail'])
        .where('type', '=', 'CHECK')
        .where('at', '>=', now - DAY_MS)
        .orderBy('at', 'desc')
        .limit(10_000)
        .execute(),
      // Who decided (client, checkback, policy, operator, publish-failed): the covering (state, decided_at, …, reason) index.
      db
        .selectFrom('txc_tx')
        .select(['reason', (eb) => eb.fn.countAll().as('n')])
        .where('state', 'in', ['COMMITTED', 'ROLLED_BACK'])
        .where('decided_at', '>=', now - DAY_MS)
        .groupBy('reason')
        .execute(),
      db
        .selectFrom('txc_alert_incident')
        .selectAll()
        .orderBy('last_seen_at', 'desc')
        .orderBy('incident_key', 'desc')
        .limit(SAMPLE)
        .execute(),
      db
        .selectFrom('txc_reconcile_report')
        .selectAll()
        .orderBy('finished_at', 'desc')
        .orderBy('run_id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ]);
    const answers: Record<string, number> = {};
    for (const check of checks) {
      const answer = String((JSON.parse(check.detail ?? '{}') as { answer?: string }).answer ?? 'UNKNOWN');
      answers[answer] = (answers[answer] ?? 0) + 1;
    }
    const decisionsByReason: Record<string, number> = {};
    for (const row of decisions) decisionsByReason[row.reason ?? 'unknown'] = Number(row.n);
    const last = lastRun && reconcileRunSummary(lastRun);
    return {
      generatedAt: iso(now),
      transactions: gauges.byState,
      stuck: {
        count: gauges.stuck.count,
        oldestAgeSeconds: gauges.stuck.oldestCreatedAt === null ? null : Math.round((now - gauges.stuck.oldestCreatedAt) / 1_000),
        oldest: oldestStuck.map((row) => txSummary(row, now, this.context.immunity)),
      },
      checks: { lastHour: checks.filter((c) => Number(c.at) >= now - HOUR_MS).length, lastDay: checks.length, answers, decisionsByReason },
      deadLetters: {
        pending: gauges.deadLettersByGroup.reduce((sum, g) => sum + g.count, 0),
        byGroup: gauges.deadLettersByGroup.map((g) => ({ group: g.group, count: g.count, oldestAt: iso(g.oldestAt) })),
      },
      backlog: gauges.backlog,
      incidents: {
        open: gauges.openIncidents,
        recent: incidents.map((row): IncidentView => incidentView(row, now, this.context.incidentWindowMs)),
      },
      lastReconcile: last
        ? {
            runId: last.runId,
            finishedAt: last.finishedAt,
            clean: last.clean,
            truncated: last.truncated,
            stuckPrepared: last.stuckPrepared,
            missingConsumption: last.missingConsumption,
            deadLetters: last.deadLetters,
            ageSeconds: Math.round((now - Date.parse(last.finishedAt)) / 1_000),
          }
        : null,
    };
  }

  /**
   * A group's consumption counters over the window, from the consumer runtime's per-minute rows
   * (migration 303): at most 10 080 rows for a week, however many messages it consumed. The window
   * starts at the minute holding `since` (exact to the minute).
   */
  private async counters(group: string, since: number): Promise<{ attempts: Record<string, number>; conflicts: number }> {
    const row = await this.context.db
      .selectFrom('txc_consume_stats')
      .select((eb) => [...CONSUME_STATS_ATTEMPT_COLUMNS.map((c) => eb.fn.sum(c).as(c)), eb.fn.sum('conflicts').as('conflicts')])
      .where('group_id', '=', group)
      .where('minute_at', '>=', statsMinuteOf(since))
      .executeTakeFirst();
    const attempts: Record<string, number> = {};
    CONSUME_STATS_ATTEMPT_COLUMNS.forEach((column, i) => {
      const n = Number(row?.[column] ?? 0);
      if (n > 0) attempts[i === CONSUME_STATS_ATTEMPT_COLUMNS.length - 1 ? `${i + 1}+` : String(i + 1)] = n;
    });
    return { attempts, conflicts: Number(row?.conflicts ?? 0) };
  }

  private async summarise(
    group: Subscription,
    window: WindowQuery['window'],
    now: number,
    backlog: number,
  ): Promise<SubscriberSummary & { attemptsHistogram: Record<string, number> }> {
    const { db } = this.context;
    const since = now - WINDOWS[window] * 1_000;
    const [counters, last, letters] = await Promise.all([
      this.counters(group.id, since),
      db
        .selectFrom('txc_consume_stats')
        .select('last_consumed_at')
        .where('group_id', '=', group.id)
        .where('last_consumed_at', 'is not', null)
        .orderBy('group_id', 'desc')
        .orderBy('minute_at', 'desc')
        .limit(1)
        .executeTakeFirst(),
      // Covering (group_id, status) index of migration 303: no letter is read.
      db
        .selectFrom('txc_dead_letter')
        .select(['status', (eb) => eb.fn.countAll().as('n')])
        .where('group_id', '=', group.id)
        .groupBy('status')
        .execute(),
    ]);
    return {
      group: group.id,
      topic: group.topic,
      tagExpression: group.tagExpression,
      description: group.description,
      functions: functionsByGroup(this.context.catalog).get(group.id) ?? [],
      maxAttempts: group.maxAttempts,
      slaSeconds: group.consumeSlaSeconds,
      window,
      consumed: Object.values(counters.attempts).reduce((sum, n) => sum + n, 0),
      lastConsumedAt: last ? iso(last.last_consumed_at) : null,
      backlog,
      conflicts: counters.conflicts,
      deadLetters: {
        pending: letters.filter((l) => PENDING_DEAD_LETTER_STATUSES.includes(l.status)).reduce((sum, l) => sum + Number(l.n), 0),
        total: letters.reduce((sum, l) => sum + Number(l.n), 0),
      },
      attemptsHistogram: counters.attempts,
    };
  }

  async subscribers(window: WindowQuery['window']): Promise<{ items: SubscriberSummary[] }> {
    const now = this.context.now();
    const backlog = await this.backlog(now);
    const groups = this.context.catalog.groups;
    const items = await Promise.all(groups.map((g) => this.summarise(g, window, now, backlog.find((b) => b.group === g.id)?.count ?? 0)));
    return { items: items.map(({ attemptsHistogram: _histogram, ...summary }) => summary) };
  }

  /** @throws ConsoleError SUBSCRIBER_NOT_FOUND */
  async subscriber(id: string, window: WindowQuery['window']): Promise<SubscriberDetail> {
    const { db, catalog } = this.context;
    const group = catalog.group(id);
    if (!group) throw new ConsoleError('SUBSCRIBER_NOT_FOUND', `no subscriber group ${id} in the catalog`);
    const now = this.context.now();
    const [backlog] = await this.backlog(now, [group]);
    const [summary, overdue, letters, conflicts] = await Promise.all([
      this.summarise(group, window, now, backlog?.count ?? 0),
      this.overdue(group, now),
      db
        .selectFrom('txc_dead_letter')
        .select([...DEAD_LETTER_SUMMARY_COLUMNS])
        .where('group_id', '=', group.id)
        .orderBy('group_id', 'desc')
        .orderBy('dead_lettered_at', 'desc')
        .limit(SAMPLE)
        .execute(),
      db
        .selectFrom('txc_consume_conflict')
        .select(['group_id', 'dedup_key', 'message_id', 'detected_at'])
        .where('group_id', '=', group.id)
        .orderBy('group_id', 'desc')
        .orderBy('detected_at', 'desc')
        .limit(SAMPLE)
        .execute(),
    ]);
    return {
      ...summary,
      overdue,
      recentDeadLetters: letters.map(deadLetterSummary),
      recentConflicts: conflicts.map((c: Row) => ({
        group: c.group_id,
        dedupKey: c.dedup_key,
        messageId: c.message_id,
        detectedAt: iso(c.detected_at),
      })),
    };
  }

  /** The oldest committed transactions of the backlog window this group has not handled past its SLA. */
  private async overdue(group: Subscription, now: number): Promise<TxSummary[]> {
    const { db } = this.context;
    const tags = group.filter.all ? undefined : [...group.filter.tags];
    let query = db
      .selectFrom('txc_tx as t')
      .select(TX_SUMMARY_COLUMNS.map((c) => `t.${c}` as const))
      .where('t.state', '=', 'COMMITTED')
      .where('t.decided_at', '>=', now - BACKLOG_WINDOW_MS)
      .where('t.decided_at', '<', now - group.consumeSlaSeconds * 1_000)
      .where('t.topic', '=', group.topic)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('txc_consume_barrier as b')
              .select('b.event_id')
              .whereRef('b.event_id', '=', 't.tx_id')
              .where('b.group_id', '=', group.id)
              .where('b.status', 'in', HANDLED_STATUSES),
          ),
        ),
      );
    if (tags) query = query.where('t.tag', 'in', tags);
    const rows = await query.orderBy('t.decided_at').limit(20).execute();
    return rows.map((row) => txSummary(row, now, this.context.immunity));
  }
}
