import { createHash } from 'node:crypto';
import * as z from '../../zod';

/** One attempt as carried in a dead letter. */
export const attemptSchema = z.object({
  attempt: z.int(),
  messageId: z.string(),
  deliveryCount: z.optional(z.int()),
  startedAt: z.number(),
  finishedAt: z.number(),
  outcome: z.string(),
  errorCode: z.optional(z.string()),
  error: z.optional(z.string()),
});

/**
 * The body of a message on the DLQ topic (catalog().deadLetter): the original message verbatim plus
 * where it failed, why, and every attempt. dlq-alerter stores it and can replay it from this alone.
 */
export const deadLetterBodySchema = z.object({
  v: z.literal(1),
  deadLetterId: z.string().check(z.minLength(1), z.maxLength(64)),
  group: z.string().check(z.minLength(1), z.maxLength(64)),
  dedupKey: z.string().check(z.minLength(1), z.maxLength(128)),
  original: z.object({
    topic: z.string().check(z.minLength(1), z.maxLength(64)),
    tag: z.optional(z.string().check(z.maxLength(64))),
    key: z.optional(z.string().check(z.maxLength(128))),
    messageId: z.string().check(z.minLength(1), z.maxLength(64)),
    publishTime: z.number(),
    properties: z.record(z.string(), z.string()),
    body: z.string(),
  }),
  error: z.object({ kind: z.enum(['transient', 'permanent']), code: z.string(), message: z.string() }),
  attempts: z.int().check(z.minimum(0)),
  history: z.array(attemptSchema),
  /** The dead letter whose replay failed again, if this is one. */
  replayOf: z.optional(z.string().check(z.maxLength(64))),
  deadLetteredAt: z.number(),
});

export type DeadLetterBody = z.output<typeof deadLetterBodySchema>;

/**
 * Deterministic id of a dead letter: the same (group, key, replay) always yields the same id, so a
 * DLQ publish repeated after a crash is recognised as a duplicate by dlq-alerter's barrier.
 */
export function deadLetterIdOf(group: string, dedupKey: string, replayId: string | undefined): string {
  return `dl-${createHash('sha256')
    .update(`${group}\n${dedupKey}\n${replayId ?? ''}`)
    .digest('hex')
    .slice(0, 32)}`;
}
