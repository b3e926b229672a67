import type { ExpressionBuilder } from 'kysely';
import { sql } from 'kysely';
import type { ConflictView, ExpectedGroup, Page, Trace, TraceEvent, TransactionDetail, TransactionSearch, TxSummary } from './api';
import { MAX_PAGE_LIMIT } from './api';
import { ConsoleError } from './errors';
import { decodeCursor, limitOf, pageOf } from './paging';
import type { ReadContext } from './readContext';
import { afterKeyset } from './readContext';
import type { Row } from './views';
import {
  CONSUMPTION_COLUMNS,
  consumptionView,
  DEAD_LETTER_SUMMARY_COLUMNS,
  deadLetterSummary,
  functionsByGroup,
  iso,
  parseJson,
  TX_SUMMARY_COLUMNS,
  timelineEntry,
  txSummary,
} from './views';

/** Other transactions with the same business key shown on a detail page. */
const SAME_KEY_LIMIT = 20;
/** Consumption statuses that mean "the group handled it" (a dead letter is shown as such). */
const HANDLED = new Set(['COMPLETED', 'DEAD_LETTERED']);

/**
 * "PREPARED past the check immunity of its scenario": one creation-time bound per transactional tag,
 * so the (state, created_at, …, topic, tag) index serves the range and the per-tag terms only filter
 * (from the index alone: migration 305). The per-tag terms sit inside a CASE so no planner can pick
 * the (topic, tag, created_at) index for them: without statistics SQLite preferred it (two equality
 * terms) for the oldest-stuck list and walked every transaction of the tag (0.1 ms → 200+ ms).
 */
export function stuckCondition(context: ReadContext, now: number) {
  const tags = context.catalog.topics
    .filter((t) => t.messageType === 'transactional')
    .flatMap((t) => t.tags.map((tag) => ({ topic: t.name, tag: tag.name })));
  const bound = (topic: string, tag: string) => now - context.immunity(topic, tag) * 1_000;
  const latest = Math.max(...tags.map(({ topic, tag }) => bound(topic, tag)));
  return (eb: ExpressionBuilder<any, any>) =>
    eb.and([
      eb('state', '=', 'PREPARED'),
      eb('created_at', '<', latest),
      eb(
        eb
          .case()
          .when(
            eb.or(
              tags.map(({ topic, tag }) =>
                eb.and([eb('topic', '=', topic), eb('tag', '=', tag), eb('created_at', '<', bound(topic, tag))]),
              ),
            ),
          )
          .then(sql.lit(1))
          .else(sql.lit(0))
          .end(),
        '=',
        sql.lit(1),
      ),
    ]);
}

/** Transaction search, detail and business-key trace. */
export class TransactionReader {
  constructor(private readonly context: ReadContext) {}

  private summary = (row: Row): TxSummary => txSummary(row, this.context.now(), this.context.immunity);

  /** Newest first by creation time; every filter is served by an index of migration 301. */
  async search(search: TransactionSearch): Promise<Page<TxSummary>> {
    const { db } = this.context;
    const limit = limitOf(search.limit);
    let query = db.selectFrom('txc_tx').select([...TX_SUMMARY_COLUMNS]);
    if (search.txId) query = query.where('tx_id', '=', search.txId);
    if (search.businessKey) query = query.where('business_key', '=', search.businessKey);
    if (search.system) query = query.where('system_id', '=', search.system);
    if (search.topic) query = query.where('topic', '=', search.topic);
    if (search.tag) query = query.where('tag', '=', search.tag);
    if (search.state) query = query.where('state', '=', search.state);
    if (search.stuck) query = query.where(stuckCondition(this.context, this.context.now()));
    if (search.from !== undefined) query = query.where('created_at', '>=', search.from);
    if (search.to !== undefined) query = query.where('created_at', '<=', search.to);
    query = afterKeyset(query, 'created_at', 'tx_id', decodeCursor(search.cursor));
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('tx_id', 'desc')
      .limit(limit + 1)
      .execute();
    return pageOf(rows, limit, (row) => ({ at: Number(row.created_at), id: row.tx_id }), this.summary);
  }

