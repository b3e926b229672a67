import type { Catalog } from '../catalog';
import type {
  ConsumptionView,
  DeadLetterSummary,
  Delivery,
  IncidentView,
  ReconcileRunSummary,
  TimelineEntry,
  TxStateName,
  TxSummary,
} from './api';

/** Rows come back with bigint columns as strings on MySQL and numbers on SQLite. */
export type Row = Record<string, any>;

export const iso = (ms: number | string): string => new Date(Number(ms)).toISOString();
export const isoOrNull = (ms: number | string | null | undefined): string | null => (ms === null || ms === undefined ? null : iso(ms));

export function parseJson(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { raw: text };
  }
}

/** Check immunity of a scenario, with the deployment's override (the same rule as tx-gateway). */
export type ImmunityOf = (topic: string, tag: string) => number;

export function immunityOf(catalog: Catalog, overrideSeconds: number | undefined): ImmunityOf {
  return (topic, tag) => overrideSeconds ?? catalog.tag(topic, tag)?.checkImmunitySeconds ?? 10;
}

function deliveryOf(state: string, broker: string): Delivery {
  if (state === 'PREPARED') return 'not-decided';
  return broker === 'DECISION_DELIVERED' || broker === 'NOT_PUBLISHED' ? 'done' : 'pending-checkback';
}

/** Columns a {@link TxSummary} needs (the body and receipt handle stay in the table). */
export const TX_SUMMARY_COLUMNS = [
  'tx_id',
  'system_id',
  'business_key',
  'topic',
  'tag',
  'state',
  'broker',
  'reason',
  'check_count',
  'created_at',
  'decided_at',
] as const;

export function txSummary(row: Row, now: number, immunity: ImmunityOf): TxSummary {
  const createdAt = Number(row.created_at);
  return {
    txId: row.tx_id,
    systemId: row.system_id,
    businessKey: row.business_key,
    topic: row.topic,
    tag: row.tag,
    state: row.state as TxStateName,
    broker: row.broker,
    delivery: deliveryOf(row.state, row.broker),
    reason: row.reason ?? null,
    checks: Number(row.check_count),
    createdAt: iso(createdAt),
    decidedAt: isoOrNull(row.decided_at),
    stuck: row.state === 'PREPARED' && now - createdAt >= immunity(row.topic, row.tag) * 1_000,
  };
}

export function timelineEntry(row: Row): TimelineEntry {
  return { at: iso(row.at), type: row.type, state: row.state as TxStateName, actor: row.actor, detail: parseJson(row.detail) };
}

export function consumptionView(row: Row): ConsumptionView {
  return {
    group: row.group_id,
    status: row.status,
    attempts: Number(row.attempts),
    firstAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    completedAt: isoOrNull(row.completed_at),
    lastErrorCode: row.last_error_code ?? null,
    summary: row.summary ?? null,
    deadLetterId: row.dead_letter_id ?? null,
    txId: row.event_id ?? null,
    businessKey: row.business_key ?? null,
    tag: row.tag ?? null,
  };
}

/** Columns of {@link consumptionView}. */
export const CONSUMPTION_COLUMNS = [
  'group_id',
  'dedup_key',
  'status',
  'attempts',
  'created_at',
  'updated_at',
  'completed_at',
  'last_error_code',
  'summary',
  'dead_letter_id',
  'event_id',
  'business_key',
  'tag',
] as const;

export const DEAD_LETTER_SUMMARY_COLUMNS = [
  'id',
  'group_id',
  'topic',
  'tag',
  'message_key',
  'message_id',
  'error_code',
  'error_message',
  'attempts',
  'status',
  'replay_of',
  'replay_message_id',
  'replayed_at',
  'dead_lettered_at',
] as const;

export function deadLetterSummary(row: Row): DeadLetterSummary {
  return {
    id: row.id,
    group: row.group_id,
    topic: row.topic,
    tag: row.tag ?? null,
    messageKey: row.message_key ?? null,
    messageId: row.message_id,
    errorCode: row.error_code,
    errorMessage: String(row.error_message).slice(0, 500),
    attempts: Number(row.attempts),
    status: row.status,
    replayOf: row.replay_of ?? null,
    replayMessageId: row.replay_message_id ?? null,
    replayedAt: isoOrNull(row.replayed_at),
    deadLetteredAt: iso(row.dead_lettered_at),
  };
}

export function incidentView(row: Row, now: number, windowMs: number): IncidentView {
  return {
    incidentKey: row.incident_key,
    kind: row.kind,
    windowStartedAt: iso(row.window_started_at),
    lastSeenAt: iso(row.last_seen_at),
    occurrences: Number(row.occurrences),
    sentAt: isoOrNull(row.sent_at),
    open: now - Number(row.window_started_at) < windowMs,
  };
}

export function reconcileRunSummary(row: Row): ReconcileRunSummary & { report: Record<string, unknown> } {
  const report = (parseJson(row.report) ?? {}) as Record<string, any>;
  return {
    runId: row.run_id,
    finishedAt: iso(row.finished_at),
    clean: Number(row.clean) === 1,
    truncated: Boolean(report.truncated),
    stuckPrepared: Array.isArray(report.stuckPrepared) ? report.stuckPrepared.length : 0,
    missingConsumption: Array.isArray(report.missingConsumption) ? report.missingConsumption.length : 0,
    deadLetters: Number(report.deadLetters?.total ?? 0),
    report,
  };
}

/** The functions whose MQ triggers consume each group. */
export function functionsByGroup(catalog: Catalog): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const trigger of catalog.mqTriggers())
    map.set(trigger.subscription.id, [...(map.get(trigger.subscription.id) ?? []), trigger.function]);
  return map;
}
