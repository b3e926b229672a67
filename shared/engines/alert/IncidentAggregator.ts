import type { Kysely, Transaction } from 'kysely';
import type { Logger } from '../../logger';
import type { Alert, AlertOutbox, AlertSink } from './AlertSink';
import { ALERT_SEVERITIES } from './AlertSink';

/** Default aggregation window: alerts with one incident key within it are one notification. */
export const DEFAULT_INCIDENT_WINDOW_SECONDS = 600;
/**
 * Default age after which an unsent incident is re-sent by the sweep. The sender right after the
 * commit normally marks it sent within milliseconds; only a crash (or a webhook down) leaves it.
 */
export const DEFAULT_RESEND_AFTER_SECONDS = 60;
/** Incidents re-sent per sweep (the rest wait for the next one). */
const RESEND_BATCH = 100;
/** Column limits (migration 104): longer text is cut, oversized details dropped rather than refused. */
const MAX_KEY_CHARS = 191;
const MAX_TITLE_CHARS = 255;
const MAX_TEXT_CHARS = 8_000;
const MAX_DETAILS_CHARS = 8_000;

interface IncidentTables {
  txc_alert_incident: {
    incident_key: string;
    kind: string;
    window_started_at: number | string;
    last_seen_at: number | string;
    occurrences: number;
    sent_at: number | string | null;
    severity: string | null;
    title: string | null;
    text: string | null;
    details: string | null;
  };
}

export interface Incident {
  readonly incidentKey: string;
  readonly kind: string;
  readonly windowStartedAt: number;
  readonly occurrences: number;
  readonly sentAt: number | null;
  /** The alert as it was raised (incidents recorded before migration 104 have only kind and key). */
  readonly title: string | null;
  readonly text: string | null;
}

export interface IncidentAggregatorOptions {
  readonly db: Kysely<any>;
  readonly sink: AlertSink;
  readonly windowSeconds?: number;
  /** @default DEFAULT_RESEND_AFTER_SECONDS */
  readonly resendAfterSeconds?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
}

type IncidentRow = IncidentTables['txc_alert_incident'];

function alertOf(row: IncidentRow): Alert {
  const severity = ALERT_SEVERITIES.find((s) => s === row.severity) ?? 'warning';
  let details: Record<string, unknown> | undefined;
  try {
    details = row.details === null ? undefined : (JSON.parse(row.details) as Record<string, unknown>);
  } catch {
    details = undefined; // written by us as JSON; a damaged value only loses the details
  }
  return {
    kind: row.kind,
    severity,
    title: row.title ?? row.kind,
    text: row.text ?? `incident ${row.incident_key}`,
    incidentKey: row.incident_key,
    ...(details ? { details } : {}),
  };
}

/**
 * Alert once per incident: the first alert of an incident key in a window is sent, later ones only
 * counted. The window lives in the database, so restarts and parallel instances do not re-alert.
 *
 * It is also the alert outbox: {@link record} writes the incident (with the alert's text) in the
 * caller's transaction — the one committing the effect that raised it — and {@link send} delivers it
 * after the commit and marks it sent. A crash between the two leaves the incident unsent, and
 * {@link resendUnsent} (the reconciler's sweep) sends it then. A crash after the webhook answered but
 * before the mark can repeat one alert; nothing can lose one.
 */
export class IncidentAggregator implements AlertOutbox {
  private readonly db: Kysely<IncidentTables>;
  private readonly windowMs: number;
  private readonly resendAfterMs: number;
  private readonly now: () => number;

  constructor(private readonly options: IncidentAggregatorOptions) {
    this.db = options.db as Kysely<IncidentTables>;
    this.windowMs = 1_000 * (options.windowSeconds ?? DEFAULT_INCIDENT_WINDOW_SECONDS);
    this.resendAfterMs = 1_000 * (options.resendAfterSeconds ?? DEFAULT_RESEND_AFTER_SECONDS);
    this.now = options.now ?? Date.now;
  }

  /** Records and sends at once: for alerts that are not the consequence of a local transaction. */
  async raise(alert: Alert): Promise<void> {
    if (await this.db.transaction().execute((trx) => this.record(trx, alert))) await this.send(alert);
  }

