import Counter from 'prom-client/lib/counter';
import Gauge from 'prom-client/lib/gauge';
import Registry from 'prom-client/lib/registry';
import type { AuditAction, AuditResult } from './api';
import type { Gauges } from './StatusReader';

/**
 * How long one instance reuses the gauges it read from the store for `/metrics`: scrapes of an HA
 * Prometheus pair (or several scrapers) within this share one read, and concurrent scrapes wait for
 * the same read. Short against any scrape interval (15–60 s), so no alert sees stale state for long.
 */
export const METRICS_GAUGES_TTL_MS = 5_000;

/** The last gauges read and when; a read in flight is shared by every scrape that arrives meanwhile. */
export class CachedGauges {
  private last: { gauges: Gauges; readAt: number } | undefined;
  private pending: Promise<Gauges> | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  async get(read: () => Promise<Gauges>): Promise<Gauges> {
    if (this.last && this.now() - this.last.readAt < this.ttlMs) return this.last.gauges;
    this.pending ??= read()
      .then((gauges) => {
        this.last = { gauges, readAt: this.now() };
        return gauges;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

/** Prometheus exposition format 0.0.4 (what prom-client writes). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * tx-console's `/metrics`: gauges read from the store (so any instance answers for the whole system;
 * at most once per {@link METRICS_GAUGES_TTL_MS}) plus counters of what this instance did. Label values are bounded: states,
 * catalog groups, route names, fixed results — never ids or keys.
 */
export class ConsoleMetrics {
  private readonly registry = new Registry();
  private readonly transactions = this.gauge('txcenter_transactions', 'Transactions created in the window, by state', ['state', 'window']);
  private readonly stuck = this.gauge('txcenter_transactions_stuck', 'PREPARED transactions past their check immunity', []);
  private readonly oldestPrepared = this.gauge(
    'txcenter_oldest_stuck_prepared_age_seconds',
    'Age of the oldest PREPARED transaction past its check immunity (0 when none)',
    [],
  );
  private readonly deadLetters = this.gauge('txcenter_dead_letters_pending', 'Dead letters awaiting replay (NEW or REPLAYING), by group', [
    'group',
  ]);
  private readonly backlog = this.gauge(
    'txcenter_subscriber_backlog',
    'Committed events of the last hour a group has not consumed past its SLA',
    ['group'],
  );
  private readonly incidents = this.gauge('txcenter_alert_incidents_open', 'Alert incidents whose aggregation window is open', []);
  private readonly reconcileClean = this.gauge(
    'txcenter_reconcile_last_clean',
    'Verdict of the last reconcile run (1 clean, 0 findings, -1 never ran)',
    [],
  );
  private readonly reconcileAge = this.gauge(
    'txcenter_reconcile_last_age_seconds',
    'Seconds since the last reconcile run finished (-1 never ran)',
    [],
  );
  private readonly restarts = this.gauge(
    'txcenter_local_function_restarts',
    'Restarts of each function process by the local runtime after it exited unexpectedly (local stack only)',
    ['fn'],
  );
  private readonly requests = new Counter({
    name: 'txcenter_console_requests_total',
    help: 'Console API requests answered by this instance',
    labelNames: ['route', 'status'],
    registers: [this.registry],
  });
  private readonly actions = new Counter({
    name: 'txcenter_console_actions_total',
    help: 'Operator actions (login, replay, check, decision) by this instance, by result',
    labelNames: ['action', 'result'],
    registers: [this.registry],
  });
  private readonly replayed = new Counter({
    name: 'txcenter_console_replay_messages_total',
    help: 'Dead letters handled by executed replays of this instance, by result',
    labelNames: ['result'],
    registers: [this.registry],
  });

  private gauge(name: string, help: string, labelNames: string[]) {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  request(route: string, status: number): void {
    this.requests.inc({ route, status: String(status) });
  }

  action(action: AuditAction, result: AuditResult): void {
    this.actions.inc({ action, result });
  }

  replayResults(counts: Readonly<Record<string, number>>): void {
    for (const [result, n] of Object.entries(counts)) if (n > 0) this.replayed.inc({ result }, n);
  }

  /**
   * The exposition text with the gauges set from `gauges` (read from the store for this scrape) and,
   * in a local stack, the supervisor's restart count of each function process.
   */
  async render(gauges: Gauges, groups: readonly string[], now: number, restarts?: Readonly<Record<string, number>>): Promise<string> {
    for (const [fn, count] of Object.entries(restarts ?? {})) this.restarts.set({ fn }, count);
    for (const [window, counts] of Object.entries({ '1h': gauges.byState.lastHour, '24h': gauges.byState.lastDay })) {
      for (const [state, n] of Object.entries(counts)) this.transactions.set({ state, window }, n);
    }
    this.stuck.set(gauges.stuck.count);
    this.oldestPrepared.set(gauges.stuck.oldestCreatedAt === null ? 0 : Math.round((now - gauges.stuck.oldestCreatedAt) / 1_000));
    // Every catalog group gets a series (0 included), so an alert on `> 0` sees the drop back to 0.
    for (const group of groups) {
      this.deadLetters.set({ group }, gauges.deadLettersByGroup.find((d) => d.group === group)?.count ?? 0);
      this.backlog.set({ group }, gauges.backlog.find((b) => b.group === group)?.count ?? 0);
    }
    this.incidents.set(gauges.openIncidents);
    const last = gauges.lastReconcile;
    this.reconcileClean.set(last ? (last.clean ? 1 : 0) : -1);
    this.reconcileAge.set(last ? Math.round((now - last.finishedAt) / 1_000) : -1);
    return this.registry.metrics();
  }
}
