import type { Kysely, Transaction } from 'kysely';
import type { DeadLetterBody } from '../consumer/deadLetterBody';

/** Where a stored dead letter stands. */
export const DEAD_LETTER_STATUSES = {
  /** Received, not replayed. */
  new: 'NEW',
  /** Replay decided; the publish may or may not have happened (a re-run republishes, deduplicated). */
  replaying: 'REPLAYING',
  replayed: 'REPLAYED',
  /** Replayed, and the replay dead-lettered again: needs a human, never replayed automatically. */
  replayFailed: 'REPLAY_FAILED',
} as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[keyof typeof DEAD_LETTER_STATUSES];

export interface DeadLetter {
  readonly id: string;
  readonly group: string;
  readonly topic: string;
  readonly tag: string | null;
  readonly messageKey: string | null;
  readonly messageId: string;
  readonly dedupKey: string;
  readonly body: string;
  readonly properties: Record<string, string>;
  readonly error: { kind: string; code: string; message: string };
  readonly attempts: number;
  readonly history: DeadLetterBody['history'];
  readonly replayOf: string | null;
  readonly status: DeadLetterStatus;
  readonly replayId: string | null;
  readonly replayMessageId: string | null;
  readonly replayedAt: number | null;
  readonly deadLetteredAt: number;
  readonly receivedAt: number;
}

/** Filters shared by `txcenter dlq list|replay` and the HTTP endpoint. */
export interface DeadLetterFilter {
  readonly group?: string;
  readonly tag?: string;
  /** Epoch ms, inclusive, on the dead-lettering time. */
  readonly from?: number;
  readonly to?: number;
  readonly ids?: readonly string[];
  readonly status?: DeadLetterStatus;
  /** @default DEFAULT_LIST_LIMIT */
  readonly limit?: number;
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1_000;

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function toDeadLetter(row: Record<string, any>): DeadLetter {
  return {
    id: row.id,
    group: row.group_id,
    topic: row.topic,
    tag: row.tag,
    messageKey: row.message_key,
    messageId: row.message_id,
    dedupKey: row.dedup_key,
    body: row.body,
    properties: JSON.parse(row.properties),
    error: { kind: row.error_kind, code: row.error_code, message: row.error_message },
    attempts: row.attempts,
    history: JSON.parse(row.history),
    replayOf: row.replay_of,
    status: row.status,
    replayId: row.replay_id,
    replayMessageId: row.replay_message_id,
    replayedAt: num(row.replayed_at),
    deadLetteredAt: Number(row.dead_lettered_at),
    receivedAt: Number(row.received_at),
  };
}

/** The dead letters dlq-alerter received, with their history and replay state. */
export class DeadLetterStore {
  constructor(private readonly db: Kysely<any>) {}

  /** Stores a dead letter in the consumer's transaction; a failed replay marks its origin REPLAY_FAILED. */
  async save(trx: Transaction<any>, body: DeadLetterBody, receivedAt: number): Promise<void> {
    await trx
      .insertInto('txc_dead_letter')
      .values({
        id: body.deadLetterId,
        group_id: body.group,
        topic: body.original.topic,
        tag: body.original.tag ?? null,
        message_key: body.original.key ?? null,
        message_id: body.original.messageId,
        dedup_key: body.dedupKey,
        body: body.original.body,
        properties: JSON.stringify(body.original.properties),
        error_code: body.error.code,
        error_message: body.error.message,
        error_kind: body.error.kind,
        attempts: body.attempts,
        history: JSON.stringify(body.history),
        replay_of: body.replayOf ?? null,
        status: body.replayOf ? DEAD_LETTER_STATUSES.replayFailed : DEAD_LETTER_STATUSES.new,
        replay_id: null,
        replay_message_id: null,
        replayed_at: null,
        dead_lettered_at: body.deadLetteredAt,
        received_at: receivedAt,
      })
      .execute();
    if (body.replayOf)
      await trx.updateTable('txc_dead_letter').set({ status: DEAD_LETTER_STATUSES.replayFailed }).where('id', '=', body.replayOf).execute();
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const row = await this.db.selectFrom('txc_dead_letter').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDeadLetter(row);
  }

  /** Newest first. */
  async list(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    let query = this.db.selectFrom('txc_dead_letter').selectAll();
    if (filter.group) query = query.where('group_id', '=', filter.group);
    if (filter.tag) query = query.where('tag', '=', filter.tag);
    if (filter.from !== undefined) query = query.where('dead_lettered_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('dead_lettered_at', '<=', filter.to);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.ids && filter.ids.length > 0) query = query.where('id', 'in', [...filter.ids]);
    const limit = Math.min(filter.limit ?? DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    const rows = await query.orderBy('dead_lettered_at', 'desc').orderBy('id').limit(limit).execute();
    return rows.map(toDeadLetter);
  }

  /** Durable replay decision, written before the publish. */
  async markReplaying(id: string, replayId: string): Promise<void> {
    await this.db
      .updateTable('txc_dead_letter')
      .set({ status: DEAD_LETTER_STATUSES.replaying, replay_id: replayId })
      .where('id', '=', id)
      .execute();
  }

  async markReplayed(id: string, replayMessageId: string, at: number): Promise<void> {
    // Only from REPLAYING: a failure of the replay may already have marked it REPLAY_FAILED.
    await this.db
      .updateTable('txc_dead_letter')
      .set({ status: DEAD_LETTER_STATUSES.replayed, replay_message_id: replayMessageId, replayed_at: at })
      .where('id', '=', id)
      .where('status', '=', DEAD_LETTER_STATUSES.replaying)
      .execute();
  }
}