  /** Records the alert's incident inside `trx` and tells whether it must be sent once `trx` commits (the first of its window). */
  async record(trx: Transaction<any>, alert: Alert): Promise<boolean> {
    const db = trx as Transaction<IncidentTables>;
    const now = this.now();
    const key = alert.incidentKey.slice(0, MAX_KEY_CHARS);
    const content = this.contentOf(alert);
    const inserted = await db
      .insertInto('txc_alert_incident')
      .values({ incident_key: key, kind: alert.kind, window_started_at: now, last_seen_at: now, occurrences: 1, sent_at: null, ...content })
      .orIgnore()
      .executeTakeFirst();
    const shouldSend = await (async () => {
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
      const row = await db.selectFrom('txc_alert_incident').selectAll().where('incident_key', '=', key).executeTakeFirstOrThrow();
      if (now - Number(row.window_started_at) >= this.windowMs) {
        // The window closed: this is a new incident. The conditional update makes one racer win.
        const reopened = await db
          .updateTable('txc_alert_incident')
          .set({ window_started_at: now, last_seen_at: now, occurrences: 1, sent_at: null, ...content })
          .where('incident_key', '=', key)
          .where('window_started_at', '=', row.window_started_at)
          .executeTakeFirst();
        return Number(reopened.numUpdatedRows) === 1;
      }
      // An open incident is only counted, sent or not: its first occurrence sends it, and if that sender
      // crashed the sweep does — so one incident alerts once even when occurrences race.
      await db
        .updateTable('txc_alert_incident')
        .set((eb) => ({ occurrences: eb('occurrences', '+', 1), last_seen_at: now }))
        .where('incident_key', '=', key)
        .execute();
      return false;
    })();
    if (!shouldSend) this.options.logger?.debug({ incidentKey: key, kind: alert.kind }, 'alert aggregated into an open incident');
    return shouldSend;
  }

  /** Sends a recorded alert and marks its incident sent. */
  async send(alert: Alert): Promise<void> {
    await this.options.sink.raise(alert);
    await this.db
      .updateTable('txc_alert_incident')
      .set({ sent_at: this.now() })
      .where('incident_key', '=', alert.incidentKey.slice(0, MAX_KEY_CHARS))
      .execute();
  }

  /**
   * The sweep: sends incidents recorded but still unsent after the resend delay (their sender crashed
   * or the webhook failed), oldest first. Returns how many were sent. Only incidents older than the
   * delay, so an incident whose sender is still at work is not sent twice.
   */
  async resendUnsent(): Promise<number> {
    const rows = await this.db
      .selectFrom('txc_alert_incident')
      .selectAll()
      .where('sent_at', 'is', null)
      .where('window_started_at', '<=', this.now() - this.resendAfterMs)
      .orderBy('window_started_at')
      .limit(RESEND_BATCH)
      .execute();
    let sent = 0;
    for (const row of rows) {
      try {
        await this.send(alertOf(row));
        sent += 1;
      } catch (error) {
        this.options.logger?.error(
          { incidentKey: row.incident_key, kind: row.kind, error: (error as Error).message },
          'unsent alert could not be re-sent; the next sweep tries again',
        );
      }
    }
    if (sent > 0) this.options.logger?.warn({ sent }, 'unsent alerts re-sent');
    return sent;
  }

  async incident(incidentKey: string): Promise<Incident | undefined> {
    const row = await this.db.selectFrom('txc_alert_incident').selectAll().where('incident_key', '=', incidentKey).executeTakeFirst();
    return (
      row && {
        incidentKey: row.incident_key,
        kind: row.kind,
        windowStartedAt: Number(row.window_started_at),
        occurrences: row.occurrences,
        sentAt: row.sent_at === null ? null : Number(row.sent_at),
        title: row.title,
        text: row.text,
      }
    );
  }

  private contentOf(alert: Alert): Pick<IncidentRow, 'severity' | 'title' | 'text' | 'details'> {
    const details = alert.details === undefined ? null : JSON.stringify(alert.details);
    return {
      severity: alert.severity,
      title: alert.title.slice(0, MAX_TITLE_CHARS),
      text: alert.text.slice(0, MAX_TEXT_CHARS),
      details: details !== null && details.length <= MAX_DETAILS_CHARS ? details : null,
    };
  }
}
