import { writeAtCommit } from '../../adapters/store/groupCommit';
import type { Kysely } from 'kysely';
import * as z from '../../zod';
import { decodeEnvelope } from '../../engines/consumer/decodeEnvelope';
import type { EnvelopeOf } from '../../engines/consumer/decodeEnvelope';
import type { MessageHandler } from '../../engines/consumer/types';

export interface ArchivedEvent {
  readonly group: string;
  readonly messageId: string;
  readonly topic: string;
  readonly tag: string | null;
  readonly eventId: string;
  readonly businessKey: string;
  readonly source: string;
  readonly body: string;
  readonly publishedAt: number;
}

/**
 * consumer-datacenter: an append-only archive of every event, deduplicated by message id (so a
 * re-publish with the same key is archived as the separate delivery it is), queryable by business key.
 */
export function archiveHandler(now: () => number = Date.now): MessageHandler<EnvelopeOf<unknown>> {
  return {
    dedupBy: 'messageId',
    localOnly: true,
    decode: (message) => decodeEnvelope(message, z.unknown()),
    async handle({ value }, { group, message }) {
      return {
        summary: `archived ${message.topic}/${message.tag ?? '-'} message ${message.messageId}`,
        apply: async (trx) => {
          await writeAtCommit(
            trx,
            trx.insertInto('txc_archive_event').values({
              group_id: group,
              message_id: message.messageId,
              topic: message.topic,
              tag: message.tag ?? null,
              event_id: value.eventId,
              business_key: value.businessKey,
              source: value.source,
              body: message.body,
              published_at: message.publishTime,
              archived_at: now(),
            }),
          );
        },
      };
    },
  };
}

/** The archive of a business key, oldest first. */
export async function archiveByBusinessKey(db: Kysely<any>, businessKey: string): Promise<ArchivedEvent[]> {
  const rows = await db
    .selectFrom('txc_archive_event')
    .selectAll()
    .where('business_key', '=', businessKey)
    .orderBy('published_at')
    .orderBy('message_id')
    .execute();
  return rows.map((row) => ({
    group: row.group_id,
    messageId: row.message_id,
    topic: row.topic,
    tag: row.tag,
    eventId: row.event_id,
    businessKey: row.business_key,
    source: row.source,
    body: row.body,
    publishedAt: Number(row.published_at),
  }));
}
