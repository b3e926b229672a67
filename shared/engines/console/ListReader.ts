import type { DeadLetterStore } from '../dlq/DeadLetterStore';
import { replayEligibility } from '../dlq/replayDeadLetters';
import type {
  DeadLetterDetail,
  DeadLetterSearch,
  DeadLetterSummary,
  IncidentSearch,
  IncidentView,
  Page,
  PageQuery,
  ReconcileRunDetail,
  ReconcileRunSummary,
} from './api';
import { ConsoleError } from './errors';
import { decodeCursor, limitOf, pageOf } from './paging';
import type { ReadContext } from './readContext';
import { afterKeyset } from './readContext';
import {
  CONSUMPTION_COLUMNS,
  consumptionView,
  DEAD_LETTER_SUMMARY_COLUMNS,
  deadLetterSummary,
  iso,
  incidentView,
  reconcileRunSummary,
} from './views';

/** Dead letters, reconcile runs and alert incidents: lists (keyset, newest first) and details. */
export class ListReader {
  constructor(
    private readonly context: ReadContext,
    private readonly deadLetters: DeadLetterStore,
  ) {}

  async searchDeadLetters(search: DeadLetterSearch): Promise<Page<DeadLetterSummary>> {
    const limit = limitOf(search.limit);
    let query = this.context.db.selectFrom('txc_dead_letter').select([...DEAD_LETTER_SUMMARY_COLUMNS]);
    if (search.group) query = query.where('group_id', '=', search.group);
    if (search.tag) query = query.where('tag', '=', search.tag);
    if (search.status) query = query.where('status', '=', search.status);
    if (search.from !== undefined) query = query.where('dead_lettered_at', '>=', search.from);
    if (search.to !== undefined) query = query.where('dead_lettered_at', '<=', search.to);
    query = afterKeyset(query, 'dead_lettered_at', 'id', decodeCursor(search.cursor));
    const rows = await query
      .orderBy('dead_lettered_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    return pageOf(rows, limit, (row) => ({ at: Number(row.dead_lettered_at), id: row.id }), deadLetterSummary);
  }

  /** @throws ConsoleError DEAD_LETTER_NOT_FOUND */
  async deadLetter(id: string): Promise<DeadLetterDetail> {
    const letter = await this.deadLetters.get(id);
    if (!letter) throw new ConsoleError('DEAD_LETTER_NOT_FOUND', `no dead letter ${id}`);
    const consumption = await this.context.db
      .selectFrom('txc_consume_barrier')
      .select([...CONSUMPTION_COLUMNS])
      .where('group_id', '=', letter.group)
      .where('dedup_key', '=', letter.dedupKey)
      .executeTakeFirst();
    const refusal = replayEligibility(letter);
    return {
      ...deadLetterSummary({
        id: letter.id,
        group_id: letter.group,
        topic: letter.topic,
        tag: letter.tag,
        message_key: letter.messageKey,
        message_id: letter.messageId,
        error_code: letter.error.code,
        error_message: letter.error.message,
        attempts: letter.attempts,
        status: letter.status,
        replay_of: letter.replayOf,
        replay_message_id: letter.replayMessageId,
        replayed_at: letter.replayedAt,
        dead_lettered_at: letter.deadLetteredAt,
      }),
      body: letter.body,
      properties: letter.properties,
      errorKind: letter.error.kind,
      history: letter.history.map((h) => ({
        attempt: h.attempt,
        startedAt: iso(h.startedAt),
        finishedAt: iso(h.finishedAt),
        outcome: h.outcome,
        errorCode: h.errorCode ?? null,
        errorMessage: h.error?.slice(0, 500) ?? null,
      })),
      consumption: consumption ? consumptionView(consumption) : null,
      replayable: refusal ? { ok: false, code: refusal.code, reason: refusal.reason } : { ok: true },
    };
  }

  async reconcileRuns(page: PageQuery): Promise<Page<ReconcileRunSummary>> {
    const limit = limitOf(page.limit);
    let query = this.context.db.selectFrom('txc_reconcile_report').selectAll();
    query = afterKeyset(query, 'finished_at', 'run_id', decodeCursor(page.cursor));
    const rows = await query
      .orderBy('finished_at', 'desc')
      .orderBy('run_id', 'desc')
      .limit(limit + 1)
      .execute();
    return pageOf(
      rows,
      limit,
      (row) => ({ at: Number(row.finished_at), id: row.run_id }),
      (row) => {
        const { report: _report, ...summary } = reconcileRunSummary(row);
        return summary;
      },
    );
  }

  /** @throws ConsoleError RECONCILE_RUN_NOT_FOUND */
  async reconcileRun(runId: string): Promise<ReconcileRunDetail> {
    const row = await this.context.db.selectFrom('txc_reconcile_report').selectAll().where('run_id', '=', runId).executeTakeFirst();
    if (!row) throw new ConsoleError('RECONCILE_RUN_NOT_FOUND', `no reconcile run ${runId}`);
    return reconcileRunSummary(row);
  }

  async incidents(search: IncidentSearch): Promise<Page<IncidentView>> {
    const now = this.context.now();
    const limit = limitOf(search.limit);
    let query = this.context.db.selectFrom('txc_alert_incident').selectAll();
    if (search.open) query = query.where('window_started_at', '>', now - this.context.incidentWindowMs);
    query = afterKeyset(query, 'last_seen_at', 'incident_key', decodeCursor(search.cursor));
    const rows = await query
      .orderBy('last_seen_at', 'desc')
      .orderBy('incident_key', 'desc')
      .limit(limit + 1)
      .execute();
    return pageOf(
      rows,
      limit,
      (row) => ({ at: Number(row.last_seen_at), id: row.incident_key }),
      (row) => incidentView(row, now, this.context.incidentWindowMs),
    );
  }

  /** @throws ConsoleError INCIDENT_NOT_FOUND */
  async incident(incidentKey: string): Promise<IncidentView> {
    const row = await this.context.db
      .selectFrom('txc_alert_incident')
      .selectAll()
      .where('incident_key', '=', incidentKey)
      .executeTakeFirst();
    if (!row) throw new ConsoleError('INCIDENT_NOT_FOUND', `no incident ${incidentKey}`);
    return incidentView(row, this.context.now(), this.context.incidentWindowMs);
  }
}