  /** @throws ConsoleError TX_NOT_FOUND */
  async detail(txId: string, canAct: boolean): Promise<TransactionDetail> {
    const { db, catalog } = this.context;
    const row = await db.selectFrom('txc_tx').selectAll().where('tx_id', '=', txId).executeTakeFirst();
    if (!row) throw new ConsoleError('TX_NOT_FOUND', `no transaction ${txId}`);
    const [events, consumptions, letters, sameKey] = await Promise.all([
      db
        .selectFrom('txc_tx_event')
        .select(['at', 'type', 'state', 'actor', 'detail'])
        .where('tx_id', '=', txId)
        .orderBy('id')
        .limit(1_000)
        .execute(),
      db
        .selectFrom('txc_consume_barrier')
        .select([...CONSUMPTION_COLUMNS])
        .where('event_id', '=', txId)
        .execute(),
      db
        .selectFrom('txc_dead_letter')
        .select([...DEAD_LETTER_SUMMARY_COLUMNS])
        .where('message_key', '=', txId)
        .orderBy('dead_lettered_at', 'desc')
        .limit(MAX_PAGE_LIMIT)
        .execute(),
      db
        .selectFrom('txc_tx')
        .select([...TX_SUMMARY_COLUMNS])
        .where('business_key', '=', row.business_key)
        .where('tx_id', '<>', txId)
        .orderBy('created_at', 'desc')
        .limit(SAME_KEY_LIMIT)
        .execute(),
    ]);
    const byGroup = new Map(consumptions.map((c) => [c.group_id as string, c]));
    const [histories, conflicts] = await Promise.all([
      Promise.all(
        consumptions.map((c) =>
          db
            .selectFrom('txc_consume_attempt')
            .selectAll()
            .where('group_id', '=', c.group_id)
            .where('dedup_key', '=', c.dedup_key)
            .orderBy('id')
            .limit(MAX_PAGE_LIMIT)
            .execute(),
        ),
      ),
      consumptions.length === 0
        ? Promise.resolve([] as Row[])
        : db
            .selectFrom('txc_consume_conflict')
            .select(['group_id', 'dedup_key', 'message_id', 'detected_at'])
            .where((eb) => eb.or(consumptions.map((c) => eb.and([eb('group_id', '=', c.group_id), eb('dedup_key', '=', c.dedup_key)]))))
            .orderBy('id')
            .limit(MAX_PAGE_LIMIT)
            .execute(),
    ]);
    const historyOf = new Map(consumptions.map((c, i) => [c.group_id as string, histories[i]!]));
    const now = this.context.now();
    const summary = this.summary(row);
    const functions = functionsByGroup(catalog);
    const expectedGroups: ExpectedGroup[] = catalog.subscribersOf(row.topic, row.tag).map((group) => {
      const consumption = byGroup.get(group.id);
      return {
        group: group.id,
        functions: functions.get(group.id) ?? [],
        slaSeconds: group.consumeSlaSeconds,
        consumption: consumption
          ? {
              ...consumptionView(consumption),
              history: historyOf.get(group.id)!.map((a) => ({
                attempt: Number(a.attempt),
                startedAt: iso(a.started_at),
                finishedAt: iso(a.finished_at),
                outcome: a.outcome,
                errorCode: a.error_code ?? null,
                errorMessage: a.error_message === null ? null : String(a.error_message).slice(0, 500),
              })),
            }
          : null,
        overdue:
          row.state === 'COMMITTED' &&
          row.decided_at !== null &&
          !(consumption && HANDLED.has(consumption.status)) &&
          now - Number(row.decided_at) > group.consumeSlaSeconds * 1_000,
      };
    });
    const envelope = parseJson(row.body) ?? {};
    const payload = 'payload' in envelope ? envelope.payload : null;
    const properties = (parseJson(row.properties) ?? {}) as Record<string, string>;
    return {
      transaction: {
        ...summary,
        messageId: row.message_id ?? null,
        checkbackPath: row.checkback_path ?? null,
        immunityEndsAt: iso(Number(row.created_at) + this.context.immunity(row.topic, row.tag) * 1_000),
      },
      request: {
        topic: row.topic,
        tag: row.tag,
        businessKey: row.business_key,
        keys: typeof properties.bizKeys === 'string' ? properties.bizKeys.split(' ') : [],
        payload,
      },
      envelope,
      properties,
      timeline: events.map(timelineEntry),
      expectedGroups,
      deadLetters: letters.map(deadLetterSummary),
      conflicts: {
        consumers: conflicts.map(
          (c): ConflictView => ({ group: c.group_id, dedupKey: c.dedup_key, messageId: c.message_id, detectedAt: iso(c.detected_at) }),
        ),
        sameBusinessKey: sameKey.map(this.summary),
      },
      actions: { check: canAct && summary.stuck, decide: canAct && summary.stuck },
    };
  }

