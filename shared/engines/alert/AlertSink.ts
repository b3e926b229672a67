import type { Transaction } from 'kysely';

/** How urgent an alert is; `critical` pages someone, `warning` goes to the team channel. */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/**
 * Something a human must look at: a dead letter, a transaction rolled back by policy after its
 * checks ran out, a compliance violation, reconciliation drift.
 */
export interface Alert {
  /** Machine-readable kind, e.g. `dead-letter`, `tx-undecided-policy`, `compliance-violation`. */
  readonly kind: string;
  readonly severity: AlertSeverity;
  readonly title: string;
  /** Human text (markdown allowed). Never full ID numbers, phone numbers or secrets. */
  readonly text: string;
  /** Alerts with the same key within the aggregation window are one incident (no alert storms). */
  readonly incidentKey: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Where alerts go. Implementations: the webhook sender (DingTalk robot / JSON) and a recording sink in tests. */
export interface AlertSink {
  raise(alert: Alert): Promise<void>;
}

/**
 * Alerts that are the consequence of a local transaction: recorded in it, sent after it commits, and
 * re-sent by a sweep when a crash came between (IncidentAggregator; a recording fake in tests).
 */
export interface AlertOutbox extends AlertSink {
  /** Records the alert in `trx`; true when it must be sent after the commit (not already sent in its incident window). */
  record(trx: Transaction<any>, alert: Alert): Promise<boolean>;
  /** Sends a recorded alert and marks it sent. */
  send(alert: Alert): Promise<void>;
  /** Sends what was recorded but not sent in time; returns how many. */
  resendUnsent(): Promise<number>;
}
