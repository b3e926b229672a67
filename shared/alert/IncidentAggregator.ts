import type { Kysely } from 'kysely';
import type { Logger } from '../logger';
import type { Alert, AlertSink } from './AlertSink';

/** Default aggregation window: alerts with one incident key within it are one notification. */
export const DEFAULT_INCIDENT_WINDOW_SECONDS = 600;

interface IncidentTables {
  txc_alert_incident: {
    incident_key: string;
    kind: string;
    window_started_at: number | string;
    last_seen_at: number | string;
    occurrences: number;
    sent_at: number | string | null;
  };
}

export interface Incident {
  readonly incidentKey: string;
  readonly kind: string;
  readonly windowStartedAt: number;
  readonly occurrences: number;
  readonly sentAt: number | null;
}

export interface IncidentAggregatorOptions {
  readonly db: Kysely<any>;
  readonly sink: AlertSink;
  readonly windowSeconds?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
}

/**
 * Alert once per incident: the first alert of an incident key in a window is sent, later ones only
 * counted. The window lives in the database, so restarts and parallel instances do not re-alert.
 * The incident is recorded (unsent) before sending and marked sent after: a crash in between re-sends
 * on the next occurrence rather than losing the alert.
 */
export class IncidentAggregator implements AlertSink {
  private readonly db: Kysely<IncidentTables>;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly options: IncidentAggregatorOptions) {
    this.db = options.db as Kysely<IncidentTables>;
    this.windowMs = 1_000 * (options.windowSeconds ?? DEFAULT_INCIDENT_WINDOW_SECONDS);
    this.now = options.now ?? Date.now;
  }

  async raise(alert: Alert): Promise<void> {
    const now = this.now();
    const key = alert.incidentKey.slice(0, 191);
    const shouldSend = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('txc_alert_incident')
        .values({ incident_key: key, kind: alert.kind, window_started_at: now, last_seen_at: now, occurrences: 1, sent_at: null })
        .orIgnore()
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
      const row = await trx.selectFrom('txc_alert_incident').selectAll().where('incident_key', '=', key).executeTakeFirstOrThrow();
      if (now - Number(row.window_started_at) >= this.windowMs) {
        // The window closed: this is a new incident. The conditional update makes one racer win.
        const reopened = await trx
          .updateTable('txc_alert_incident')
          .set({ window_started_at: now, last_seen_at: now, occurrences: 1, sent_at: null })
          .where('incident_key', '=', key)
          .where('window_started_at', '=', row.window_started_at)
          .executeTakeFirst();
        return Number(reopened.numUpdatedRows) === 1;
      }
      await trx.updateTable('txc_alert_incident').set((eb) => ({ occurrences: eb('occurrences', '+', 1), last_seen_at: now })).where('incident_key', '=', key).execute();
      return row.sent_at === null;
    });
    if (!shouldSend) {
      this.options.logger?.debug({ incidentKey: key, kind: alert.kind }, 'alert aggregated into an open incident');
      return;
    }
    await this.options.sink.raise(alert);
    await this.db.updateTable('txc_alert_incident').set({ sent_at: this.now() }).where('incident_key', '=', key).execute();
  }

  async incident(incidentKey: string): Promise<Incident | undefined> {
    const row = await this.db.selectFrom('txc_alert_incident').selectAll().where('incident_key', '=', incidentKey).executeTakeFirst();
    return row && { incidentKey: row.incident_key, kind: row.kind, windowStartedAt: Number(row.window_started_at), occurrences: row.occurrences, sentAt: row.sent_at === null ? null : Number(row.sent_at) };
  }
}