  /**
   * Everything recorded for one business key, oldest first: its transactions with their timelines,
   * every group's consumption, the data center's archive rows and dead letters. Each list is bounded
   * by {@link MAX_PAGE_LIMIT}; `truncated` says when one was cut.
   */
  async trace(businessKey: string): Promise<Trace> {
    const { db, catalog } = this.context;
    const bound = MAX_PAGE_LIMIT;
    const txs = await db
      .selectFrom('txc_tx')
      .select([...TX_SUMMARY_COLUMNS])
      .where('business_key', '=', businessKey)
      .orderBy('created_at', 'desc')
      .limit(bound + 1)
      .execute();
    const txIds = txs.slice(0, bound).map((t) => t.tx_id as string);
    const byKeyOrTx = (eb: ExpressionBuilder<any, any>, keyColumn: string, txColumn: string) =>
      txIds.length === 0 ? eb(keyColumn, '=', businessKey) : eb.or([eb(keyColumn, '=', businessKey), eb(txColumn, 'in', txIds)]);
    const [events, consumptions, archive, letters] = await Promise.all([
      txIds.length === 0
        ? Promise.resolve([] as Row[])
        : db
            .selectFrom('txc_tx_event')
            .select(['tx_id', 'at', 'type', 'state', 'actor', 'detail'])
            .where('tx_id', 'in', txIds)
            .orderBy('id')
            .limit(bound * 10)
            .execute(),
      db
        .selectFrom('txc_consume_barrier')
        .select([...CONSUMPTION_COLUMNS])
        .where((eb) => byKeyOrTx(eb, 'business_key', 'event_id'))
        .limit(bound + 1)
        .execute(),
      db
        .selectFrom('txc_archive_event')
        .select(['group_id', 'message_id', 'topic', 'tag', 'event_id', 'source', 'published_at', 'archived_at'])
        .where('business_key', '=', businessKey)
        .orderBy('published_at')
        .limit(bound + 1)
        .execute(),
      txIds.length === 0
        ? Promise.resolve([] as Row[])
        : db
            .selectFrom('txc_dead_letter')
            .select([...DEAD_LETTER_SUMMARY_COLUMNS])
            .where('message_key', 'in', txIds)
            .orderBy('dead_lettered_at')
            .limit(bound + 1)
            .execute(),
    ]);
    const truncated = [txs, consumptions, archive, letters].some((rows) => rows.length > bound) || events.length >= bound * 10;
    const trimmed = <T>(rows: readonly T[]) => rows.slice(0, bound);
    const timeline: (TraceEvent & { ms: number })[] = [
      ...events.map((e) => ({
        ms: Number(e.at),
        at: iso(e.at),
        kind: 'tx' as const,
        txId: e.tx_id,
        group: null,
        type: e.type,
        text: `${e.type} by ${e.actor}`,
      })),
      ...trimmed(consumptions).flatMap((c) => {
        const first = {
          ms: Number(c.created_at),
          at: iso(c.created_at),
          kind: 'consumption' as const,
          txId: c.event_id ?? null,
          group: c.group_id,
          type: 'RECEIVED',
          text: `${c.group_id} received`,
        };
        const last = c.completed_at ?? (c.status === 'COMPLETED' ? null : c.updated_at);
        const end =
          last === null
            ? []
            : [
                {
                  ms: Number(last),
                  at: iso(last),
                  kind: 'consumption' as const,
                  txId: c.event_id ?? null,
                  group: c.group_id,
                  type: c.status,
                  text: `${c.group_id} ${c.status} after ${c.attempts} attempt(s)${c.summary ? `: ${String(c.summary).slice(0, 200)}` : ''}`,
                },
              ];
        return [first, ...end];
      }),
      ...trimmed(archive).map((a) => ({
        ms: Number(a.archived_at),
        at: iso(a.archived_at),
        kind: 'archive' as const,
        txId: a.event_id,
        group: a.group_id,
        type: 'ARCHIVED',
        text: `archived by ${a.group_id} (${a.topic}/${a.tag ?? '-'})`,
      })),
      ...trimmed(letters).map((d) => ({
        ms: Number(d.dead_lettered_at),
        at: iso(d.dead_lettered_at),
        kind: 'dead-letter' as const,
        txId: d.message_key ?? null,
        group: d.group_id,
        type: d.status,
        text: `dead letter ${d.id} from ${d.group_id}: ${d.error_code}`,
      })),
    ];
    timeline.sort((a, b) => a.ms - b.ms);
    return {
      businessKey,
      transactions: trimmed(txs)
        .reverse()
        .map((t) => ({ ...this.summary(t), expectedGroups: catalog.subscribersOf(t.topic, t.tag).map((g) => g.id) })),
      consumptions: trimmed(consumptions).map(consumptionView),
      archive: trimmed(archive).map((a) => ({
        group: a.group_id,
        messageId: a.message_id,
        topic: a.topic,
        tag: a.tag ?? null,
        eventId: a.event_id,
        source: a.source,
        publishedAt: iso(a.published_at),
        archivedAt: iso(a.archived_at),
      })),
      deadLetters: trimmed(letters).map(deadLetterSummary),
      events: timeline.map(({ ms: _ms, ...event }) => event),
      truncated,
    };
  }
}
